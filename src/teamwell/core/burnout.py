"""The weekly team burnout signal: level (ok / watch / high), drivers in words, confidence.

Inputs are weekly team aggregates only (per dimension: answers, mean, SD; comment counts;
invited and respondents) and the organisation's weekly means; the function never sees an
individual answer or a person. A team is assessed only in a week in which it has at least the
reporting minimum of answers. Method and every threshold: docs/burnout.md.

The signal asks one question: has the team's strain risen since some week in the last
MAX_RUN_WEEKS, compared with its own earlier weeks? Exhaustion is asked every week (the bank's
weekly dimension), workload and wellbeing every 2-3 weeks (the rotation), so each candidate
start week pools every figure since then: the exhaustion, workload and wellbeing items (each
compared with the rest of the organisation on the same question, so item wording and
organisation-wide weeks cancel), the share of comments mentioning stress, and participation,
each weighted by its precision. A team's baseline is shrunk toward
the organisation (empirical-Bayes credibility weighting), so a small or new team needs more
evidence. Separately, a team far above the organisation's exhaustion is worth watching even
without a rise.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from teamwell.core.anonymity import reporting_minimum
from teamwell.core.burnout_stats import (
    Change,
    Estimate,
    Point,
    Split,
    combine,
    item_rise,
    pooled_sd,
    prior_share,
    rate_drop,
    rest_mean,
    sampling_variance,
    scaled,
    share_rise,
    shrunk,
    split,
)
from teamwell.core.burnout_text import drivers_for

EXHAUSTION, WORKLOAD, WELLBEING = "energy", "workload", "wellbeing"
# How far each item moves, in its own points, per point of exhaustion, and in which direction
# (+1: higher is more strained). A working assumption (exhaustion correlates about 0.5 with
# workload and recovery items), not fitted to any data: see docs/burnout.md.
ITEMS: Mapping[str, tuple[float, float]] = {
    EXHAUSTION: (1.0, 1.0), WORKLOAD: (0.5, -1.0), WELLBEING: (0.5, -1.0)}
STRESS_LOADING = 0.2  # rise in the share of comments mentioning stress, per exhaustion point
PARTICIPATION_LOADING = 0.05  # fall in participation (share of invited), per exhaustion point
HISTORY_WEEKS = 12  # the window assessed, as the digest loads it
MAX_RUN_WEEKS = 8  # a rise may have begun at most this many weeks ago
RECENT_WEEKS = 3  # "current" exhaustion: the last three weekly readings
# Chosen on tuning seeds 1-10 of the simulator only (docs/burnout.md, section 6).
Z_WATCH, SHIFT_WATCH = 2.6, 0.3  # watch: rise >= 0.3 points and >= 2.6 standard errors
Z_HIGH, SHIFT_HIGH = 3.5, 0.5  # high: rise >= 0.5 points and >= 3.5 standard errors
# ... and either only while the latest week with item figures still shows a rise of this much:
# a rise that the latest reading no longer shows is over, or was a bad week (docs/burnout.md).
LATEST_RISE = 0.35
LEVEL_WATCH, LEVEL_Z = 0.9, 1.2816  # watch: exhaustion >= 0.9 above the org (80% lower bound)
SE_HIGH, SE_MEDIUM = 0.2, 0.3  # confidence from the rise's standard error (exhaustion points)
MIN_BASELINE = 2  # fewer earlier exhaustion figures than this: confidence is at most low


class Level(StrEnum):
    """The signal's three levels."""

    OK = "ok"
    WATCH = "watch"
    HIGH = "high"


@dataclass(frozen=True, slots=True)
class DimStat:
    """One dimension's figure for a group and week: answers, mean and SD on the item scale."""

    n: int
    mean: float
    sd: float | None


@dataclass(frozen=True, slots=True)
class TeamWeek:
    """A team's weekly aggregates: only dimensions asked that week, and comment counts."""

    week: date
    invited: int
    respondents: int
    dims: Mapping[str, DimStat] = field(default_factory=dict)
    comments: int = 0
    negative: int = 0
    stressed: int = 0


@dataclass(frozen=True, slots=True)
class BurnoutSignal:
    """One team's signal for one week; the numbers behind the words are kept for the digest."""

    team_id: str
    week: date
    level: Level
    drivers: tuple[str, ...]
    confidence: str  # low / medium / high
    respondents: int
    z: float  # the rise in standard errors (0 when nothing could be compared)
    shift: float | None  # estimated strain rise since `since`, exhaustion points
    shift_se: float | None
    since: date | None
    latest_rise: float | None  # the rise the latest week with item figures shows on its own
    exhaustion: float | None  # current exhaustion, shrunk toward the organisation
    exhaustion_interval: tuple[float, float] | None  # 80% interval
    organisation: float | None  # the organisation's exhaustion on the same question
    baseline_figures: int  # earlier exhaustion figures the team's baseline rests on
    readings: int  # weeks with item figures since the rise began


def assess(team_id: str, weeks: Sequence[TeamWeek],
           org: Mapping[date, Mapping[str, DimStat]], minimum: int) -> BurnoutSignal | None:
    """The signal for the latest week, or None when that week has fewer than minimum answers."""
    minimum = reporting_minimum(minimum)
    if not weeks:
        return None
    latest = max(weeks, key=lambda w: w.week)
    if latest.respondents < minimum:
        return None
    slots = _slots(weeks, latest.week, minimum)
    points = {dim: _points(slots, org, dim, minimum) for dim in ITEMS}
    candidates = [(since, found) for since in range(HISTORY_WEEKS - MAX_RUN_WEEKS, HISTORY_WEEKS)
                  if (found := _evidence(slots, points, since)) is not None]
    change = last = None
    if candidates:
        # The latest start with item figures after it is the latest reading on its own.
        last = candidates[-1][1]
        since, found = max(candidates, key=lambda c: c[1].value / math.sqrt(c[1].var))
        change = _change(slots, points, since, found)
    return _signal(team_id, latest, change, last, _exhaustion_level(points[EXHAUSTION]),
                   points[EXHAUSTION])


def _slots(weeks: Sequence[TeamWeek], latest: date, minimum: int) -> list[TeamWeek | None]:
    """The window's weeks by position (oldest first); None where the team was not assessed."""
    slots: list[TeamWeek | None] = [None] * HISTORY_WEEKS
    for week in weeks:
        back = (latest - week.week).days // 7
        if 0 <= back < HISTORY_WEEKS and week.respondents >= minimum:
            slots[HISTORY_WEEKS - 1 - back] = week
    return slots


def _points(slots: Sequence[TeamWeek | None], org: Mapping[date, Mapping[str, DimStat]],
            dim: str, minimum: int) -> list[Point]:
    """The team's figures of one dimension, each relative to the rest of the organisation."""
    out = []
    for slot, week in enumerate(slots):
        if week is None or dim not in week.dims:
            continue
        ref = org.get(week.week, {}).get(dim)
        own = week.dims[dim]
        # A figure of fewer answers than the minimum is never used: drivers quote the means.
        if ref is None or own.n < minimum:
            continue
        rest, rest_n = rest_mean(ref.n, ref.mean, own.n, own.mean)
        if rest_n == 0:
            continue  # the team is the whole organisation: there is nothing to compare with
        sd = pooled_sd(own.n, own.sd, ref.sd)
        out.append(Point(slot, own.mean - rest, sampling_variance(sd, own.n, rest_n), own.mean,
                         ref.mean))
    return out


def _evidence(slots: Sequence[TeamWeek | None], points: Mapping[str, list[Point]],
              since: int) -> Estimate | None:
    """Every channel's evidence that strain rose from slot since on, pooled."""
    rise = item_rise(points, ITEMS, since)
    if rise is None:
        return None  # comments and participation alone are too weak to start a rise
    before = [w for w in slots[:since] if w is not None]
    after = [w for w in slots[since:] if w is not None]
    stress = share_rise((sum(w.stressed for w in before), sum(w.comments for w in before)),
                        (sum(w.stressed for w in after), sum(w.comments for w in after)))
    drop = rate_drop([(w.respondents, w.invited) for w in before if w.invited > 0],
                     [(w.respondents, w.invited) for w in after if w.invited > 0])
    return combine([rise, scaled(stress, STRESS_LOADING), scaled(drop, PARTICIPATION_LOADING)])


def _change(slots: Sequence[TeamWeek | None], points: Mapping[str, list[Point]], since: int,
            shift: Estimate) -> Change:
    """What lies behind the evidence from slot since on, for the drivers."""
    items: dict[str, tuple[Split, float]] = {}
    for dim in ITEMS:
        found = split(points[dim], since)
        if found is not None:
            items[dim] = (found, points[dim][-1].org)
    before = [w for w in slots[:since] if w is not None]
    after = [w for w in slots[since:] if w is not None]
    rates_b = [(w.respondents, w.invited) for w in before if w.invited > 0]
    rates_a = [(w.respondents, w.invited) for w in after if w.invited > 0]
    participation = (_rate(rates_b), _rate(rates_a)) if rates_b and rates_a else None
    readings = len({p.slot for dim in ITEMS for p in points[dim] if p.slot >= since})
    return Change(after[0].week, since, (after[-1].week - after[0].week).days // 7 + 1,
                  readings, shift, items,
                  (sum(w.comments for w in after), sum(w.negative for w in after),
                   sum(w.stressed for w in after)),
                  prior_share(sum(w.stressed for w in before), sum(w.comments for w in before)),
                  participation)


def _rate(rates: Sequence[tuple[int, int]]) -> float:
    return sum(r for r, _ in rates) / sum(i for _, i in rates)


def _exhaustion_level(points: Sequence[Point]) -> tuple[float, float, float] | None:
    """(shrunk exhaustion relative to the org, its SE, the org mean) over the recent weeks."""
    recent = [p for p in points if p.slot >= HISTORY_WEEKS - RECENT_WEEKS]
    if not recent:
        return None
    est, var = shrunk(recent)
    return est, math.sqrt(var), recent[-1].org


def _signal(team_id: str, latest: TeamWeek, change: Change | None, last: Estimate | None,
            level_est: tuple[float, float, float] | None,
            exhaustion: Sequence[Point]) -> BurnoutSignal:
    shift = change.shift if change is not None else None
    z = shift.value / math.sqrt(shift.var) if shift is not None else 0.0
    rise = shift.value if shift is not None else 0.0
    still = last is not None and last.value >= LATEST_RISE
    chronic = level_est is not None and level_est[0] - LEVEL_Z * level_est[1] >= LEVEL_WATCH
    if still and z >= Z_HIGH and rise >= SHIFT_HIGH:
        level = Level.HIGH
    elif (still and z >= Z_WATCH and rise >= SHIFT_WATCH) or chronic:
        level = Level.WATCH
    else:
        level = Level.OK
    baseline = sum(1 for p in exhaustion if change is None or p.slot < change.slot)
    se = math.sqrt(shift.var) if shift is not None else None
    if se is None or baseline < MIN_BASELINE or se > SE_MEDIUM:
        confidence = "low"
    else:
        confidence = "high" if se <= SE_HIGH else "medium"
    current = interval = org_mean = None
    if level_est is not None:
        est, est_se, org_mean = level_est
        current = org_mean + est
        interval = (current - LEVEL_Z * est_se, current + LEVEL_Z * est_se)
    recent = [p for p in exhaustion if p.slot >= HISTORY_WEEKS - RECENT_WEEKS]
    figure = (recent[-1].team, recent[-1].org) if recent else None
    drivers = drivers_for(change, figure, chronic, alarm=level is not Level.OK)
    return BurnoutSignal(
        team_id, latest.week, level, drivers, confidence, latest.respondents, z,
        None if shift is None else rise, se, None if change is None else change.since,
        None if last is None else last.value, current, interval, org_mean, baseline,
        0 if change is None else change.readings)


def dim_stat(counts: Iterable[tuple[int, int]]) -> DimStat | None:
    """A dimension's figure from (value, count) pairs; None when nobody answered."""
    pairs = [(v, c) for v, c in counts if c > 0]
    n = sum(c for _, c in pairs)
    if n == 0:
        return None
    mean = sum(v * c for v, c in pairs) / n
    if n < 2:
        return DimStat(n, mean, None)
    var = sum(c * (v - mean) ** 2 for v, c in pairs) / (n - 1)
    return DimStat(n, mean, math.sqrt(var))


def aggregate(week: date, invited: int, respondents: int,
              answers: Mapping[str, Iterable[tuple[int, int]]],
              moods: Iterable[tuple[str, bool]], minimum: int) -> TeamWeek:
    """A team's TeamWeek from its answer counts per dimension and its comments' (label,
    stress); below the minimum only the week is kept, as the digest hides such groups."""
    if respondents < minimum:
        return TeamWeek(week, 0, 0)
    dims = {dim: stat for dim, counts in answers.items()
            if (stat := dim_stat(counts)) is not None}
    scored = list(moods)
    return TeamWeek(week, invited, respondents, dims, len(scored),
                    sum(label == "negative" for label, _ in scored),
                    sum(stress for _, stress in scored))
