"""Choosing suggested check-ins: urgent first, one per target, feedback respected."""

from __future__ import annotations

from datetime import date

from teamwell.core.digest import arrow
from teamwell.core.suggestions import (
    Kind,
    as_suggestion,
    choose,
    recognition_gap,
    team_burnout,
    team_dimension,
    team_participation,
)

BURNOUT = team_burnout("t1", "Platform", "high", ("Exhaustion rose from 2.1 to 3.0",))
WORKLOAD = team_dimension("t1", "Platform", "workload", "Workload", 2.5, -0.6, False)
QUIET = team_participation("t2", "Design", 0.9, 0.6)
THANKS = recognition_gap("p1", "Ana", 6)


def test_the_most_urgent_come_first_and_a_team_gets_one_conversation() -> None:
    chosen = choose([THANKS, WORKLOAD, QUIET, BURNOUT], {}, {})

    assert [c.kind for c in chosen] == [Kind.TEAM_BURNOUT, Kind.TEAM_PARTICIPATION,
                                        Kind.RECOGNITION_GAP]


def test_at_most_three_are_chosen() -> None:
    many = [recognition_gap(f"p{i}", f"P{i}", 6) for i in range(6)]

    assert len(choose(many, {}, {})) == 3


def test_a_kind_called_not_useful_twice_and_never_taken_up_goes_last() -> None:
    chosen = choose([BURNOUT, THANKS], {Kind.TEAM_BURNOUT.value: 2}, {})

    assert [c.kind for c in chosen] == [Kind.RECOGNITION_GAP, Kind.TEAM_BURNOUT]


def test_a_kind_the_manager_also_took_up_is_not_demoted() -> None:
    chosen = choose([BURNOUT, THANKS], {Kind.TEAM_BURNOUT.value: 2},
                    {Kind.TEAM_BURNOUT.value: 1})

    assert chosen[0].kind is Kind.TEAM_BURNOUT


def test_the_same_suggestion_for_the_same_week_has_the_same_id() -> None:
    one = as_suggestion(BURNOUT, "ws", "mia", date(2026, 3, 2))
    two = as_suggestion(BURNOUT, "ws", "mia", date(2026, 3, 2))
    next_week = as_suggestion(BURNOUT, "ws", "mia", date(2026, 3, 9))

    assert one.id == two.id != next_week.id


def test_a_dimension_suggestion_states_the_numbers_and_opens_with_a_question() -> None:
    assert WORKLOAD.reason == "Workload fell from 3.1 to 2.5."
    assert WORKLOAD.starter.endswith("?")


def test_arrows_say_better_or_worse_in_the_dimensions_own_direction() -> None:
    assert arrow(0.5, True) == "\u2191 +0.5 (better)"
    assert arrow(0.5, False) == "\u2191 +0.5 (worse)"
    assert arrow(-0.1, True) == "\u2192 -0.1 (steady)"
    assert arrow(None, True) == "(first reading)"
