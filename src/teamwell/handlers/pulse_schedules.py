"""Pulse day and time per workspace or team: the nearest team with its own schedule wins."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import time

from teamwell.core.errors import InvalidInput
from teamwell.core.people import Person, Team
from teamwell.core.pulse import WHOLE_WORKSPACE
from teamwell.core.pulse_schedule import PulseSchedule
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
                       when: tuple[int, time] | None) -> str:
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
        uow.commit()
    who = team_name or "the workspace"
    if when is None:
        return f"{who} uses the default pulse schedule again."
    return f"{who}: pulses on {_DAYS[when[0]]} at {when[1]:%H:%M}, each person's local time."


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
