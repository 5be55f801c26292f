"""Twelve weeks of pulse results, every figure already through the anonymity rules.

The digest reads only what pulse results may show (core/pulse_results.build_results, run over
every group HR could see, so that no figure can be derived by subtraction), then picks the
viewer's groups from it. Burnout signals are computed from those shown figures only.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from teamwell.core.anonymity import Group, team_groups
from teamwell.core.digest import DimensionLine
from teamwell.core.ports import UnitOfWork
from teamwell.core.pulse_results import GroupResult, PeriodCounts, build_results
from teamwell.handlers.deps import Deps
from teamwell.surveys.pulse_bank import Dimension

WEEKS = 12
ENPS = "enps"


@dataclass(frozen=True)
class Window:
    """A workspace's shown results for the weeks ending with the latest closed one."""

    weeks: tuple[date, ...]  # oldest first
    results: dict[date, dict[str, GroupResult]]  # week -> group id -> result
    moods: dict[date, list[tuple[str, str, bool]]]  # week -> (team as answered, label, stress)
    groups: tuple[Group, ...]

    def group(self, group_id: str) -> Group | None:
        """The group with this id, or None."""
        return next((g for g in self.groups if g.id == group_id), None)

    def series(self, group_id: str) -> list[GroupResult | None]:
        """The group's result per week, oldest first (None where it had none)."""
        return [self.results[w].get(group_id) for w in self.weeks]

    def latest(self, group_id: str) -> GroupResult | None:
        """The group's result in the latest week."""
        return self.results[self.weeks[-1]].get(group_id) if self.weeks else None

    def comment_counts(self, group_id: str, week: date) -> tuple[int, int, int]:
        """(scored comments, negative, stressed) for a group in a week where they were shown."""
        result = self.results[week].get(group_id)
        group = self.group(group_id)
        if result is None or group is None or not result.comments:
            return 0, 0, 0
        mine = [(label, stress) for team, label, stress in self.moods[week]
                if team in group.atoms]
        return (len(mine), sum(label == "negative" for label, _ in mine),
                sum(stress for _, stress in mine))


def _counts(uow: UnitOfWork, workspace_id: str, week: date) -> PeriodCounts:
    p = uow.pulses
    return PeriodCounts(p.value_counts(workspace_id, week), p.respondents(workspace_id, week),
                        p.invited(workspace_id, week), p.comments(workspace_id, week))


def load_window(deps: Deps, uow: UnitOfWork, workspace_id: str, latest: date | None,
                weeks: int = WEEKS) -> Window:
    """Results for every group for the weeks up to latest (none when latest is None)."""
    groups = team_groups(uow.teams.list(workspace_id))
    if latest is None:
        return Window((), {}, {}, tuple(groups))
    span = tuple(latest - timedelta(weeks=k) for k in range(weeks - 1, -1, -1))
    names = uow.people.names(workspace_id)
    wanted = [g.id for g in groups]
    counts = {w: _counts(uow, workspace_id, w) for w in (span[0] - timedelta(weeks=1), *span)}
    results: dict[date, dict[str, GroupResult]] = {}
    for week in span:
        shown = build_results(groups, wanted, deps.questions.dimensions(), counts[week],
                              counts[week - timedelta(weeks=1)], deps.pulse.min_group_size,
                              deps.pulse.comment_minimum, names,
                              random.Random(secrets.randbits(64)))
        results[week] = {r.group.id: r for r in shown}
    moods = {w: uow.pulses.comment_moods(workspace_id, w) for w in span}
    return Window(span, results, moods, tuple(groups))


def dimension_lines(window: Window, group_id: str) -> tuple[DimensionLine, ...]:
    """Each dimension's latest shown mean, with its change since the reading before."""
    readings: dict[str, list[tuple[date, float]]] = {}
    meta: dict[str, tuple[str, bool]] = {}
    for week, result in zip(window.weeks, window.series(group_id), strict=True):
        if result is None or not result.shown:
            continue
        for fig in result.dimensions:
            # eNPS is a 0-10 score whose summary is not a mean: it is left to the pulse results.
            if fig.shown and fig.dimension.id != ENPS:
                readings.setdefault(fig.dimension.id, []).append((week, fig.mean))
                meta[fig.dimension.id] = (fig.dimension.name, fig.dimension.higher_is_better)
    lines = []
    for dim_id, found in readings.items():
        week, mean = found[-1]
        change = mean - found[-2][1] if len(found) > 1 else None
        name, better_high = meta[dim_id]
        lines.append(DimensionLine(dim_id, name, mean, change, better_high, week))
    return tuple(lines)


def dimension_series(window: Window, group_id: str,
                     dimensions: Sequence[Dimension]) -> list[tuple[str, list[float | None]]]:
    """Per dimension, the group's shown mean per week (None when not asked or not shown)."""
    out: list[tuple[str, list[float | None]]] = []
    for dim in dimensions:
        values: list[float | None] = []
        for result in window.series(group_id):
            fig = None if result is None or not result.shown else next(
                (f for f in result.dimensions if f.dimension.id == dim.id and f.shown), None)
            values.append(fig.mean if fig is not None else None)
        out.append((dim.name, values))
    return out
