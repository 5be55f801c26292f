"""The burnout signal on hand-built weekly aggregates."""

from __future__ import annotations

import re

import pytest

from teamwell.core.burnout import (
    HISTORY_WEEKS,
    DimStat,
    Level,
    TeamWeek,
    aggregate,
    assess,
    dim_stat,
)
from tests.burnout.helpers import org, team, week

MIN = 5


def test_a_stable_team_stays_ok_with_one_calm_line() -> None:
    energy = [2.6 if k % 2 else 2.5 for k in range(12)]
    signal = assess("t1", team(energy), org(12), MIN)
    assert signal is not None
    assert signal.level is Level.OK
    assert signal.drivers == ("Exhaustion 2.6 (organisation: 2.5), with no sustained rise",)


def test_a_sharp_exhaustion_rise_is_flagged_with_the_numbers() -> None:
    energy = [2.4] * 9 + [3.3] * 3
    signal = assess("t1", team(energy), org(12), MIN)
    assert signal is not None
    assert signal.level in (Level.WATCH, Level.HIGH)
    assert signal.drivers[0] == ("Exhaustion rose from 2.4 to 3.3 over the last 3 weeks "
                                 "(organisation: 2.5)")
    assert signal.since == week(9)
    assert signal.shift is not None and 0.6 < signal.shift < 1.0


def test_a_rise_measured_only_every_few_weeks_still_counts() -> None:
    # A bank without a weekly dimension asks exhaustion in rotation, e.g. weeks 0, 2, 4, 7, 9,
    # 11 (so do workload and wellbeing in the shipped bank): evidence carries across the gaps.
    asked = {0, 2, 4, 7, 9, 11}
    energy = [(2.5 if k < 7 else 3.4) if k in asked else None for k in range(12)]
    signal = assess("t1", team(energy, n=12, invited=13), org(12), MIN)
    assert signal is not None and signal.level is not Level.OK
    assert signal.readings == 3


@pytest.mark.parametrize(("rise", "weeks"), [(0.6, 2), (0.5, 3)])
def test_a_rise_read_every_week_is_flagged_where_the_rotations_readings_are_not(
        rise: float, weeks: int) -> None:
    # Why exhaustion is asked every week (docs/decisions.md): a team of eight, a rise of half a
    # point or so, two or three weeks in. Read every week it is flagged; read only in the weeks
    # a rotation would ask it (0, 2, 4, 7, 9, 11) it is not yet.
    weekly = [2.5] * (12 - weeks) + [2.5 + rise] * weeks
    rotated = [mean if k in {0, 2, 4, 7, 9, 11} else None for k, mean in enumerate(weekly)]

    every_week = assess("t1", team(weekly, n=8, invited=10), org(12), MIN)
    in_rotation = assess("t1", team(rotated, n=8, invited=10), org(12), MIN)

    assert every_week is not None and every_week.level is Level.WATCH
    assert every_week.readings == weeks
    assert in_rotation is not None and in_rotation.level is Level.OK


def test_a_rise_the_latest_reading_no_longer_shows_is_over() -> None:
    energy = [2.5] * 6 + [3.4] * 4 + [2.5] * 2
    signal = assess("t1", team(energy), org(12), MIN)
    assert signal is not None and signal.level is Level.OK


def test_a_team_below_the_minimum_is_not_assessed() -> None:
    weeks = team([2.5] * 12, respondents=[8] * 11 + [4])
    assert assess("t1", weeks, org(12), MIN) is None
    assert assess("t1", [], org(12), MIN) is None
    with pytest.raises(ValueError):
        assess("t1", team([2.5] * 12), org(12), 2)


def test_weeks_below_the_minimum_are_ignored_not_quoted() -> None:
    # A hidden week (4 answers) with an extreme mean must neither raise an alarm nor be quoted.
    weeks = team([2.5] * 10 + [4.9, 2.5], respondents=[8] * 10 + [4, 8])
    signal = assess("t1", weeks, org(12), MIN)
    assert signal is not None and signal.level is Level.OK
    assert not any("4.9" in d for d in signal.drivers)


def test_small_teams_are_shrunk_toward_the_organisation_more_than_big_ones() -> None:
    energy = [3.4] * 12
    small = assess("small", team(energy, n=5, invited=5), org(12), MIN)
    big = assess("big", team(energy, n=15, invited=16), org(12), MIN)
    assert small is not None and big is not None
    assert small.exhaustion is not None and big.exhaustion is not None
    assert 2.5 < small.exhaustion < big.exhaustion < 3.4
    assert small.exhaustion_interval is not None and big.exhaustion_interval is not None
    small_low, small_high = small.exhaustion_interval
    big_low, big_high = big.exhaustion_interval
    assert small_high - small_low > big_high - big_low


def test_a_team_far_above_the_organisation_is_watched_without_a_rise() -> None:
    signal = assess("t1", team([3.8] * 12, n=14, invited=15), org(12), MIN)
    assert signal is not None and signal.level is Level.WATCH
    assert "Exhaustion is 3.8, against 2.5 across the organisation" in signal.drivers


def test_stressed_comments_and_a_participation_fall_are_named_with_counts() -> None:
    energy = [2.4] * 9 + [3.3] * 3
    comments = [(2, 0, 0)] * 9 + [(3, 1, 2), (2, 1, 1), (2, 1, 1)]
    respondents = [11] * 9 + [7, 7, 7]
    weeks = team(energy, invited=12, comments=comments, respondents=respondents)
    signal = assess("t1", weeks, org(12), MIN)
    assert signal is not None and signal.level is not Level.OK
    assert "4 of 7 comments in the last 3 weeks mention workload or stress" in signal.drivers
    assert "Participation fell from 92% to 58%" in signal.drivers


def test_confidence_is_low_without_history_and_higher_with_it() -> None:
    short = assess("t1", team([3.3] * 2), org(2), MIN)
    assert short is not None and short.confidence == "low"
    long = assess("t1", team([2.4] * 9 + [3.3] * 3, n=15, invited=16), org(12), MIN)
    assert long is not None and long.confidence in ("medium", "high")
    assert long.shift_se is not None and long.baseline_figures == 9


def test_only_the_last_history_weeks_are_read() -> None:
    # An old spike beyond the window changes nothing.
    energy = [4.8] * 5 + [2.5] * HISTORY_WEEKS
    assert assess("t1", team(energy), org(len(energy)), MIN) == assess(
        "t1", team(energy)[5:], org(len(energy)), MIN)


def test_drivers_carry_no_names_or_ids() -> None:
    signal = assess("team-42", team([2.4] * 9 + [3.3] * 3), org(12), MIN)
    assert signal is not None
    for driver in signal.drivers:
        assert "team-42" not in driver
        assert re.fullmatch(r"[A-Za-z0-9 .,:%()\-]+", driver)


def test_aggregate_keeps_only_the_week_below_the_minimum() -> None:
    answers = {"energy": [(2, 3), (4, 2)]}
    hidden = aggregate(week(0), 10, 4, answers, [("negative", True)], MIN)
    assert hidden == TeamWeek(week(0), 0, 0)
    shown = aggregate(week(0), 10, 5, answers, [("negative", True), ("positive", False)], MIN)
    assert shown.dims["energy"] == dim_stat([(2, 3), (4, 2)])
    assert (shown.comments, shown.negative, shown.stressed) == (2, 1, 1)


def test_dim_stat_is_the_sample_mean_and_sd() -> None:
    stat = dim_stat([(1, 1), (3, 1), (5, 1)])
    assert stat == DimStat(3, 3.0, 2.0)
    assert dim_stat([(4, 1)]) == DimStat(1, 4.0, None)
    assert dim_stat([]) is None


def test_an_organisation_where_everyone_gave_the_same_answer_still_has_some_spread() -> None:
    from teamwell.core.burnout_stats import MIN_SD, pooled_sd, sampling_variance

    sd = pooled_sd(team_n=6, team_sd=0.0, org_sd=0.0)

    assert sd > 0
    assert sampling_variance(sd, 6, 6) > 0
    assert pooled_sd(team_n=1, team_sd=None, org_sd=0.0) == MIN_SD
