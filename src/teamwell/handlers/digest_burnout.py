"""The team burnout signal, fed only with figures the anonymity rules let the group show."""

from __future__ import annotations

import math

from teamwell.core.burnout import DimStat, TeamWeek, assess
from teamwell.core.digest import SignalView
from teamwell.core.pulse import WHOLE_WORKSPACE
from teamwell.core.pulse_results import GroupResult
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest_data import Window


def _dims(result: GroupResult | None) -> dict[str, DimStat]:
    if result is None or not result.shown:
        return {}
    out = {}
    for fig in result.dimensions:
        if not fig.shown or not fig.n:
            continue
        var = sum(c * (v - fig.mean) ** 2 for v, c in fig.distribution) / max(fig.n - 1, 1)
        out[fig.dimension.id] = DimStat(fig.n, fig.mean, math.sqrt(var) if fig.n > 1 else None)
    return out


def team_weeks(window: Window, group_id: str) -> list[TeamWeek]:
    """The group's weekly aggregates: nothing for a week in which it could not be shown."""
    weeks = []
    for week, result in zip(window.weeks, window.series(group_id), strict=True):
        shown = result is not None and result.shown
        comments, negative, stressed = window.comment_counts(group_id, week)
        weeks.append(TeamWeek(week=week, invited=result.invited if shown and result else 0,
                              respondents=result.respondents if shown and result else 0,
                              dims=_dims(result), comments=comments, negative=negative,
                              stressed=stressed))
    return weeks


def team_signal(deps: Deps, window: Window, group_id: str) -> tuple[SignalView | None, str]:
    """The group's signal for the latest week, or None with the reason it was not assessed."""
    if not window.weeks:
        return None, ""
    org = {w.week: w.dims for w in team_weeks(window, WHOLE_WORKSPACE)}
    signal = assess(group_id, team_weeks(window, group_id), org, deps.pulse.min_group_size)
    if signal is None:
        return None, (f"Burnout signal not assessed: fewer than {deps.pulse.min_group_size} "
                      "answers.")
    return SignalView(signal.level.value, tuple(signal.drivers), signal.confidence), ""
