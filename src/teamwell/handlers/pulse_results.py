"""Pulse results as a manager (one team and its sub-teams) or HR (everyone) may see them."""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from teamwell.core.anonymity import team_groups
from teamwell.core.errors import InvalidInput
from teamwell.core.ports import UnitOfWork
from teamwell.core.pulse import WHOLE_WORKSPACE, RoundStatus
from teamwell.core.pulse_results import GroupResult, PeriodCounts, build_results
from teamwell.core.pulse_rotation import week_monday
from teamwell.handlers.deps import Deps


@dataclass(frozen=True, slots=True)
class Results:
    """The groups a viewer may see for one week (None when no round of that week has closed)."""

    week: date | None
    groups: tuple[GroupResult, ...]
    minimum: int


def _counts(uow: UnitOfWork, workspace_id: str, week: date) -> PeriodCounts:
    p = uow.pulses
    return PeriodCounts(p.value_counts(workspace_id, week), p.respondents(workspace_id, week),
                        p.invited(workspace_id, week), p.comments(workspace_id, week))


def latest_closed_week(uow: UnitOfWork, workspace_id: str, before: date) -> date | None:
    """The most recent week up to before with a closed round (looking back a year)."""
    week = week_monday(before)
    for _ in range(53):
        if any(r.status is RoundStatus.CLOSED for r in uow.pulses.rounds_in_week(workspace_id,
                                                                                 week)):
            return week
        week -= timedelta(days=7)
    return None


def team_results(deps: Deps, workspace_id: str, team_name: str | None = None,
                 week: date | None = None) -> Results:
    """What a manager of the team (or HR, for no team) may see for a week (default: latest)."""
    if team_name is None:
        return results_for(deps, workspace_id, None, week)
    with deps.uow() as uow:
        team = uow.teams.by_name(workspace_id, team_name)
    if team is None:
        raise InvalidInput(f"There is no team called {team_name!r}.")
    return results_for(deps, workspace_id, [team.id], week)


def results_for(deps: Deps, workspace_id: str, roots: Sequence[str] | None,
                week: date | None = None) -> Results:
    """The groups under the root teams (None: everything HR may see) for a week (or latest)."""
    with deps.uow() as uow:
        groups = team_groups(uow.teams.list(workspace_id))
        if roots is None:
            wanted = [g.id for g in groups]
        else:
            atoms = {g.id: g.atoms for g in groups}
            # A manager sees their team and the teams under it, never a sibling or the parent.
            under = {g.id for g in groups if g.id != WHOLE_WORKSPACE
                     and any(g.atoms <= atoms[root] for root in roots if root in atoms)}
            wanted = [r for r in roots if r in under]
            wanted += sorted(under - set(wanted))
        chosen = week or latest_closed_week(uow, workspace_id, deps.clock.now().date())
        if chosen is None:
            return Results(None, (), deps.pulse.min_group_size)
        now = _counts(uow, workspace_id, chosen)
        previous = _counts(uow, workspace_id, chosen - timedelta(days=7))
        names = uow.people.names(workspace_id)
    results = build_results(groups, wanted, deps.questions.dimensions(), now, previous,
                            deps.pulse.min_group_size, deps.pulse.comment_minimum, names,
                            random.Random(secrets.randbits(64)))
    return Results(chosen, tuple(results), deps.pulse.min_group_size)
