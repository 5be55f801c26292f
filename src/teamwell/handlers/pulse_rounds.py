"""Opening and closing pulse rounds: who is asked, which questions, and when, in local time."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from teamwell.core.consent import DEFAULT, Feature
from teamwell.core.errors import InvalidInput
from teamwell.core.people import Person, Team
from teamwell.core.ports import UnitOfWork
from teamwell.core.pulse import (
    NO_TEAM,
    WHOLE_WORKSPACE,
    PulseInvite,
    PulseRound,
    RoundStatus,
    new_round_key,
)
from teamwell.core.pulse_rotation import enps_due, round_questions, week_index, week_monday
from teamwell.core.pulse_schedule import (
    PulseSchedule,
    closes_at,
    invite_at,
    is_eligible,
    out_of_quiet_hours,
    reminder_at,
    round_day,
)
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_schedules import schedule_for

log = logging.getLogger("teamwell.handlers.pulse")


@dataclass(frozen=True, slots=True)
class RoundOpened:
    """What opening a round did: who is asked, and why others are not."""

    pulse: PulseRound | None
    invited: int
    left_out: dict[str, int]  # reason -> how many people
    message: str


def _in_scope(people: list[Person], teams: list[Team], team: Team | None) -> list[Person]:
    if team is None:
        return people
    # A team's round covers its sub-teams too, the way its results do.
    inside = {team.id}
    grew = True
    while grew:
        grew = False
        for t in teams:
            if t.parent_id in inside and t.id not in inside:
                inside.add(t.id)
                grew = True
    return [p for p in people if p.team_id in inside]


def _ask_at(schedule: PulseSchedule, person: Person, week: date, now: datetime,
            scheduled: bool) -> datetime:
    """When a person's invitation goes: their local pulse time, or now (never in quiet hours)."""
    if scheduled:
        planned = invite_at(schedule, week, person.zone)
        if planned >= now:
            return planned
    return out_of_quiet_hours(now, schedule, person.zone)


def open_round(deps: Deps, workspace_id: str, team_name: str | None = None,
               scheduled: bool = False) -> RoundOpened:
    """Open this week's round for the workspace or one team (scheduled: at local pulse time)."""
    now = deps.clock.now()
    week = week_monday(now.date())
    with deps.uow() as uow:
        team = _team(uow, workspace_id, team_name)
        scope = team.id if team else WHOLE_WORKSPACE
        people = _in_scope(uow.people.list(workspace_id), uow.teams.list(workspace_id), team)
        prefs = uow.pulses.preferences(workspace_id)
        consents = uow.consents.in_workspace(workspace_id)
        overrides = uow.pulses.schedules(workspace_id)
        by_id = {t.id: t for t in uow.teams.list(workspace_id)}
        asked: list[Person] = []
        plans: list[PulseSchedule] = []
        asks: list[datetime] = []
        left_out: dict[str, int] = {}
        for person in people:
            plan = schedule_for(deps.pulse.schedule, person, by_id, overrides)
            at = _ask_at(plan, person, week, now, scheduled)
            # Judged on the day they would be asked, in their own zone, not when the round opens.
            day = at.astimezone(person.zone).date()
            pref = prefs.get(person.id)
            reason = is_eligible(person, day, deps.pulse.new_hire_days,
                                 opted_out=not consents.get(person.id, DEFAULT).allows(
                                     Feature.PULSES),
                                 on_leave=bool(pref and pref.on_leave(day)))
            if reason:
                left_out[reason] = left_out.get(reason, 0) + 1
            else:
                asked.append(person)
                plans.append(plan)
                asks.append(at)
        if not asked:
            return RoundOpened(None, 0, left_out, "Nobody to ask: " + _reasons(left_out))
        pulse = _new_round(deps, workspace_id, scope, week, now, asked, asks, plans)
        if not uow.pulses.add_round(pulse, new_round_key()):
            return RoundOpened(None, 0, left_out,
                               f"{team.name if team else 'The workspace'} already has a pulse "
                               "this week.")
        invites = [PulseInvite(round_id=pulse.id, person_id=p.id, team_id=p.team_id or NO_TEAM,
                               week=week, invite_at=at,
                               remind_at=reminder_at(plan, at, p.zone))
                   for p, at, plan in zip(asked, asks, plans, strict=True)]
        stored = uow.pulses.add_invites(workspace_id, invites)
        if len(invites) - stored:
            left_out["asked this week already"] = len(invites) - stored
        uow.commit()
    log.info("pulse round %s opened for %s: %d asked", pulse.id, scope, stored)
    return RoundOpened(pulse, stored, left_out,
                       f"Pulse opened for {stored} {'person' if stored == 1 else 'people'}"
                       f" ({len(pulse.question_ids)} questions)"
                       + (f"; left out: {_reasons(left_out)}" if left_out else "") + ".")


def _new_round(deps: Deps, workspace_id: str, scope: str, week: date, now: datetime,
               asked: list[Person], asks: list[datetime], plans: list[PulseSchedule],
               ) -> PulseRound:
    # eNPS goes in the month's first round: judged by the earliest local invitation day.
    day = min(at.astimezone(p.zone).date() for p, at in zip(asked, asks, strict=True))
    questions = round_questions(deps.questions, week_index(week), deps.pulse.schedule.per_round,
                                enps_due(day))
    # The round stays open until the last person asked has had their full open period.
    close = max(closes_at(plan, at, p.zone)
                for p, at, plan in zip(asked, asks, plans, strict=True))
    return PulseRound(id=uuid.uuid4().hex, workspace_id=workspace_id, scope=scope, week=week,
                      question_ids=tuple(q.id for q in questions), opened_at=now,
                      closes_at=close)


def _team(uow: UnitOfWork, workspace_id: str, team_name: str | None) -> Team | None:
    if team_name is None:
        return None
    team = uow.teams.by_name(workspace_id, team_name)
    if team is None:
        raise InvalidInput(f"There is no team called {team_name!r}.")
    return team


def _reasons(left_out: dict[str, int]) -> str:
    return ", ".join(f"{n} {reason}" for reason, n in sorted(left_out.items())) or "nobody"


def open_weekly_rounds(deps: Deps) -> int:
    """The scheduled job: open this week's workspace round wherever it is not open yet.

    From Monday (UTC) until the pulse day: a process that was down through the pulse day skips
    that week rather than sending Tuesday's pulse on a Thursday.
    """
    now = deps.clock.now()
    week = week_monday(now.date())
    if now.date() > round_day(deps.pulse.schedule, week):
        return 0
    with deps.uow() as uow:
        workspaces = [ws for ws in uow.workspaces.all_ids()
                      if not any(r.scope == WHOLE_WORKSPACE
                                 for r in uow.pulses.rounds_in_week(ws, week))]
    opened = 0
    for ws in workspaces:
        result = open_round(deps, ws, scheduled=True)
        opened += result.pulse is not None
    return opened


def close_due_rounds(deps: Deps) -> int:
    """Close rounds whose time is up: their keys are destroyed and answers reordered."""
    with deps.uow() as uow:
        due = uow.pulses.due_closes(deps.clock.now())
    closed = 0
    for pulse in due:
        closed += close_round(deps, pulse.workspace_id, pulse.id)
    return closed


def close_round(deps: Deps, workspace_id: str, round_id: str) -> bool:
    """Close one round now; False when it was closed already."""
    with deps.uow() as uow:
        done = uow.pulses.close_round(workspace_id, round_id)
        uow.commit()
    if done:
        log.info("pulse round %s closed; its answer key is destroyed", round_id)
        from teamwell.handlers.recognition import suggest_thanks_after_pulse

        suggest_thanks_after_pulse(deps, workspace_id, round_id)
    return done


def close_open_rounds(deps: Deps, workspace_id: str, team_name: str | None = None) -> int:
    """`teamwell pulse close`: close this and last week's open rounds (of one team, if named)."""
    now = deps.clock.now()
    with deps.uow() as uow:
        team = _team(uow, workspace_id, team_name)
        weeks = (week_monday(now.date()), week_monday(now.date()) - timedelta(days=7))
        rounds = [r for w in weeks for r in uow.pulses.rounds_in_week(workspace_id, w)
                  if r.status is RoundStatus.OPEN and (team is None or r.scope == team.id)]
    return sum(close_round(deps, workspace_id, r.id) for r in rounds)
