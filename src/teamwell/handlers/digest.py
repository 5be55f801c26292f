"""The weekly digest: built for each manager (their teams) and each admin (the organisation).

Sent on Monday from 09:00 in the reader's own time zone (later in the week if the bot was down
then), once per person and week: the digests_sent row is written in the same transaction as
the outbox item and the suggestions it proposes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from teamwell.core.audit import Action, Someone
from teamwell.core.consent import Feature
from teamwell.core.digest import (
    DigestContent,
    NewHireLine,
    TeamSection,
    chart_for,
    digest_message,
)
from teamwell.core.errors import InvalidInput
from teamwell.core.messages import Message
from teamwell.core.people import Person
from teamwell.core.permissions import led_team_ids
from teamwell.core.ports import UnitOfWork
from teamwell.core.pulse import WHOLE_WORKSPACE
from teamwell.core.pulse_rotation import week_monday
from teamwell.core.recognition_stats import KudosRecord, unrecognised
from teamwell.core.suggestions import (
    Candidate,
    Status,
    Suggestion,
    as_suggestion,
    choose,
    new_hire_checkin,
    recognition_gap,
    team_burnout,
    team_dimension,
    team_participation,
)
from teamwell.handlers.audit import record
from teamwell.handlers.consent import allowing
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest_burnout import team_signal
from teamwell.handlers.digest_data import Window, dimension_lines, dimension_series, load_window
from teamwell.handlers.notify import queue_for
from teamwell.handlers.onboarding_context import progress_of
from teamwell.handlers.pulse_results import latest_closed_week

SEND_AT = time(9, 0)
CATCH_UP = (1, 2)  # Tuesday, Wednesday
CHART_DIMENSIONS = ("workload", "energy", "wellbeing")
WORSE_BY = 0.4  # a dimension that moved this far the wrong way is worth a conversation
PARTICIPATION_DROP = 0.2
LOW_CHECKIN = 2  # a check-in answer of 2 or less out of 5
CHECKIN_DAYS = 14
QUIET_WEEKS = 6


@dataclass(frozen=True)
class Built:
    """A digest and the suggestions it proposes."""

    content: DigestContent
    suggestions: tuple[Suggestion, ...]


def digest_week(now: datetime, person: Person) -> date:
    """The Monday (in the person's zone) of the digest week now falls in."""
    return week_monday(now.astimezone(person.zone).date())


def _due(now: datetime, person: Person) -> bool:
    local = now.astimezone(person.zone)
    # Monday from 09:00; a digest missed while the bot was down still goes on Tuesday or
    # Wednesday, after that it waits for next week rather than arrive stale.
    return (local.weekday() == 0 and local.time() >= SEND_AT) or local.weekday() in CATCH_UP


def _section(deps: Deps, window: Window, group_id: str, name: str,
             assess: bool = True) -> TeamSection:
    latest = window.latest(group_id)
    if latest is None or not latest.shown:
        reason = (latest.reason if latest is not None and latest.reason else
                  "No pulse round has closed yet." if not window.weeks else
                  "Nobody in this group was asked in the latest pulse.")
        return TeamSection(name, False, reason)
    dims = [d for d in deps.questions.dimensions() if d.id in CHART_DIMENSIONS]
    chart = chart_for(name, window.weeks, dimension_series(window, group_id, dims))
    signal, not_assessed = team_signal(deps, window, group_id) if assess else (
        None, "The burnout signal compares each team with the rest of the organisation, so it "
              "is given per team: see below.")
    return TeamSection(name, True, "", latest.respondents, latest.invited,
                       dimension_lines(window, group_id), chart, signal, not_assessed)


def _team_candidates(window: Window, group_id: str, name: str,
                     section: TeamSection) -> list[Candidate]:
    found: list[Candidate] = []
    if section.signal is not None and section.signal.level in ("watch", "high"):
        found.append(team_burnout(group_id, name, section.signal.level, section.signal.drivers))
    for line in section.dimensions:
        worse = -line.change if line.higher_is_better and line.change else (line.change or 0)
        if line.week == window.weeks[-1] and worse >= WORSE_BY:
            found.append(team_dimension(group_id, name, line.id, line.name, line.mean,
                                        line.change or 0.0, not line.higher_is_better))
    rates = [r.participation for r in window.series(group_id)[:-1]
             if r is not None and r.participation is not None][-4:]
    if section.shown and section.invited and len(rates) >= 2:
        before, now = sum(rates) / len(rates), section.respondents / section.invited
        if before - now >= PARTICIPATION_DROP:
            found.append(team_participation(group_id, name, before, now))
    return found


def _new_hires(uow: UnitOfWork, ws: str, manager: Person, now: datetime
               ) -> tuple[list[NewHireLine], list[Candidate]]:
    lines, found = [], []
    for onboarding in uow.onboardings.list_active(ws):
        hire = uow.people.get(ws, onboarding.person_id)
        if hire is None or hire.manager_id != manager.id:
            continue
        p = progress_of(uow, onboarding)
        day = (now.astimezone(hire.zone).date() - p.day0).days
        line = (f"day {max(day, 0)} of onboarding, {p.tasks_done} of {p.tasks_total} "
                "tasks done")
        recent = [c for c in p.checkins if c.answered_at >= now - timedelta(days=CHECKIN_DAYS)]
        if p.checkins and p.checkins[-1].score is not None:
            line += f", latest check-in {p.checkins[-1].score}/5"
        lines.append(NewHireLine(hire.id, line))
        low = [c for c in recent if (c.score is not None and c.score <= LOW_CHECKIN)
               or c.sentiment == "negative"]
        if low:
            c = low[-1]
            step = c.step_id.replace("checkin-", "").replace("-", " ")
            found.append(new_hire_checkin(hire.id, hire.name, step, c.score or 0, 5,
                                          c.sentiment == "negative"))
    return lines, found


def _kudos(records: Sequence[KudosRecord], members: set[str] | None,
           since: datetime) -> tuple[int, int]:
    week = [r for r in records if r.given_at >= since]
    if members is None:
        return len(week), len(week)
    return (sum(r.giver_id in members for r in week), sum(r.receiver_id in members for r in week))


def build_digest(deps: Deps, uow: UnitOfWork, window: Window, person: Person, now: datetime,
                 people: Sequence[Person], records: Sequence[KudosRecord]) -> Built:
    """The digest for a manager (their reports' teams) or, for an admin, the organisation."""
    ws = person.workspace_id
    week = digest_week(now, person)
    reports = [p for p in people if p.manager_id == person.id]
    # An admin reads the organisation's digest, which lists their own team too if it needs care.
    for_hr = person.is_admin
    team_names = {t.id: t.name for t in uow.teams.list(ws)}
    since = now - timedelta(days=7)
    candidates: list[Candidate] = []
    sections: list[TeamSection] = []
    hires: list[NewHireLine] = []
    if for_hr:
        section = _section(deps, window, WHOLE_WORKSPACE, "The organisation", assess=False)
        attention = []
        # Only teams whose own figures may be shown: the list must not reveal a hidden group.
        shown = {gid for gid, r in (window.results[window.weeks[-1]].items()
                                     if window.weeks else ()) if r.shown}
        latest = window.results[window.weeks[-1]] if window.weeks else {}
        seen: set[tuple[object, ...]] = set()
        # Most specific first; a department whose people all sit in one team has that team's
        # figures exactly: it is the same group, listed once.
        for group in sorted((g for g in window.groups if g.id in shown and g.id in team_names),
                            key=lambda g: (len(g.atoms), g.label)):
            r = latest[group.id]
            same = (r.respondents, r.invited, tuple((f.dimension.id, f.n, f.mean)
                                                    for f in r.dimensions))
            if same in seen:
                continue
            seen.add(same)
            signal, _ = team_signal(deps, window, group.id)
            if signal is not None and signal.level in ("watch", "high"):
                attention.append(f"{group.label}: {signal.level}; "
                                 + "; ".join(signal.drivers[:1]))
                if signal.level == "high":
                    candidates.append(team_burnout(group.id, group.label, signal.level,
                                                   signal.drivers))
        sections.append(replace(section, attention=tuple(attention)))
        given, received = _kudos(records, None, since)
    else:
        team_ids = sorted(led_team_ids(person, people), key=lambda t: team_names.get(t, t))
        members = {p.id for p in people if p.team_id in team_ids} | {p.id for p in reports}
        for team_id in team_ids:
            name = team_names.get(team_id, "Your team")
            section = _section(deps, window, team_id, name)
            sections.append(section)
            if window.weeks:
                candidates += _team_candidates(window, team_id, name, section)
        given, received = _kudos(records, members, since)
        hires, hire_candidates = _new_hires(uow, ws, person, now)
        candidates += hire_candidates
        # Only where people use kudos at all: otherwise everyone is "unrecognised" and the
        # suggestion is noise. Nobody who turned manager notes off is named.
        nameable = allowing(uow, ws, reports, Feature.MANAGER_NOTES)
        quiet = unrecognised(nameable, records, now, QUIET_WEEKS) if records else []
        candidates += [recognition_gap(p.id, p.name, QUIET_WEEKS) for p in quiet[:2]]
    feedback = uow.digests.follow_through(ws, person.id)
    chosen = choose(candidates, {k: v.get(Status.NOT_USEFUL.value, 0) for k, v in feedback.items()},
                    {k: v.get(Status.ACCEPTED.value, 0) + v.get(Status.DONE.value, 0)
                     for k, v in feedback.items()})
    suggestions = tuple(as_suggestion(c, ws, person.id, week) for c in chosen)
    content = DigestContent(person.id, window.weeks[-1] if window.weeks else None, for_hr,
                            tuple(sections), given, received, tuple(hires), suggestions,
                            deps.pulse.min_group_size)
    return Built(content, suggestions)


def _readers(people: Sequence[Person]) -> list[Person]:
    managers = {p.manager_id for p in people if p.manager_id}
    return [p for p in people if p.id in managers or p.is_admin]


def send_due_digests(deps: Deps, force: bool = False, only: str | None = None,
                     workspace_id: str | None = None) -> int:
    """Queue this week's digest for every reader whose Monday 09:00 has come (or all: force).

    workspace_id: only that workspace's readers (the command line acts on one workspace).
    """
    now = deps.clock.now()
    with deps.uow() as uow:
        workspaces = [ws for ws in uow.workspaces.all_ids() if workspace_id in (None, ws)]
    sent = 0
    for ws in workspaces:
        with deps.uow() as uow:
            people = uow.people.list(ws)
            readers = [p for p in _readers(people) if (force or _due(now, p))
                       and (only is None or p.id == only)]
            if not readers:
                continue
            latest = latest_closed_week(uow, ws, now.date())
            if latest is None:
                continue  # nothing to report until the first pulse round has closed
            window = load_window(deps, uow, ws, latest)
            records = uow.recognition.kudos_records(ws, now - timedelta(weeks=QUIET_WEEKS + 1))
            for reader in readers:
                week = digest_week(now, reader)
                if not uow.digests.mark_sent(ws, reader.id, week, now):
                    continue
                built = build_digest(deps, uow, window, reader, now, people, records)
                uow.digests.add_suggestions(built.suggestions)
                queued = queue_for(uow, now, reader, f"digest:{reader.id}:{week.isoformat()}",
                                   digest_message(built.content))
                if queued:
                    _audit_digest(uow, now, ws, "teamwell", Action.DIGEST_SENT, built.content)
                sent += queued
            uow.commit()
    return sent


def _audit_digest(uow: UnitOfWork, now: datetime, ws: str, actor: str, action: Action,
                  content: DigestContent) -> None:
    """A digest shows team results: record whose digest it was and which groups it showed."""
    record(uow, now, ws, actor, action, Someone(content.recipient_id), {
        "via": "weekly digest" if action is Action.DIGEST_SENT else "digest preview",
        "scope": "organisation" if content.for_hr else "teams led",
        "week": content.week.isoformat() if content.week else None,
        "shown": [s.name for s in content.sections if s.shown]})


def preview_digest(deps: Deps, workspace_id: str, email: str) -> Message:
    """The digest a manager or admin would get now; only the audit entry is stored."""
    now = deps.clock.now()
    with deps.uow() as uow:
        person = uow.people.by_email(workspace_id, email)
        if person is None:
            raise InvalidInput(f"Nobody in the directory has the email {email!r}.")
        people = uow.people.list(workspace_id)
        if person not in _readers(people):
            raise InvalidInput(f"{person.name} manages nobody and is not an admin, so gets no "
                               "digest.")
        window = load_window(deps, uow, workspace_id,
                             latest_closed_week(uow, workspace_id, now.date()))
        records = uow.recognition.kudos_records(workspace_id,
                                                now - timedelta(weeks=QUIET_WEEKS + 1))
        content = build_digest(deps, uow, window, person, now, people, records).content
        # Previewing shows the same team results the digest does: a view by the command line.
        _audit_digest(uow, now, workspace_id, "cli", Action.VIEW_RESULTS, content)
        uow.commit()
    return digest_message(content)

