"""The burnout signal on simulated organisations with planted episodes (docs/burnout.md)."""

from __future__ import annotations

import re

import pytest

from teamwell.core.burnout import Level
from teamwell.core.burnout_eval import Evaluation, detect, evaluate, score_texts, team_weeks
from teamwell.core.burnout_sim import SimConfig, simulate
from teamwell.core.pulse_rotation import round_questions, week_index
from teamwell.surveys.pulse_bank import QuestionBank, load_bank
from tests.burnout.helpers import FakeModel

# The targets (docs/burnout.md, "Results": met pooled on held-out seeds 101-120 since
# exhaustion is asked every week). Recall is a share of 30-55 episodes per seed, so one seed's
# figure spreads widely (0.84 to 1.00 over the 20 held-out seeds, 0.77 to 0.98 over seeds
# 11-30): seed 11 is held to the target, another seed to the lowest per-seed figure seen.
MAX_FALSE_ALARMS = 2.0
MAX_MEDIAN_WEEKS = 2.0
RECALL_TARGET = 0.9
RECALL_FLOOR_ONE_SEED = 0.75


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture(scope="module")
def seed_11(bank: QuestionBank) -> Evaluation:
    return evaluate(simulate(SimConfig(teams=200, weeks=26, seed=11), bank), FakeModel())


def test_false_alarms_and_delay_meet_the_targets_on_a_fixed_seed(seed_11: Evaluation) -> None:
    assert seed_11.big_episodes >= 25
    assert seed_11.false_alarms_per_100_team_weeks <= MAX_FALSE_ALARMS
    assert seed_11.median_weeks_to_detect is not None
    assert seed_11.median_weeks_to_detect <= MAX_MEDIAN_WEEKS


def test_recall_meets_the_target_on_a_fixed_seed(seed_11: Evaluation) -> None:
    assert seed_11.recall is not None and seed_11.recall >= RECALL_TARGET
    # Smaller episodes are reported, not targeted: they are caught less often.
    assert seed_11.small_detected / seed_11.small_episodes < seed_11.recall


def test_the_results_hold_on_another_seed(bank: QuestionBank) -> None:
    result = evaluate(simulate(SimConfig(teams=200, weeks=26, seed=12), bank), FakeModel())
    assert result.false_alarms_per_100_team_weeks <= MAX_FALSE_ALARMS
    assert result.median_weeks_to_detect is not None
    assert result.median_weeks_to_detect <= MAX_MEDIAN_WEEKS
    assert result.recall is not None and result.recall >= RECALL_FLOOR_ONE_SEED


def test_the_simulator_is_deterministic_for_a_seed(bank: QuestionBank) -> None:
    one = simulate(SimConfig(teams=30, weeks=12, seed=5), bank)
    two = simulate(SimConfig(teams=30, weeks=12, seed=5), bank)
    other = simulate(SimConfig(teams=30, weeks=12, seed=6), bank)
    assert (one.answers, one.comments, one.episodes) == (two.answers, two.comments, two.episodes)
    assert one.answers != other.answers


@pytest.mark.parametrize("per_round", [3, 4])
def test_everyone_gets_the_weeks_questions_from_the_real_rotation(
        bank: QuestionBank, per_round: int) -> None:
    sim = simulate(SimConfig(teams=20, weeks=12, seed=3, per_round=per_round), bank)
    by_week: dict[int, set[str]] = {}
    for _, _, week, question, _, _ in sim.answers:
        by_week.setdefault(week, set()).add(question)
    assert by_week == {k: {q.id for q in round_questions(bank, week_index(day), per_round, False)}
                       for k, day in enumerate(sim.weeks)}
    assert all(3 <= len(qs) <= 4 for qs in by_week.values())
    # Exhaustion every week, one question at a time; workload every 2-3 weeks with 4 questions
    # a round, every 4 weeks with 3.
    assert all(sum(q.startswith("energy") for q in qs) == 1 for qs in by_week.values())
    workload = [w for w, qs in by_week.items() if any(q.startswith("workload") for q in qs)]
    assert 3 <= len(workload) <= 5 if per_round == 4 else 2 <= len(workload) <= 3


def test_drivers_never_name_a_person(bank: QuestionBank) -> None:
    sim = simulate(SimConfig(teams=40, weeks=26, seed=8), bank)
    model = FakeModel()
    by_team, org = team_weeks(sim, score_texts((c[4] for c in sim.comments), model), 5)
    signals = detect(by_team, org, 5)
    people = {p for t in sim.teams for p in t.people}
    drivers = {d for series in signals.values() for s in series if s is not None
               for d in s.drivers}
    assert any(s is not None and s.level is not Level.OK
               for series in signals.values() for s in series)
    assert drivers
    for driver in drivers:
        assert not any(p in driver for p in people)
        assert not re.search(r"team-\d", driver)
