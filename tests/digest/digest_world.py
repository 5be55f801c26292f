"""An organisation with pulse history: Platform (8, planted decline) in Engineering; Design (4)
and Ops (6) in Product; a manager for each team and an HR admin.

Answers go through the real handlers on a real database, week after week; rounds are closed as
the scheduler closes them, and comments are scored by a fake model that subclasses nothing but
the port's shape (keywords, so results are predictable).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from teamwell.bot.storage.tables import TeamRow
from teamwell.bot.storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from teamwell.core.actions import pack
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person, Role
from teamwell.core.pulse_rotation import week_monday
from teamwell.core.sentiment import Label, SentimentScore
from teamwell.handlers.comment_scoring import score_pending_comments
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_answers import record_answer, record_pulse_comment
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_rounds import close_open_rounds, open_round
from teamwell.surveys.onboarding import load_library

START = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)  # a Tuesday: the default pulse day
LONG_AGO = date(2023, 1, 9)
PLATFORM = tuple(f"plat{i}" for i in range(8))
DESIGN = tuple(f"des{i}" for i in range(4))
OPS = tuple(f"ops{i}" for i in range(6))
STRESSED = "Too much work and every deadline moved up, I am exhausted"
CALM = "Nice week, the team helped me a lot"


class KeywordModel:
    """A stand-in sentiment model: stress words read as negative and stressed."""

    name = "keywords"

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """Negative and stressed when a text mentions exhaustion or deadlines."""
        out = []
        for t in texts:
            bad = any(w in t.lower() for w in ("exhausted", "deadline", "too much"))
            out.append(SentimentScore(-0.8, Label.NEGATIVE, True) if bad
                       else SentimentScore(0.6, Label.POSITIVE, False))
        return out


# (week, dimension, in the declining team?, person's index in their team) -> value
Answer = Callable[[int, str, bool, int], int]
Comment = Callable[[int, bool, int], str | None]


@dataclass
class DigestWorld:
    """The workspace, its people and the fake clock."""

    ws: str
    deps: Deps
    clock: FakeClock
    factory: SqlUnitOfWorkFactory
    ids: dict[str, str]
    platform: tuple[str, ...] = PLATFORM
    others: tuple[str, ...] = DESIGN + OPS
    start: datetime = START

    def run_week(self, week: int, answer: Answer, comment: Comment) -> None:
        """Open the week's round, answer it as told, close it and score the comments."""
        self.clock.set(self.start + timedelta(weeks=week))
        opened = open_round(self.deps, self.ws)
        assert opened.pulse is not None, opened.message
        send_due_invites(self.deps)
        pulse = opened.pulse
        members = [(pid, True, i) for i, pid in enumerate(self.platform)]
        members += [(pid, False, i) for i, pid in enumerate(self.others)]
        for pid, declining_team, index in members:
            for qid in pulse.question_ids:
                question = self.deps.questions.get(qid)
                assert question is not None
                value = answer(week, question.dimension.id, declining_team, index)
                if question.dimension.id == "enps":
                    value = 7
                record_answer(self.deps, self.ws, pid, pack(pulse.id, qid, str(value)))
            said = comment(week, declining_team, index)
            if said:
                record_pulse_comment(self.deps, self.ws, pid, pulse.id, said)
        self.clock.advance(timedelta(days=3))
        assert close_open_rounds(self.deps, self.ws) >= 1
        while score_pending_comments(self.deps, KeywordModel()):
            pass

    def monday_nine(self, week: int, minutes: int = 0) -> None:
        """Move to Monday 09:00 UTC (London in winter) of a later week, give or take minutes."""
        self.clock.set(datetime.combine(week_monday((self.start + timedelta(weeks=week)).date()),
                                        datetime.min.time(), tzinfo=UTC)
                       + timedelta(hours=9, minutes=minutes))


def declining(week: int, dimension: str, in_platform: bool, index: int) -> int:
    """Platform grows exhausted and overloaded from week 4; everything else stays steady."""
    late = week >= 4 and in_platform
    if dimension == "energy":  # exhaustion: higher is worse
        return (4, 5, 4, 4)[index % 4] if late else (2, 2, 1, 3)[index % 4]
    if dimension == "workload":
        return (2, 1, 2, 2)[index % 4] if late else (4, 4, 5, 3)[index % 4]
    return (4, 3, 4, 5)[index % 4]


def stressed_comments(week: int, in_platform: bool, index: int) -> str | None:
    """Two comments a week from Platform: calm at first, stressed once the decline starts."""
    if not in_platform or index >= 2:
        return None
    return STRESSED if week >= 4 else CALM


def nest(uow: SqlUnitOfWork, ws: str) -> dict[str, str]:
    """Engineering holds Platform; Product holds Design and Ops. Returns team ids by name."""
    ids = {name: uow.teams.ensure(ws, name).id
           for name in ("Engineering", "Product", "Platform", "Design", "Ops")}
    for child, parent in (("Platform", "Engineering"), ("Design", "Product"),
                          ("Ops", "Product")):
        row = uow.session.get(TeamRow, (ws, ids[child]))
        assert row is not None
        row.parent_id = ids[parent]
    return ids


def build_digest_world(factory: SqlUnitOfWorkFactory) -> DigestWorld:
    """Mia manages Platform (8), Max Design (4), Oli Ops (6); Hana is the HR admin."""
    clock = FakeClock(START - timedelta(days=1))
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        ids = nest(uow, ws)
        platform, design = ids["Platform"], ids["Design"]
        manager = frozenset({Role.EMPLOYEE, Role.MANAGER})
        # Managers sit in the teams they lead (they are asked too, and here never answer):
        # people outside every team would form a small group of their own.
        staff = [Person("mia", ws, "Mia", "mia@acme.test", roles=manager, start_date=LONG_AGO,
                        timezone="Europe/London", team_id=platform),
                 Person("max", ws, "Max", "max@acme.test", roles=manager, start_date=LONG_AGO,
                        timezone="Europe/London", team_id=design),
                 Person("oli", ws, "Oli", "oli@acme.test", roles=manager, start_date=LONG_AGO,
                        timezone="Europe/London", team_id=ids["Ops"]),
                 Person("hana", ws, "Hana", "hana@acme.test", start_date=LONG_AGO,
                        roles=frozenset({Role.EMPLOYEE, Role.ADMIN}), timezone="Europe/London",
                        team_id=ids["Ops"])]
        staff += [Person(pid, ws, pid.title(), f"{pid}@acme.test", team_id=platform,
                         manager_id="mia", start_date=LONG_AGO, timezone="Europe/London")
                  for pid in PLATFORM]
        staff += [Person(pid, ws, pid.title(), f"{pid}@acme.test", team_id=design,
                         manager_id="max", start_date=LONG_AGO, timezone="Europe/London")
                  for pid in DESIGN]
        staff += [Person(pid, ws, pid.title(), f"{pid}@acme.test", team_id=ids["Ops"],
                         manager_id="oli", start_date=LONG_AGO, timezone="Europe/London")
                  for pid in OPS]
        for person in staff:
            uow.people.save(person)
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=load_library())
    return DigestWorld(ws, deps, clock, factory, ids)
