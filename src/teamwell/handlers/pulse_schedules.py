"""Pulse day and time per workspace or team (the nearest team with its own wins), and leave.

Changing either is a configuration change, recorded in the audit log in the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, time

from teamwell.core.audit import ORGANISATION, Action, Someone, team_ref
from teamwell.core.errors import InvalidInput
from teamwell.core.people import Person, Team
from teamwell.core.pulse import WHOLE_WORKSPACE, PulsePreference
from teamwell.core.pulse_schedule import PulseSchedule
from teamwell.handlers.audit import record
from teamwell.handlers.deps import Deps

Overrides = Mapping[str, tuple[int, time]]


def schedule_for(base: PulseSchedule, person: Person, teams: Mapping[str, Team],
                 overrides: Overrides) -> PulseSchedule:
    """The schedule that applies to a person: their team's, an ancestor's, the workspace's."""
    team_id, seen = person.team_id, set()
    while team_id and team_id not in seen:
        seen.add(team_id)
        if team_id in overrides:
            return _with(base, overrides[team_id])
        parent = teams.get(team_id)
        team_id = parent.parent_id if parent else None
    if WHOLE_WORKSPACE in overrides:
        return _with(base, overrides[WHOLE_WORKSPACE])
    return base


def _with(base: PulseSchedule, when: tuple[int, time]) -> PulseSchedule:
    return replace(base, weekday=when[0], at=when[1])


def set_pulse_schedule(deps: Deps, workspace_id: str, team_name: str | None,
                       when: tuple[int, time] | None, actor: str = "cli") -> str:
    """Give the workspace or a team its own pulse day and time (None: back to the default)."""
    if when is not None:
        try:
            _with(deps.pulse.schedule, when)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
    with deps.uow() as uow:
        scope = WHOLE_WORKSPACE
        if team_name is not None:
            team = uow.teams.by_name(workspace_id, team_name)
            if team is None:
                raise InvalidInput(f"There is no team called {team_name!r}.")
            scope = team.id
        uow.pulses.set_schedule(workspace_id, scope, when)
        record(uow, deps.clock.now(), workspace_id, actor, Action.CONFIG_CHANGE,
               ORGANISATION if scope == WHOLE_WORKSPACE else team_ref(scope),
               {"setting": "pulse_schedule", "team": team_name,
                "value": "default" if when is None else f"{_DAYS[when[0]]} {when[1]:%H:%M}"})
        uow.commit()
    who = team_name or "the workspace"
    if when is None:
        return f"{who} uses the default pulse schedule again."
    return f"{who}: pulses on {_DAYS[when[0]]} at {when[1]:%H:%M}, each person's local time."


def set_leave(deps: Deps, workspace_id: str, email: str, until: date | None,
              actor: str = "cli") -> str:
    """Leave someone out of pulses until a date (None: not on leave); audited."""
    with deps.uow() as uow:
        person = uow.people.by_email(workspace_id, email)
        if person is None:
            raise InvalidInput(f"Nobody in the directory has the email {email!r}.")
        pref = uow.pulses.preference(workspace_id, person.id)
        uow.pulses.set_preference(workspace_id, person.id, PulsePreference(pref.opted_out, until))
        record(uow, deps.clock.now(), workspace_id, actor, Action.CONFIG_CHANGE,
               Someone(person.id), {"setting": "pulse_leave",
                                    "value": until.isoformat() if until else "none"})
        uow.commit()
    return f"{person.name}: " + (f"on leave until {until.isoformat()}" if until else
                                 "not on leave")


def describe_schedules(deps: Deps, workspace_id: str) -> str:
    """Every schedule in force, one line each."""
    base = deps.pulse.schedule
    lines = [f"default: {_DAYS[base.weekday]} {base.at:%H:%M} local time, open "
             f"{base.open_days} working days, quiet hours {base.quiet_start:%H:%M}-"
             f"{base.quiet_end:%H:%M}, {base.per_round} questions (+ eNPS monthly)"]
    with deps.uow() as uow:
        overrides = uow.pulses.schedules(workspace_id)
        names = {t.id: t.name for t in uow.teams.list(workspace_id)}
    for scope, (day, at) in sorted(overrides.items()):
        who = "workspace" if scope == WHOLE_WORKSPACE else names.get(scope, scope)
        lines.append(f"{who}: {_DAYS[day]} {at:%H:%M}")
    return "\n".join(lines)


_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
