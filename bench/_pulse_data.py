"""The data set of bench/pulse_scale.py: a team tree, people, a year of closed weekly pulse rounds.

Generated from a seeded random.Random (the same figures every run) and bulk-loaded outside the
product code: COPY on PostgreSQL, executemany of plain INSERTs on SQLite. Rows look like the
product's own: rounds of scope "*" with the week's rotating questions (+ eNPS monthly), one
"sent" invitation per person and round, answers rewritten in token order (as closing a round
does), a few comments. Nothing here is timed by the benchmark except as "setup".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, insert

from teamwell.bot.storage.tables import PersonRow, PulseRoundRow, TeamRow, WorkspaceRow
from teamwell.core.pulse_rotation import enps_due, round_questions, week_index
from teamwell.surveys.pulse_bank import ENPS, Question, QuestionBank

WS = "W0BENCH"
LAST_WEEK = date(2026, 11, 16)  # the Monday of the latest closed round
SKIP_RATE = 0.03
COMMENT_RATE = 0.03
TINY_TEAMS = 0.1  # share of leaf teams with 3 or 4 people, so that suppression really happens
AGREE5 = [(4, 10, 22, 42, 22), (8, 18, 30, 32, 12), (2, 6, 16, 46, 30)]  # per-team moods
ENPS11 = (2, 1, 2, 3, 4, 7, 9, 14, 20, 17, 21)
FIRST = ("Ana", "Ben", "Chloé", "David", "Emma", "Farid", "Grace", "Hugo", "Ines", "Jonas",
         "Kenji", "Lea", "Marta", "Nils", "Olga", "Pedro", "Quinn", "Rosa", "Sami", "Tara",
         "Uma", "Victor", "Wen", "Ximena", "Yusuf", "Zoe")
SYLLABLES = ("ka", "lo", "mer", "ti", "san", "bro", "del", "vi", "nu", "ros", "te", "gar",
             "li", "mon", "ha", "ber", "zu", "fa", "quin", "dor")
COMMENTS = ("More focus time would help.", "Great week, thanks {name}!",
            "Too many meetings again.", "I'd like clearer priorities.",
            "Call me on 555 0100 200 if you want details.", "The new tooling is a real help.")

Row = tuple[Any, ...]


@dataclass
class World:
    """Who and what the data set holds (no answers: those are generated week by week)."""

    teams: list[tuple[str, str, str | None]]  # id, name, parent id
    people: list[tuple[str, str, str]]  # id, name, team id
    propensity: list[float]  # each person's chance of answering in a given week
    mood: dict[str, int]  # team id -> index into AGREE5
    rounds: list[tuple[str, date, tuple[Question, ...]]] = field(default_factory=list)


def build_world(bank: QuestionBank, n_people: int, n_teams: int, n_weeks: int,
                rng: random.Random) -> World:
    """Teams three levels deep (divisions, departments, teams), people in the leaf teams."""
    n_div = max(1, round(n_teams / 100))
    n_dep = max(n_div, round(n_teams / 10))
    n_leaf = max(1, n_teams - n_div - n_dep)
    teams: list[tuple[str, str, str | None]] = []
    divs = [f"T{i:05d}" for i in range(n_div)]
    deps = [f"T{n_div + i:05d}" for i in range(n_dep)]
    leaves = [f"T{n_div + n_dep + i:05d}" for i in range(n_leaf)]
    teams += [(d, f"Division {i + 1}", None) for i, d in enumerate(divs)]
    teams += [(d, f"Department {i + 1}", divs[i % n_div]) for i, d in enumerate(deps)]
    teams += [(t, f"Team {i + 1}", rng.choice(deps) if i >= n_dep else deps[i])
              for i, t in enumerate(leaves)]
    sizes = _team_sizes(n_people, n_leaf, rng)
    people: list[tuple[str, str, str]] = []
    propensity: list[float] = []
    for team, size in zip(leaves, sizes, strict=True):
        for _ in range(size):
            pid = f"U{len(people):07d}"
            last = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
            people.append((pid, f"{rng.choice(FIRST)} {last}", team))
            propensity.append(min(0.98, max(0.2, rng.gauss(0.7, 0.15))))
    world = World(teams, people, propensity, {t: rng.randrange(len(AGREE5)) for t in leaves})
    for k in range(n_weeks):
        week = LAST_WEEK - timedelta(weeks=n_weeks - 1 - k)
        questions = round_questions(bank, week_index(week), 4, enps_due(week))
        world.rounds.append((f"R{week:%Y%m%d}", week, questions))
    return world


def _team_sizes(n_people: int, n_leaf: int, rng: random.Random) -> list[int]:
    tiny = [rng.choice((3, 4)) if rng.random() < TINY_TEAMS else 0 for _ in range(n_leaf)]
    rest = max(0, n_people - sum(tiny))
    weights = [0.0 if t else rng.lognormvariate(0, 0.6) for t in tiny]
    total = sum(weights) or 1.0
    sizes = [t or max(3, round(rest * w / total)) for t, w in zip(tiny, weights, strict=True)]
    while sum(sizes) != n_people:  # nudge the largest teams until the head count is exact
        i = max(range(n_leaf), key=sizes.__getitem__)
        step = 1 if sum(sizes) < n_people else -1
        if sizes[i] + step < 3:
            break
        sizes[i] += step
    return sizes


def week_rows(world: World, k: int, rng: random.Random, stamp: Callable[[datetime], Any],
              ) -> tuple[list[Row], list[Row], list[Row]]:
    """The invitations, answers (token order) and comments of round k, ready to load."""
    round_id, week, questions = world.rounds[k]
    invites, answers, comments = [], [], []
    invite_at = datetime(week.year, week.month, week.day, 9, tzinfo=UTC)
    inv_at, rem_at = stamp(invite_at), stamp(invite_at + timedelta(days=2))
    for (pid, name, team), p in zip(world.people, world.propensity, strict=True):
        invites.append((WS, round_id, pid, team, week.isoformat(), inv_at, rem_at, "sent", True))
        if rng.random() >= p:
            continue
        token = f"{rng.getrandbits(256):064x}"
        day = (week + timedelta(days=rng.randrange(5))).isoformat()
        agree = AGREE5[world.mood[team]]
        for q in questions:
            if rng.random() < SKIP_RATE:
                value = None
            elif q.dimension.id == ENPS:
                value = rng.choices(range(11), ENPS11)[0]
            else:
                value = rng.choices(range(1, 6), agree)[0]
            answers.append((WS, round_id, token, q.id, q.dimension.id, team, day, value))
        if rng.random() < COMMENT_RATE:
            body = rng.choice(COMMENTS).format(name=name.split()[0])
            comments.append((WS, round_id, token, team, body))
    answers.sort(key=lambda r: (r[2], r[3]))
    return invites, answers, comments


ANSWER_COLS = ("workspace_id", "round_id", "token", "question_id", "dimension", "team_id",
               "answered_on", "value")
INVITE_COLS = ("workspace_id", "round_id", "person_id", "team_id", "week", "invite_at",
               "remind_at", "status", "reminded")
COMMENT_COLS = ("workspace_id", "round_id", "token", "team_id", "body")


def load(engine: Engine, world: World, rng: random.Random) -> dict[str, int]:
    """Insert everything; returns row counts per table."""
    now = datetime(2026, 11, 22, 8, tzinfo=UTC)
    pg = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        conn.execute(insert(WorkspaceRow), [{"id": WS, "name": "Bench", "created_at": now}])
        conn.execute(insert(TeamRow), [{"workspace_id": WS, "id": t, "name": n, "parent_id": p}
                                       for t, n, p in world.teams])
        conn.execute(insert(PersonRow), [
            {"workspace_id": WS, "id": pid, "name": name, "team_id": team, "timezone": "UTC",
             "locale": "en-US", "roles": "employee", "active": True}
            for pid, name, team in world.people])
        conn.execute(insert(PulseRoundRow), [
            {"workspace_id": WS, "id": rid, "scope": "*", "week": week, "status": "closed",
             "question_ids": ",".join(q.id for q in qs),
             "opened_at": datetime(week.year, week.month, week.day, 9, tzinfo=UTC),
             "closes_at": datetime(week.year, week.month, week.day, 9, tzinfo=UTC)
             + timedelta(days=5)} for rid, week, qs in world.rounds])
    # Timestamps as the column types store them: timestamptz text on PostgreSQL, naive UTC text
    # on SQLite (SQLAlchemy's format); dates as ISO text on both.
    stamp: Callable[[datetime], Any] = (
        (lambda d: d.isoformat()) if pg else (lambda d: d.strftime("%Y-%m-%d %H:%M:%S.%f")))
    counts = {"teams": len(world.teams), "people": len(world.people),
              "pulse_rounds": len(world.rounds), "pulse_invites": 0, "pulse_answers": 0,
              "pulse_comments": 0}
    raw = engine.raw_connection()
    try:
        for k in range(len(world.rounds)):
            invites, answers, comments = week_rows(world, k, rng, stamp)
            if not pg:
                invites = [r[:8] + (int(r[8]),) for r in invites]
            for table, cols, rows in (("pulse_invites", INVITE_COLS, invites),
                                      ("pulse_answers", ANSWER_COLS, answers),
                                      ("pulse_comments", COMMENT_COLS, comments)):
                _bulk(raw, pg, table, cols, rows)
                counts[table] += len(rows)
            raw.commit()
    finally:
        raw.close()
    return counts


def _bulk(raw: Any, pg: bool, table: str, cols: Sequence[str], rows: Iterable[Row]) -> None:
    cur = raw.cursor()
    if pg:
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        if not raw.in_transaction:
            cur.execute("BEGIN")
        marks = ", ".join("?" * len(cols))
        cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)
    cur.close()
