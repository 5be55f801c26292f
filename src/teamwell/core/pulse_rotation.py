"""Which pulse questions a week's round asks: one global rotation, the same set for everyone.

Anonymity comes first: everyone asked in a given week gets the same questions, because a
person-specific set would make their answers recognisable by which questions they answered.
So the rotation depends on the week alone, never on the person.

The rotating questions form one cycle, interleaved by dimension (first question of every
dimension, then the second of every dimension, ...; bank order throughout). A cycle is cut into
`rounds_per_cycle` rounds of `per_round` questions; when the bank's size is not a multiple of
`per_round`, some rounds take one question more or fewer (always 3 or 4) so that a cycle always
ends on a round boundary. Week w asks round w mod R, so:

* a question comes back exactly every R weeks (R = rounds per cycle), for everyone;
* someone asked every week sees every rotating question before any repeats, wherever they join:
  they read the cycle from their first round to its end, then from its start up to where they
  joined, and only then does a round repeat;
* with the same number of questions in every dimension, position i of the cycle belongs to
  dimension i mod D, so any D consecutive positions hold every dimension and ceil(D/k)
  consecutive rounds of k questions cover them all; `coverage_weeks` computes the exact figure
  for any bank.

The eNPS question is not part of the rotation: it is a monthly tracker, added on top of the
rotating questions in the round whose local date falls in the first seven days of a month, and
left out of the no-repeat rule. Rounds hold 3 or 4 rotating questions, so 3 to 5 with eNPS.

Known limitation (it follows from the anonymity rule): someone who misses weeks, on leave for
instance, gets the current week's set on their return like everyone else. The questions asked
while they were away come back only when the cycle does, so they may see a question for the
second time before seeing those. What still holds for them is that no question is asked twice
within R weeks.
"""

from __future__ import annotations

from datetime import date, timedelta

from teamwell.surveys.pulse_bank import ENPS, Question, QuestionBank

# Week 0 of the rotation: a Monday, so weeks line up with ISO weeks.
EPOCH = date(2024, 1, 1)
MIN_PER_ROUND = 3
MAX_PER_ROUND = 4
MAX_QUESTIONS = MAX_PER_ROUND + 1  # the rotating questions plus the monthly eNPS
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


def rounds_per_cycle(count: int, per_round: int) -> int:
    """How many weekly rounds one pass through count rotating questions takes."""
    check_per_round(per_round)
    fewest = -(-count // MAX_PER_ROUND)
    most = count // MIN_PER_ROUND
    if count <= 0 or fewest > most:
        raise ValueError(
            f"{count} rotating questions cannot be split into rounds of "
            f"{MIN_PER_ROUND} to {MAX_PER_ROUND}"
        )
    # As close to per_round as the bank allows while keeping every round within the limits.
    return min(max(-(-count // per_round), fewest), most)


def round_questions(
    bank: QuestionBank, week: int, per_round: int, with_enps: bool
) -> tuple[Question, ...]:
    """The questions of week's round, the same for everyone; eNPS last when with_enps."""
    questions = _rotating_round(cycle_order(bank), week, per_round)
    if with_enps:
        # A bank may hold several eNPS wordings; the first one keeps the monthly series comparable.
        questions += bank.in_dimension(ENPS)[:1]
    return questions


def coverage_weeks(bank: QuestionBank, per_round: int) -> int:
    """The fewest weeks such that any run of that many consecutive rounds asks every dimension."""
    order = cycle_order(bank)
    rounds = rounds_per_cycle(len(order), per_round)
    asked = [
        frozenset(q.dimension.id for q in _rotating_round(order, week, per_round))
        for week in range(rounds)
    ]
    every = frozenset(q.dimension.id for q in order)
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
    """Refuse a number of rotating questions per round outside 3 to 4 (ValueError)."""
    if not MIN_PER_ROUND <= per_round <= MAX_PER_ROUND:
        raise ValueError(
            f"questions per round must be {MIN_PER_ROUND} or {MAX_PER_ROUND} "
            f"(the monthly eNPS question makes {MAX_QUESTIONS}), not {per_round}"
        )


def _rotating_round(order: tuple[Question, ...], week: int, per_round: int) -> tuple[Question, ...]:
    rounds = rounds_per_cycle(len(order), per_round)
    position = week % rounds
    # Integer cut points spread the remainder so sizes differ by at most one.
    first = position * len(order) // rounds
    last = (position + 1) * len(order) // rounds
    return order[first:last]
