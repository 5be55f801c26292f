"""Team pulse results as people may see them: every figure checked against the anonymity rules.

The database counts (see the Pulses port); this module decides what of it may be shown. A group
is shown only when it has enough respondents and no other shown group lets anyone work out the
figures of a smaller one by subtraction (core/anonymity.py). Comments get the same check with
the comment minimum.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from teamwell.core.anonymity import Group, Verdict, publishable
from teamwell.core.comments import redactor, shown_comments
from teamwell.surveys.pulse_bank import Dimension

ANY = ""  # the respondents key for "answered anything"


@dataclass(frozen=True, slots=True)
class DimensionFigure:
    """One dimension's figures for one group, or why they are hidden."""

    dimension: Dimension
    shown: bool
    reason: str = ""
    n: int = 0
    mean: float = 0.0
    distribution: tuple[tuple[int, int], ...] = ()  # (value, count), every value on the scale
    change: float | None = None  # mean minus the previous period's, when both are shown


@dataclass(frozen=True, slots=True)
class GroupResult:
    """What may be shown about one group for one period."""

    group: Group
    shown: bool
    reason: str = ""
    respondents: int = 0
    invited: int = 0
    dimensions: tuple[DimensionFigure, ...] = ()
    comments: tuple[str, ...] = ()

    @property
    def participation(self) -> float | None:
        """Share of people asked who answered, when shown."""
        return self.respondents / self.invited if self.shown and self.invited else None


@dataclass(frozen=True, slots=True)
class PeriodCounts:
    """What the database counted for one period (closed rounds only)."""

    value_counts: Sequence[tuple[str, str, int, int]]  # (group id, dimension, value, count)
    respondents: Mapping[str, Mapping[str, int]]  # dimension ("" any) -> team as answered -> n
    invited: Mapping[str, int]  # team as invited -> n
    comments: Sequence[tuple[str, str]]  # (team as answered, text)


def _means(counts: PeriodCounts) -> dict[tuple[str, str], tuple[int, float, dict[int, int]]]:
    out: dict[tuple[str, str], dict[int, int]] = {}
    for group, dim, value, n in counts.value_counts:
        out.setdefault((group, dim), {})[value] = n
    result = {}
    for key, dist in out.items():
        total = sum(dist.values())
        result[key] = (total, sum(v * c for v, c in dist.items()) / total, dist)
    return result


def _verdicts(groups: Sequence[Group], counts: PeriodCounts, minimum: int,
              dimensions: Iterable[Dimension]) -> dict[str, dict[str, Verdict]]:
    """Verdicts per figure family: "" (respondents) and each dimension."""
    out = {ANY: publishable(groups, counts.respondents.get(ANY, {}), minimum)}
    for dim in dimensions:
        out[dim.id] = publishable(groups, counts.respondents.get(dim.id, {}), minimum)
    return out


def build_results(groups: Sequence[Group], wanted: Sequence[str], dimensions: Sequence[Dimension],
                  now: PeriodCounts, previous: PeriodCounts | None, minimum: int,
                  comment_minimum: int, names: Iterable[str],
                  rng: random.Random) -> list[GroupResult]:
    """Results for the wanted group ids, judged against every group (as anyone may see those).

    Only the dimensions someone answered in the period are listed: the rest were not asked.
    """
    dimensions = [d for d in dimensions if d.id in now.respondents]
    verdicts = _verdicts(groups, now, minimum, dimensions)
    # Who was asked is a figure too: a company total next to a team's would tell whether the one
    # person outside that team answered. Groups must pass on invitation counts as well.
    asked = publishable(groups, now.invited, minimum)
    before = _verdicts(groups, previous, minimum, dimensions) if previous else None
    means, prev_means = _means(now), _means(previous) if previous else {}
    comment_ok = publishable(groups, now.respondents.get(ANY, {}), comment_minimum)
    by_id = {g.id: g for g in groups}
    clean = redactor(names)  # prepared once: a large directory takes a while to index
    results = []
    for gid in wanted:
        group, overall = by_id[gid], verdicts[ANY][gid]
        if not overall.shown or not asked[gid].shown:
            results.append(GroupResult(group, False, overall.reason or asked[gid].reason))
            continue
        figures = []
        for dim in dimensions:
            v = verdicts[dim.id][gid]
            if not v.shown or (gid, dim.id) not in means:
                figures.append(DimensionFigure(dim, False, v.reason or "no answers"))
                continue
            n, mean, dist = means[(gid, dim.id)]
            change = None
            if before and before[dim.id][gid].shown and (gid, dim.id) in prev_means:
                change = mean - prev_means[(gid, dim.id)][1]
            figures.append(DimensionFigure(
                dim, True, n=n, mean=mean, change=change,
                distribution=tuple((x, dist.get(x, 0)) for x in dim.scale.values())))
        texts: list[str] = []
        if comment_ok[gid].shown:
            texts = shown_comments([body for team, body in now.comments if team in group.atoms],
                                   clean, overall.n, comment_minimum, rng)
        results.append(GroupResult(
            group, True, respondents=overall.n,
            invited=sum(n for team, n in now.invited.items() if team in group.atoms),
            dimensions=tuple(figures), comments=tuple(texts)))
    return results
