"""The statistics behind the team burnout signal: shrinkage, channel estimates and intervals.

Every estimate here is of one quantity, the team's "strain shift": how far its exhaustion has
risen since a given week, in exhaustion points on the 1-5 item scale. Each channel (the
exhaustion, workload and wellbeing items, the share of comments that mention stress, and
participation) gives its own estimate with a variance; `combine` pools them by precision, so a
weak channel (a handful of comments) counts for little and a strong one (many answers) for much.
All inputs are weekly team aggregates; nothing here ever sees an individual answer.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

# Between-team spread of team means around the organisation's (SD, item points). Typical of
# 1-5 pulse items (team-level ICC 0.05-0.15 plus the members' own spread); the prior that
# shrinks a team toward the organisation, more strongly the fewer answers it has.
BETWEEN_TEAM_SD = 0.35
# Ordinary week-to-week wobble of a team's mean beyond sampling (a release, a bad week): the
# digest treats changes under 0.2 as level for the same reason.
TEAM_WEEK_SD = 0.15
# About half of the person-to-person spread in a week's answers is stable between people
# (test-retest of weekly pulse items is ~0.5-0.6); it cancels when a team is compared with its
# own earlier weeks, so only the other half is sampling noise around the team's own level.
PERSISTENT_SHARE = 0.5
# The individual SD when no figure gives one, and the prior weight (in answers) of the
# organisation's SD when a team's own SD is estimated from few answers.
FALLBACK_SD = 0.9
SD_PRIOR_WEIGHT = 5
# An organisation whose answers to a question were all the same (a small or new one) has SD 0;
# taken at its word, every team mean would be exact and a rise infinitely sure.
MIN_SD = 0.3
# Share of comments mentioning stress that a team has before any history: a prior worth this
# many comments, so one stressed comment in a quiet team is not read as 100%.
PRIOR_STRESS_SHARE = 0.15
PRIOR_COMMENTS = 10
# Participation moves for reasons unrelated to strain (holidays, launches); this SD is added to
# the binomial one so a holiday week is not read as withdrawal.
PARTICIPATION_SD = 0.07
FLOOR_SHARE = 0.05  # keeps binomial variances away from zero at shares near 0 or 1


@dataclass(frozen=True, slots=True)
class Point:
    """One item figure of one week, relative to the rest of the organisation that week."""

    slot: int  # weeks since the start of the assessed window
    rel: float  # team mean minus the mean of everyone else in the organisation
    sampling: float  # its sampling variance around the team's own true level
    team: float  # the team's mean
    org: float  # the organisation's mean (same question: everyone is asked the same one)

    @property
    def var(self) -> float:
        """Its variance around the team's own level, the team's ordinary weekly wobble included."""
        return self.sampling + TEAM_WEEK_SD**2


@dataclass(frozen=True, slots=True)
class Estimate:
    """A channel's estimate of the strain shift, in exhaustion points, and its variance."""

    value: float
    var: float


@dataclass(frozen=True, slots=True)
class Split:
    """An item dimension before and after a week: shrunk baseline and recent mean (relative)."""

    base: float
    base_var: float
    base_count: int
    recent: float
    recent_var: float
    recent_count: int
    # The team's own means over the same weeks, for the words a manager reads: the relative
    # figures above are what the test uses, but only the team's own numbers are on the scale.
    base_team: float | None = None
    recent_team: float = 0.0


@dataclass(frozen=True, slots=True)
class Change:
    """What changed since the week a rise began: per item its split, per channel its counts."""

    since: date
    slot: int  # the window position of since
    weeks: int  # weeks from the start of the rise to now, this week included
    readings: int  # weeks since then with at least one item figure
    shift: Estimate  # pooled strain rise, exhaustion points
    items: Mapping[str, tuple[Split, float]]  # dimension -> (split, latest org mean)
    comments: tuple[int, int, int]  # after: (comments, negative, stressed)
    baseline_stress: float  # share of comments mentioning stress before (prior-smoothed)
    participation: tuple[float, float] | None  # (before, after) rates


def pooled_sd(team_n: int, team_sd: float | None, org_sd: float | None) -> float:
    """A team's individual SD, its own estimate blended with the organisation's by df."""
    prior = FALLBACK_SD if org_sd is None else max(org_sd, MIN_SD)
    if team_sd is None or team_n < 2:
        return prior
    df = team_n - 1
    return math.sqrt((df * team_sd**2 + SD_PRIOR_WEIGHT * prior**2) / (df + SD_PRIOR_WEIGHT))


def sampling_variance(sd: float, n: int, rest_n: int) -> float:
    """Sampling variance of a team mean around its own level, and of the reference's mean."""
    own = (1 - PERSISTENT_SHARE) * sd**2 / max(n, 1)
    reference = sd**2 / rest_n if rest_n > 0 else 0.0
    return own + reference


def rest_mean(org_n: int, org_mean: float, n: int, mean: float) -> tuple[float, int]:
    """The mean and count of everyone in the organisation but the team (the org when none)."""
    rest = org_n - n
    if rest < 1:
        return org_mean, 0
    return (org_n * org_mean - n * mean) / rest, rest


def shrunk(points: Sequence[Point]) -> tuple[float, float]:
    """Precision-weighted mean of relative figures, shrunk toward the organisation (0)."""
    precision = 1 / BETWEEN_TEAM_SD**2 + sum(1 / p.var for p in points)
    return sum(p.rel / p.var for p in points) / precision, 1 / precision


def split(points: Sequence[Point], since: int) -> Split | None:
    """Baseline (slots before since, shrunk toward the organisation) against recent figures."""
    before = [p for p in points if p.slot < since]
    after = [p for p in points if p.slot >= since]
    if not after:
        return None
    base, base_var = shrunk(before)
    precision = sum(1 / p.var for p in after)
    recent = sum(p.rel / p.var for p in after) / precision
    base_team = sum(p.team for p in before) / len(before) if before else None
    return Split(base, base_var, len(before), recent, 1 / precision, len(after), base_team,
                 sum(p.team for p in after) / len(after))


def item_rise(points: Mapping[str, Sequence[Point]],
              loadings: Mapping[str, tuple[float, float]], since: int) -> Estimate | None:
    """The strain rise since slot since from every item, in exhaustion points.

    Each item is compared with its own shrunk baseline; a week's items are pooled into one
    reading first, because a team's bad week moves them all at once (TEAM_WEEK_SD is counted
    once per week, not once per item), and the baselines' own uncertainty is carried through.
    """
    bases = {dim: shrunk([p for p in pts if p.slot < since]) for dim, pts in points.items()}
    weeks: dict[int, list[tuple[str, Point]]] = {}
    for dim, pts in points.items():
        for p in pts:
            if p.slot >= since:
                weeks.setdefault(p.slot, []).append((dim, p))
    if not weeks:
        return None
    total = weighted = 0.0
    coef = dict.fromkeys(points, 0.0)
    for found in weeks.values():
        precision = sum(loadings[dim][0] ** 2 / p.sampling for dim, p in found)
        weight = 1 / (1 / precision + TEAM_WEEK_SD**2)
        for dim, p in found:
            loading, sign = loadings[dim]
            share = weight * loading * sign / p.sampling / precision
            weighted += share * (p.rel - bases[dim][0])
            coef[dim] += share
        total += weight
    base_var = sum((coef[dim] / total) ** 2 * bases[dim][1] for dim in points)
    return Estimate(weighted / total, 1 / total + base_var)


def prior_share(hits: int, total: int) -> float:
    """A share of comments smoothed toward PRIOR_STRESS_SHARE by PRIOR_COMMENTS comments."""
    return (hits + PRIOR_STRESS_SHARE * PRIOR_COMMENTS) / (total + PRIOR_COMMENTS)


def share_rise(before: tuple[int, int], after: tuple[int, int]) -> Estimate | None:
    """Rise in a share (hits, total) after a week over its prior-smoothed share before."""
    hits_after, total_after = after
    if total_after <= 0:
        return None
    hits_before = before[0] + PRIOR_STRESS_SHARE * PRIOR_COMMENTS
    total_before = before[1] + PRIOR_COMMENTS
    base = prior_share(*before)
    pooled = min(max((hits_before + hits_after) / (total_before + total_after), FLOOR_SHARE),
                 1 - FLOOR_SHARE)
    var = pooled * (1 - pooled) * (1 / total_after + 1 / total_before)
    return Estimate(hits_after / total_after - base, var)


def rate_drop(before: Sequence[tuple[int, int]], after: Sequence[tuple[int, int]]
              ) -> Estimate | None:
    """Fall in participation (respondents, invited per week) after a week against before."""
    if not before or not after:
        return None
    got_b, asked_b = sum(r for r, _ in before), sum(i for _, i in before)
    got_a, asked_a = sum(r for r, _ in after), sum(i for _, i in after)
    if asked_b <= 0 or asked_a <= 0:
        return None
    pooled = min(max((got_a + got_b) / (asked_a + asked_b), FLOOR_SHARE), 1 - FLOOR_SHARE)
    var = (pooled * (1 - pooled) * (1 / asked_a + 1 / asked_b)
           + PARTICIPATION_SD**2 * (1 / len(after) + 1 / len(before)))
    return Estimate(got_b / asked_b - got_a / asked_a, var)


def scaled(estimate: Estimate | None, loading: float) -> Estimate | None:
    """A channel's change turned into exhaustion points: divided by how much it moves per point."""
    if estimate is None:
        return None
    return Estimate(estimate.value / loading, estimate.var / loading**2)


def combine(estimates: Sequence[Estimate | None]) -> Estimate | None:
    """Precision-weighted pool of independent estimates of the same shift."""
    found = [e for e in estimates if e is not None and e.var > 0]
    if not found:
        return None
    precision = sum(1 / e.var for e in found)
    return Estimate(sum(e.value / e.var for e in found) / precision, 1 / precision)


def wilson(hits: int, total: int, z: float = 1.2816) -> tuple[float, float]:
    """Wilson score interval of a share (80% by default): honest for a handful of counts."""
    if total <= 0:
        return 0.0, 1.0
    p = hits / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return max(0.0, centre - half), min(1.0, centre + half)
