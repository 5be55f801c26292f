"""Pulse rotation: one question set per week for everyone, coverage, no repeats, monthly eNPS."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from teamwell.core.people import Person
from teamwell.core.pulse_rotation import (
    coverage_weeks,
    cycle_order,
    enps_due,
    round_questions,
    rounds_per_cycle,
    week_index,
)
from teamwell.core.pulse_schedule import PulseSchedule, invite_at, is_eligible, round_day
from teamwell.surveys.pulse_bank import ENPS, Dimension, Question, QuestionBank, Scale, load_bank

AGREE = Scale("agree5", ("1", "2", "3", "4", "5"))
NPS = Scale("nps11", tuple(str(n) for n in range(11)), low=0)
FIRST_MONDAY = date(2026, 2, 23)  # 12 weeks from here span both March DST changes
WEEKS = 12
ZONES = ("Asia/Tokyo", "Europe/London", "America/New_York", "Pacific/Honolulu")


def make_bank(sizes: Sequence[int], enps: bool = True, weekly: int | None = None
              ) -> QuestionBank:
    """A bank with one dimension per size (d0, d1, ...) holding that many questions; dimension
    number `weekly`, if given, is asked every week."""
    questions = [
        Question(f"d{d}q{n}", Dimension(f"d{d}", f"Dimension {d}", AGREE, weekly=d == weekly),
                 f"Q {d}.{n}", "test")
        for d, size in enumerate(sizes)
        for n in range(size)
    ]
    if enps:
        questions.append(Question("enps", Dimension(ENPS, "eNPS", NPS), "Recommend us?", "eNPS"))
    return QuestionBank(tuple(questions))


def rotating(questions: Sequence[Question]) -> list[Question]:
    """The questions that share the rotation: neither eNPS nor the weekly dimension's."""
    return [q for q in questions if q.dimension.id != ENPS and not q.dimension.weekly]


def assert_all_seen_before_any_repeat(rounds: Sequence[Sequence[Question]], total: int) -> None:
    """No round repeats a question until every one of the total rotating questions was asked."""
    seen: set[str] = set()
    for number, questions in enumerate(rounds):
        ids = [q.id for q in rotating(questions)]
        assert len(set(ids)) == len(ids)
        if seen & set(ids):
            assert len(seen) == total, f"a repeat in round {number} with {len(seen)} seen"
            seen = set()
        seen |= set(ids)


def test_the_cycle_interleaves_dimensions_in_bank_order() -> None:
    bank = make_bank([2, 3, 1])

    order = [q.id for q in cycle_order(bank)]

    assert order == ["d0q0", "d1q0", "d2q0", "d0q1", "d1q1", "d1q2"]


def test_weeks_count_from_monday_the_first_of_january_2024() -> None:
    assert week_index(date(2024, 1, 1)) == 0
    assert week_index(date(2024, 1, 7)) == 0
    assert week_index(date(2024, 1, 9)) == 1
    assert week_index(date(2023, 12, 31)) == -1


@pytest.mark.parametrize("per_round", [3, 4])
@pytest.mark.parametrize("count", range(6, 61))
def test_every_round_asks_three_or_four_rotating_questions_and_a_cycle_asks_each_once(
    count: int, per_round: int
) -> None:
    bank = make_bank([count])
    cycle = rounds_per_cycle(count, per_round)

    rounds = [round_questions(bank, week, per_round, with_enps=False) for week in range(cycle)]

    assert all(3 <= len(r) <= 4 for r in rounds)
    assert Counter(q.id for r in rounds for q in r) == Counter(q.id for q in bank.rotating())
    if count % per_round == 0:
        assert {len(r) for r in rounds} == {per_round}


def test_the_monthly_enps_question_comes_last_and_makes_at_most_five() -> None:
    bank = make_bank([4] * 9)

    plain = round_questions(bank, 7, 4, with_enps=False)
    monthly = round_questions(bank, 7, 4, with_enps=True)

    assert monthly[:-1] == plain
    assert monthly[-1].dimension.id == ENPS
    assert len(monthly) == 5


@pytest.mark.parametrize("per_round", [2, 5, 0])
def test_a_round_size_outside_three_to_four_is_refused(per_round: int) -> None:
    with pytest.raises(ValueError, match="questions per round must be 3 or 4"):
        round_questions(make_bank([4] * 9), 0, per_round, with_enps=False)


@pytest.mark.parametrize("count", [0, 1, 2, 5])
def test_a_bank_too_small_to_fill_rounds_is_refused(count: int) -> None:
    with pytest.raises(ValueError, match="cannot be split into rounds"):
        round_questions(make_bank([count] if count else []), 0, 3, with_enps=False)


@pytest.mark.parametrize("per_round", [3, 4])
@pytest.mark.parametrize(("sizes", "weekly"), [
    ([4] * 9, None), ([4, 4, 4, 4, 4, 4, 4, 4, 3], None), ([3, 3, 3, 2], None), ([5, 1, 4], None),
    ([4] * 9, 1), ([4, 4, 4, 4, 4, 4, 4, 4, 3], 8), ([3, 3, 3, 2], 0),
])
def test_someone_asked_every_week_sees_every_question_before_any_repeats_wherever_they_join(
    sizes: list[int], weekly: int | None, per_round: int
) -> None:
    bank = make_bank(sizes, weekly=weekly)
    total = len(bank.rotating())

    for join in range(-5, 20):
        weeks = range(join, join + 3 * total)
        assert_all_seen_before_any_repeat(
            [round_questions(bank, w, per_round, with_enps=False) for w in weeks], total)


@pytest.mark.parametrize(("dimensions", "per_round"), [(9, 4), (9, 3), (8, 4), (10, 3), (4, 4)])
def test_with_equal_dimensions_every_dimension_returns_within_ceil_d_over_k_weeks(
    dimensions: int, per_round: int
) -> None:
    bank = make_bank([4] * dimensions)

    weeks = coverage_weeks(bank, per_round)

    assert weeks == math.ceil(dimensions / per_round)
    for start in range(-20, 40):
        window = range(start, start + weeks)
        asked = {q.dimension.id for w in window for q in round_questions(bank, w, per_round, False)}
        assert asked == {f"d{d}" for d in range(dimensions)}


def test_coverage_weeks_counts_the_weekly_dimension_in_every_week() -> None:
    bank = make_bank([4] * 7, weekly=0)  # 24 rotating questions, 3 a round: 8 rounds

    weeks = coverage_weeks(bank, 4)

    assert weeks == 2  # six rotating dimensions, three a week; d0 every week
    for start in range(-10, 20):
        asked = {q.dimension.id for w in (start, start + 1)
                 for q in round_questions(bank, w, 4, False)}
        assert asked == {f"d{d}" for d in range(7)}


def test_coverage_weeks_is_exact_for_uneven_dimensions() -> None:
    bank = make_bank([3, 1, 2])  # cycle d0 d1 d2 d0 d2 d0 -> rounds (d0 d1 d2) (d0 d2 d0)

    weeks = coverage_weeks(bank, 3)

    assert weeks == 2  # d1 is only in every other round


@pytest.mark.parametrize(("day", "due"), [
    (date(2026, 3, 3), True), (date(2026, 3, 7), True), (date(2026, 3, 8), False),
    (date(2026, 3, 31), False), (date(2026, 4, 1), True),
])
def test_enps_is_due_in_the_first_seven_days_of_a_month(day: date, due: bool) -> None:
    assert enps_due(day) is due


@pytest.mark.parametrize("weekday", range(5))
def test_a_weekly_round_on_any_weekday_carries_enps_exactly_once_a_month(weekday: int) -> None:
    schedule = PulseSchedule(weekday=weekday)
    days = [round_day(schedule, date(2025, 12, 29) + timedelta(weeks=n)) for n in range(53)]

    months = Counter((d.year, d.month) for d in days if enps_due(d))

    assert set(months.values()) == {1}
    assert len(months) == 12 + (days[-1].day <= 7)


@dataclass
class Member:
    person: Person
    opted_out: bool = False
    leave_weeks: frozenset[int] = frozenset()
    asked: dict[int, tuple[Question, ...]] = field(default_factory=dict)


def team(zone: str, number: int) -> list[Member]:
    def person(name: str, start: date | None, active: bool = True) -> Person:
        return Person(f"{name}-{number}", "w1", name, team_id=f"t{number}", start_date=start,
                      timezone=zone, active=active)

    return [
        Member(person("steady", date(2024, 5, 1))),
        Member(person("unknown-start", None)),
        Member(person("hire-early", date(2026, 2, 20))),  # eligible 22 Mar: asked from week 4
        Member(person("hire-late", date(2026, 3, 10))),  # eligible 9 Apr: asked from week 7
        Member(person("leaver", date(2023, 1, 9)), leave_weeks=frozenset({3, 4, 5})),
        Member(person("opted-out", date(2023, 1, 9)), opted_out=True),
        Member(person("gone", date(2023, 1, 9), active=False)),
    ]


def simulate(bank: QuestionBank, per_round: int) -> list[Member]:
    """Twelve weekly rounds, Tuesday 10:00 local, for four teams in four zones."""
    members = [m for n, zone in enumerate(ZONES) for m in team(zone, n)]
    schedule = PulseSchedule(per_round=per_round)
    for week in range(WEEKS):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        for m in members:
            # Each person's round is placed by their own local date, as the scheduler would.
            local_day = invite_at(schedule, monday, m.person.zone).astimezone(m.person.zone).date()
            reason = is_eligible(m.person, local_day, opted_out=m.opted_out,
                                 on_leave=week in m.leave_weeks)
            if reason is None:
                m.asked[week] = round_questions(bank, week_index(local_day), per_round,
                                                enps_due(local_day))
    return members


@pytest.mark.parametrize(("sizes", "per_round", "weekly"), [
    ([4] * 9, 4, None), ([4] * 9, 3, None), ([4] * 8 + [3], 4, None), ([4] * 9, 4, 1),
    ([4] * 9, 3, 1),
])
def test_over_twelve_weeks_coverage_and_no_repeat_rules_hold_for_every_person(
    sizes: list[int], per_round: int, weekly: int | None
) -> None:
    bank = make_bank(sizes, weekly=weekly)
    total = len(bank.rotating())
    cycle = rounds_per_cycle(total, per_round, 0 if weekly is None else 1)
    cover = coverage_weeks(bank, per_round)
    dimensions = {d.id for d in bank.dimensions()} - {ENPS}

    members = simulate(bank, per_round)

    by_week: dict[int, set[tuple[str, ...]]] = {}
    for m in members:
        for week, questions in m.asked.items():
            by_week.setdefault(week, set()).add(tuple(q.id for q in questions))
            assert 3 <= len(questions) <= 5
    assert all(len(sets) == 1 for sets in by_week.values()), "one question set per week"
    first_week = {m.person.name: min(m.asked, default=None) for m in members}
    assert first_week["hire-early"] == 4 and first_week["hire-late"] == 7
    assert first_week["opted-out"] is None and first_week["gone"] is None
    for m in members:
        if m.person.name == "leaver":
            assert sorted(m.asked) == [0, 1, 2, *range(6, WEEKS)]
        elif m.asked:
            assert sorted(m.asked) == list(range(first_week[m.person.name] or 0, WEEKS))
        # Coverage: every run of `cover` consecutive weeks someone is asked holds every dimension.
        weeks = sorted(m.asked)
        for window in (weeks[i:i + cover] for i in range(len(weeks) - cover + 1)):
            if window[-1] - window[0] == cover - 1:  # consecutive weeks only
                assert {q.dimension.id for w in window for q in m.asked[w]} - {ENPS} == dimensions
        if weekly is not None:  # the weekly dimension in every week someone is asked
            assert all(qs[0].dimension.id == f"d{weekly}" for qs in m.asked.values())
        # Anyone, leaver included: a question comes back only a whole cycle later.
        weeks_of: dict[str, list[int]] = {}
        for week, questions in m.asked.items():
            for q in rotating(questions):
                weeks_of.setdefault(q.id, []).append(week)
        assert all((b - a) % cycle == 0 and b - a >= cycle
                   for ws in weeks_of.values() for a, b in zip(ws, ws[1:], strict=False))
        if m.person.name != "leaver":
            assert_all_seen_before_any_repeat([m.asked[w] for w in sorted(m.asked)], total)
        if m.person.name == "steady" and cycle < WEEKS:
            assert any(len(ws) > 1 for ws in weeks_of.values()), "the cycle wrapped"


def test_someone_back_from_leave_sees_repeats_before_the_questions_they_missed() -> None:
    bank = make_bank([4] * 9)  # 36 questions, 4 a week: a 9-week cycle

    leaver = next(m for m in simulate(bank, 4) if m.person.name == "leaver")

    def ids(weeks: range) -> set[str]:
        return {q.id for w in weeks for q in rotating(round_questions(bank, w, 4, False))}

    base = week_index(FIRST_MONDAY)
    asked = [q.id for w in sorted(leaver.asked) for q in rotating(leaver.asked[w])]
    repeated = {q for q, n in Counter(asked).items() if n > 1}
    never_asked = {q.id for q in bank.rotating()} - set(asked)
    # Weeks 9-11 bring back weeks 0-2; what weeks 3-5 asked returns only in weeks 12-14.
    assert repeated == ids(range(base, base + 3))
    assert never_asked == ids(range(base + 3, base + 6))
    assert len(set(asked)) == 36 - 12


def test_everyone_in_tokyo_and_honolulu_shares_the_round_and_its_enps() -> None:
    bank = make_bank([4] * 9)

    members = simulate(bank, 4)

    steady = [m for m in members if m.person.name == "steady"]
    assert len({tuple(sorted(m.asked.items())) for m in steady}) == 1
    enps_days = [FIRST_MONDAY + timedelta(weeks=w, days=1) for w, qs in steady[0].asked.items()
                 if qs[-1].dimension.id == ENPS]
    assert enps_days == [date(2026, 3, 3), date(2026, 4, 7), date(2026, 5, 5)]


def test_the_shipped_bank_rotates_every_dimension_within_three_weeks() -> None:
    bank = load_bank()

    weeks = coverage_weeks(bank, 4)

    # Exhaustion every week; the other 8 dimensions in the 3 remaining slots.
    assert weeks == math.ceil((len(bank.dimensions()) - 2) / 3) == 3
    assert max(len(round_questions(bank, w, 4, with_enps=True)) for w in range(11)) == 5


@pytest.mark.parametrize("per_round", [3, 4])
def test_a_weekly_dimension_is_asked_first_every_week_its_questions_taking_turns(
    per_round: int
) -> None:
    bank = make_bank([4, 3, 4, 4, 4, 4], weekly=1)

    firsts = [round_questions(bank, w, per_round, with_enps=False)[0] for w in range(-6, 30)]

    assert [q.id for q in firsts] == [f"d1q{w % 3}" for w in range(-6, 30)]
    for w in range(-6, 30):
        later = round_questions(bank, w, per_round, with_enps=False)[1:]
        assert all(q.dimension.id != "d1" for q in later)


@pytest.mark.parametrize("per_round", [3, 4])
@pytest.mark.parametrize("count", range(4, 40))
def test_the_weekly_question_takes_a_slot_and_the_others_rotate_once_a_cycle(
    count: int, per_round: int
) -> None:
    bank = make_bank([count, 2], weekly=1)
    cycle = rounds_per_cycle(count, per_round, weekly=1)

    rounds = [round_questions(bank, w, per_round, with_enps=False) for w in range(cycle)]

    assert all(3 <= len(r) <= 4 for r in rounds)
    if count % (per_round - 1) == 0:
        assert {len(r) for r in rounds} == {per_round}
    rotated = Counter(q.id for r in rounds for q in r[1:])
    assert rotated == Counter(q.id for q in bank.rotating())


def test_the_shipped_bank_asks_exhaustion_every_week_and_keeps_the_pulse_at_four() -> None:
    bank = load_bank()
    cycle = rounds_per_cycle(len(bank.rotating()), 4, weekly=1)

    rounds = [round_questions(bank, w, 4, with_enps=False) for w in range(cycle)]

    assert cycle == 11
    assert all(r[0].dimension.id == "energy" for r in rounds)
    assert sorted(len(r) for r in rounds) == [3] + [4] * 10
    burning_out = [w for w in range(12) if any(q.id == "energy-burning-out"
                                               for q in round_questions(bank, w, 4, False))]
    assert burning_out == [3, 7, 11]  # each exhaustion question every 4 weeks
