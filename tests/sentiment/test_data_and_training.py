"""Readers of the labelled data, the fixed splits, evaluation and training (small files here;
the real ../shared/data only in the tests that skip without it)."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from teamwell.bot.sentiment.data import (
    HELD_OUT_EMPLOYERS,
    DataMissing,
    LabelledSet,
    evaluation_sets,
    held_out,
    read_opinion_ext,
    read_sst2,
    training_sets,
)
from teamwell.bot.sentiment.evaluate import evaluate_set
from teamwell.bot.sentiment.head import Head
from teamwell.bot.sentiment.train import VALIDATION_SALT, own_sentences, train
from teamwell.core.sentiment import SentimentScore, label_for

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
needs_shared = pytest.mark.skipif(not SHARED_DATA.is_dir(),
                                  reason=f"the labelled data is not at {SHARED_DATA}")


def _write_small_data(root: Path) -> Path:
    """Tiny files in the formats of ../shared/data, enough to train on."""
    (root / "general").mkdir(parents=True)
    (root / "workplace").mkdir()
    (root / "stress").mkdir()
    sst = [f'a "quoted" fine film number {i}\t1' if i % 2 else f"a dull film number {i}\t0"
           for i in range(40)]
    (root / "general" / "sst2_train.tsv").write_text("\n".join(sst) + "\n", encoding="utf-8")
    dev = [f"an unseen film {i}\t{i % 2}" for i in range(6)]
    (root / "general" / "sst2_dev.tsv").write_text("\n".join(dev) + "\n", encoding="utf-8")
    tweets = [f"tweet {i} about the weather" for i in range(30)]
    (root / "general" / "tweeteval_val_text.txt").write_text("\n".join(tweets) + "\n")
    (root / "general" / "tweeteval_val_labels.txt").write_text(
        "\n".join(str(i % 3) for i in range(30)) + "\n")
    rows = ["employeeID;industry;company;score;like;dislike"]
    for i in range(60):
        company = HELD_OUT_EMPLOYERS[0] if i % 4 == 0 else "Acme"
        rows.append(f"{i};Tech;{company};4.0;great people and fair pay {i};long hours and weekend "
                    f"calls {i}")
    rows += ["60;Tech;Acme;3.0;Nothing;none", "61;Tech;Acme;3.0;salary;salary"]
    (root / "workplace" / "employees_opinion_ext.csv").write_text("\n".join(rows) + "\n",
                                                                  encoding="utf-8-sig")
    (root / "workplace" / "employees_opinion.csv").write_text(
        "commentID;comment;assessment\n1;I love it here;positive\n2;Awful place;negative\n",
        encoding="utf-8-sig")
    sad = ["sID,sentence,is_stressor,top_label"]
    sad += [f"{i},my boss piles on work {i},1,Work" if i % 2 else f"{i},my cat is ill {i},1,Health"
            for i in range(40)]
    (root / "stress" / "SAD_v1.csv").write_text("\n".join(sad) + "\n", encoding="utf-8")
    return root


def _fake_embed(texts: Sequence[str]) -> np.ndarray:
    """Deterministic unit vectors from a hash of each text (no encoder needed)."""
    rows = [np.random.default_rng(zlib.crc32(t.encode())).normal(size=384) for t in texts]
    out = np.array(rows).reshape(len(texts), 384)
    unit: np.ndarray = out / np.linalg.norm(out, axis=1, keepdims=True)
    return unit


def test_sst2_is_read_with_quoting_off_and_labels_become_negative_or_positive(
        tmp_path: Path) -> None:
    data = read_sst2(_write_small_data(tmp_path), "train")
    assert data.texts[1] == 'a "quoted" fine film number 1'
    assert data.labels[:2].tolist() == [0, 2]


def test_workplace_reviews_drop_empty_answers_and_texts_given_as_both_pros_and_cons(
        tmp_path: Path) -> None:
    data, employers = read_opinion_ext(_write_small_data(tmp_path))
    assert "Nothing" not in data.texts and "none" not in data.texts and "salary" not in data.texts
    assert len(data.texts) == len(employers) == 120
    assert set(data.labels.tolist()) == {0, 2}


def test_a_missing_file_is_a_clear_error_naming_it(tmp_path: Path) -> None:
    with pytest.raises(DataMissing, match="sst2_dev.tsv"):
        read_sst2(tmp_path, "dev")


def test_the_salted_validation_tenth_is_not_nested_inside_the_held_out_fifth() -> None:
    texts = [f"comment number {i}" for i in range(2000)]
    fifth, tenth = held_out(texts, 5), held_out(texts, 10, VALIDATION_SALT)
    assert 0 < int((tenth & ~fifth).sum()) < int(tenth.sum())


def test_training_never_sees_a_text_of_the_evaluation_sets(tmp_path: Path) -> None:
    root = _write_small_data(tmp_path)
    trained = {t for s in training_sets(root) for t in s.texts}
    held = {t for s in evaluation_sets(root) for t in s.texts}
    assert trained and held
    assert not trained & held


def test_training_with_the_same_seed_gives_the_same_head(tmp_path: Path) -> None:
    root = _write_small_data(tmp_path)
    first, second = train(root, seed=3, embed=_fake_embed), train(root, seed=3, embed=_fake_embed)
    assert first.sentiment_weights.shape == (3, 384) and first.stress_weights.shape == (384,)
    assert np.array_equal(first.sentiment_weights, second.sentiment_weights)
    assert np.array_equal(first.stress_weights, second.stress_weights)


def test_a_saved_head_loads_back_to_the_same_predictions(tmp_path: Path) -> None:
    head = train(_write_small_data(tmp_path / "data"), seed=0, embed=_fake_embed)
    head.save(tmp_path / "head.json")
    loaded = Head.load(tmp_path / "head.json")
    x = _fake_embed(["a new comment", "another one"])
    assert np.allclose(loaded.sentiment_proba(x), head.sentiment_proba(x), atol=1e-3)
    assert loaded.stress_threshold == head.stress_threshold


def test_our_own_sentences_carry_all_three_labels_and_both_stress_values() -> None:
    texts, labels, stress = own_sentences()
    assert len(texts) == len(labels) == len(stress) > 100
    assert set(labels.tolist()) == {0, 1, 2} and set(stress.tolist()) == {0, 1}


class _Fixed:
    """Returns the scores it was built with."""

    name = "fixed"

    def __init__(self, scores: list[float], stress: list[bool]) -> None:
        self._scores = [SentimentScore(s, label_for(s), t) for s, t in zip(scores, stress,
                                                                           strict=True)]

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        return self._scores[:len(texts)]


def test_a_positive_negative_set_is_judged_by_the_sign_of_the_score() -> None:
    data = LabelledSet("toy", "sentiment", ["a", "b", "c", "d"], np.array([2, 2, 0, 0]))
    # predictions by sign: 2, neither (0.0 counts wrong), 0, 2 -> accuracy 2/4
    row = evaluate_set(_Fixed([0.9, 0.0, -0.5, 0.1], [False] * 4), data)
    assert row.accuracy == 0.5
    # positive: tp 1, predicted 2, actual 2 -> 0.5; negative: tp 1, predicted 1, actual 2 -> 2/3
    assert row.macro_f1 == pytest.approx((0.5 + 2 / 3) / 2)
    # positives 0.9, 0.0 against negatives -0.5, 0.1: 3 of 4 pairs ranked right
    assert row.roc_auc == 0.75
    assert row.neutral_share == 0.5  # 0.0 and 0.1 fall within the neutral band


def test_a_stress_set_is_judged_by_the_stress_flag() -> None:
    data = LabelledSet("toy", "stress", ["a", "b", "c"], np.array([1, 0, 0]))
    row = evaluate_set(_Fixed([0.0, 0.0, 0.0], [True, True, False]), data)
    assert row.accuracy == pytest.approx(2 / 3)
    assert row.roc_auc == 0.75  # the flag as the rank: one tie among the two pairs


@needs_shared
def test_the_real_data_reads_into_the_expected_held_out_sets() -> None:
    sets = {s.name: s for s in evaluation_sets(SHARED_DATA)}
    assert len(sets["sst2_dev"].texts) == 872
    assert len(sets["employees_opinion"].texts) == 149
    assert set(sets["tweeteval_heldout"].labels.tolist()) == {0, 1, 2}
    assert 1000 < len(sets["sad_heldout"].texts) < 1700
    assert len(sets["workplace_heldout"].texts) > 4000


@needs_shared
def test_the_real_training_data_shares_no_text_with_the_held_out_sets() -> None:
    trained = {t for s in training_sets(SHARED_DATA) for t in s.texts} | set(own_sentences()[0])
    held = {t for s in evaluation_sets(SHARED_DATA) for t in s.texts}
    assert len(trained) > 20_000
    assert not trained & held
