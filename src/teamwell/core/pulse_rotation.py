"""Which pulse questions a week's round asks: one global rotation, the same set for everyone.

Anonymity comes first: everyone asked in a given week gets the same questions, because a
person-specific set would make their answers recognisable by which questions they answered.
So the rotation depends on the week alone, never on the person.

A round holds `per_round` questions (3 or 4; one fewer in some weeks, see below):

* the bank's weekly dimension (the shipped bank: energy, measured as exhaustion), if it has one,
  takes one slot every week: week w asks its question w mod Q (Q questions, bank order), so
  each of them comes back every Q weeks. The burnout signal needs a reading every week
  (docs/burnout.md); the respondent still answers per_round questions;
* the other questions rotate in the remaining slots. They form one cycle, interleaved by
  dimension (first question of every dimension, then the second of every dimension, ...; bank
  order throughout). A cycle is cut into `rounds_per_cycle` rounds; when the number of
  rotating questions is not a multiple of the slots, some rounds take one question fewer (or,
  when that would leave fewer than 3 in all, one more) so that a cycle always ends on a round
  boundary. Week w asks round w mod R, so:

  * a rotating question comes back exactly every R weeks (R = rounds per cycle), for everyone;
  * someone asked every week sees every rotating question before any repeats, wherever they
    join: they read the cycle from their first round to its end, then from its start up to
    where they joined, and only then does a round repeat;
  * with the same number of questions in every dimension, position i of the cycle belongs to
    dimension i mod D, so any D consecutive positions hold every dimension and ceil(D/k)
    consecutive rounds of k rotating questions cover them all; `coverage_weeks` computes the
    exact figure for any bank.

The eNPS question is not part of the rotation: it is a monthly tracker, added on top in the
round whose local date falls in the first seven days of a month, and left out of the no-repeat
rule. Rounds hold 3 or 4 questions, so 3 to 5 with eNPS.

Known limitation (it follows from the anonymity rule): someone who misses weeks, on leave for
instance, gets the current week's set on their return like everyone else. The questions asked
while they were away come back only when the cycle does, so they may see a question for the
second time before seeing those. What still holds for them is that no rotating question is
asked twice within R weeks.
"""

from __future__ import annotations

from datetime import date, timedelta

from teamwell.surveys.pulse_bank import ENPS, Question, QuestionBank

# Week 0 of the rotation: a Monday, so weeks line up with ISO weeks.
EPOCH = date(2024, 1, 1)
MIN_PER_ROUND = 3
MAX_PER_ROUND = 4
MAX_QUESTIONS = MAX_PER_ROUND + 1  # the week's questions plus the monthly eNPS
ENPS_DAYS = 7


def week_monday(day: date) -> date:
    """The Monday of day's ISO week."""
    return day - timedelta(days=day.weekday())


def week_index(day: date) -> int:
    """Whole weeks from the rotation's first Monday (2024-01-01) to the Monday of day's week."""
    return (week_monday(day) - EPOCH).days // 7


def enps_due(round_day: date) -> bool:
    """True when a round on this local date carries the monthly eNPS question."""
    # A weekly round on a fixed weekday falls exactly once in the first seven days of a month.
    return round_day.day <= ENPS_DAYS


def cycle_order(bank: QuestionBank) -> tuple[Question, ...]:
    """The rotating questions interleaved by dimension, in bank order."""
    by_dimension: dict[str, list[Question]] = {}
    for question in bank.rotating():
        by_dimension.setdefault(question.dimension.id, []).append(question)
    deepest = max((len(qs) for qs in by_dimension.values()), default=0)
    return tuple(
        qs[depth] for depth in range(deepest) for qs in by_dimension.values() if depth < len(qs)
    )


def rounds_per_cycle(count: int, per_round: int, weekly: int = 0) -> int:
    """How many weekly rounds one pass through count rotating questions takes, when weekly
    slots of every round (0 or 1) go to the weekly dimension."""
    check_per_round(per_round)
    slots, low, high = per_round - weekly, MIN_PER_ROUND - weekly, MAX_PER_ROUND - weekly
    fewest = -(-count // high)
    most = count // low
    if count <= 0 or fewest > most:
        besides = " besides the weekly question" if weekly else ""
        raise ValueError(
            f"{count} rotating questions cannot be split into rounds of {low} to {high}{besides}"
        )
    # As close to per_round as the bank allows while keeping every round within the limits.
    return min(max(-(-count // slots), fewest), most)


def round_questions(
    bank: QuestionBank, week: int, per_round: int, with_enps: bool
) -> tuple[Question, ...]:
    """The questions of week's round, the same for everyone: the weekly dimension's question of
    the week first (if the bank has one), the rotating ones, eNPS last when with_enps."""
    questions = _weekly(bank, week) + _rotating_round(cycle_order(bank), week, per_round,
                                                      _weekly_slots(bank))
    if with_enps:
        # A bank may hold several eNPS wordings; the first one keeps the monthly series comparable.
        questions += bank.in_dimension(ENPS)[:1]
    return questions


def coverage_weeks(bank: QuestionBank, per_round: int) -> int:
    """The fewest weeks such that any run of that many consecutive rounds asks every dimension."""
    order = cycle_order(bank)
    weekly = _weekly_slots(bank)
    rounds = rounds_per_cycle(len(order), per_round, weekly)
    asked = [
        frozenset(q.dimension.id for q in _weekly(bank, week)
                  + _rotating_round(order, week, per_round, weekly))
        for week in range(rounds)
    ]
    every = frozenset(q.dimension.id for q in order + bank.weekly())
    worst = 0
    # Rounds repeat every cycle, so checking the runs that start in one cycle covers them all.
    for start in range(rounds):
        seen: set[str] = set()
        span = 0
        while seen != every:
            seen |= asked[(start + span) % rounds]
            span += 1
        worst = max(worst, span)
    return worst


def check_per_round(per_round: int) -> None:
    """Refuse a number of questions per round (eNPS aside) outside 3 to 4 (ValueError)."""
    if not MIN_PER_ROUND <= per_round <= MAX_PER_ROUND:
        raise ValueError(
            f"questions per round must be {MIN_PER_ROUND} or {MAX_PER_ROUND} "
            f"(the monthly eNPS question makes {MAX_QUESTIONS}), not {per_round}"
        )


def _weekly_slots(bank: QuestionBank) -> int:
    return 1 if bank.weekly() else 0


def _weekly(bank: QuestionBank, week: int) -> tuple[Question, ...]:
    """The weekly dimension's question for week (its questions take turns), or nothing."""
    weekly = bank.weekly()
    return (weekly[week % len(weekly)],) if weekly else ()


def _rotating_round(order: tuple[Question, ...], week: int, per_round: int, weekly: int,
                    ) -> tuple[Question, ...]:
    rounds = rounds_per_cycle(len(order), per_round, weekly)
    position = week % rounds
    # Integer cut points spread the remainder so sizes differ by at most one.
    first = position * len(order) // rounds
    last = (position + 1) * len(order) // rounds
    return order[first:last]
