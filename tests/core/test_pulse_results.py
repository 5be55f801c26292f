"""Assembling team results from counts: what is shown, what is hidden and why."""

from __future__ import annotations

import random

from teamwell.core.anonymity import Group
from teamwell.core.pulse_results import GroupResult, PeriodCounts, build_results
from teamwell.surveys.pulse_bank import Dimension, Scale

AGREE = Scale("agree5", ("1", "2", "3", "4", "5"))
WORKLOAD = Dimension("workload", "Workload", AGREE)
GROWTH = Dimension("growth", "Growth", AGREE)
COMPANY = Group("*", "Whole company", frozenset({"platform", "people"}))
PLATFORM = Group("platform", "Platform", frozenset({"platform"}))
PEOPLE = Group("people", "People", frozenset({"people"}))
GROUPS = [COMPANY, PLATFORM, PEOPLE]


def _counts(platform: list[int], people: list[int], invited: dict[str, int],
            comments: tuple[tuple[str, str], ...] = ()) -> PeriodCounts:
    rows: dict[tuple[str, int], int] = {}
    for group, values in (("platform", platform), ("*", platform + people),
                          ("people", people)):
        for v in values:
            rows[(group, v)] = rows.get((group, v), 0) + 1
    value_counts = [(g, "workload", v, n) for (g, v), n in rows.items()]
    respondents = {"": {"platform": len(platform), "people": len(people)},
                   "workload": {"platform": len(platform), "people": len(people)}}
    return PeriodCounts(value_counts, respondents, invited, list(comments))


def _build(now: PeriodCounts, previous: PeriodCounts | None = None, comment_minimum: int = 5,
           ) -> dict[str, GroupResult]:
    results = build_results(GROUPS, [g.id for g in GROUPS], [WORKLOAD, GROWTH], now, previous,
                            5, comment_minimum, ["Ada Lovelace"], random.Random(7))
    return {r.group.id: r for r in results}


def test_a_company_total_beside_a_team_cannot_reveal_whether_the_one_outsider_answered() -> None:
    # Everyone in Platform answered; the one person in People was asked and did not.
    now = _counts([4, 4, 5, 3, 4], [], {"platform": 5, "people": 1})

    results = _build(now)

    shown = [gid for gid, r in results.items() if r.shown]
    assert shown in (["*"], ["platform"])


def test_only_dimensions_asked_in_the_period_are_listed() -> None:
    now = _counts([4, 4, 5, 3, 4], [], {"platform": 5})

    platform = _build(now)["platform"]

    assert [f.dimension.id for f in platform.dimensions] == ["workload"]


def test_figures_show_n_mean_distribution_and_change_since_last_week() -> None:
    before = _counts([2, 2, 3, 3, 5], [], {"platform": 5})
    now = _counts([4, 4, 5, 3, 4], [], {"platform": 5})

    (workload,) = _build(now, before)["platform"].dimensions

    assert workload.shown and workload.n == 5
    assert workload.mean == 4.0
    assert workload.distribution == ((1, 0), (2, 0), (3, 1), (4, 3), (5, 1))
    assert workload.change is not None and round(workload.change, 2) == 1.0


def test_no_change_is_given_when_last_week_was_hidden() -> None:
    before = _counts([2, 2, 3], [], {"platform": 5})
    now = _counts([4, 4, 5, 3, 4], [], {"platform": 5})

    (workload,) = _build(now, before)["platform"].dimensions

    assert workload.change is None


def test_comments_wait_for_the_comment_minimum_and_lose_names() -> None:
    now = _counts([4, 4, 5, 3, 4], [], {"platform": 5},
                  comments=(("platform", "Ada Lovelace helped a lot"),))

    shown = _build(now)["platform"]
    held_back = _build(now, comment_minimum=6)["platform"]

    assert shown.comments == ("[name] helped a lot",)
    assert held_back.shown and held_back.comments == ()


def test_a_hidden_group_says_why_without_its_count() -> None:
    now = _counts([4, 4, 5, 3, 4], [3, 3], {"platform": 5, "people": 2})

    people = _build(now)["people"]

    assert not people.shown and people.respondents == 0
    assert "2" not in people.reason
