"""The lexicon model, and how TEAMWELL_SENTIMENT_MODEL picks a model (and falls back)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from teamwell.bot.sentiment import factory
from teamwell.bot.sentiment.factory import SETTING, SentimentModelError, load_sentiment_model
from teamwell.bot.sentiment.lexicon import LexiconModel
from teamwell.core.sentiment import Label


@pytest.fixture(scope="module")
def lexicon() -> LexiconModel:
    return LexiconModel()


def test_the_lexicon_scores_clear_praise_positive_and_clear_complaints_negative(
        lexicon: LexiconModel) -> None:
    praise, complaint = lexicon.score(["I love my team, they are wonderful and supportive",
                                       "This is awful, I hate the new process"])
    assert praise.score > 0.3 and praise.label is Label.POSITIVE
    assert complaint.score < -0.3 and complaint.label is Label.NEGATIVE


def test_the_lexicon_flags_work_stress_by_the_keyword_rule(lexicon: LexiconModel) -> None:
    drowning, lunch = lexicon.score(["I am drowning in deadlines and working every weekend",
                                     "The team lunch was lovely"])
    assert drowning.stress is True
    assert lunch.stress is False


def test_the_lexicon_calls_a_plain_statement_neutral(lexicon: LexiconModel) -> None:
    [result] = lexicon.score(["The meeting moved to Tuesday"])
    assert result.label is Label.NEUTRAL


def test_lexicon_in_the_setting_gives_the_lexicon_model() -> None:
    model = load_sentiment_model({SETTING: "lexicon"})
    assert model.name == "lexicon"


def test_without_the_ml_extra_the_default_falls_back_to_the_lexicon_and_warns_once(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(factory, "ml_available", lambda: False)
    monkeypatch.setattr(factory, "_warned_no_ml", False)
    caplog.set_level(logging.WARNING, logger="teamwell.sentiment")
    first = load_sentiment_model({})
    second = load_sentiment_model({SETTING: "default"})
    warnings = [r for r in caplog.records if r.name == "teamwell.sentiment"]
    assert (first.name, second.name) == ("lexicon", "lexicon")
    assert len(warnings) == 1
    assert "ml extra" in warnings[0].getMessage() and "\n" not in warnings[0].getMessage()


def test_without_the_ml_extra_a_named_hugging_face_model_is_an_error_naming_the_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(factory, "ml_available", lambda: False)
    with pytest.raises(SentimentModelError, match=SETTING):
        load_sentiment_model({SETTING: "distilbert-base-uncased-finetuned-sst-2-english"})


def test_a_directory_that_holds_no_model_is_an_error_naming_the_setting(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="needs the ml extra")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # never wait on the network in a test
    with pytest.raises(SentimentModelError, match=f"{SETTING}=.*could not be loaded"):
        load_sentiment_model({SETTING: str(tmp_path)})


def test_a_path_that_does_not_exist_is_an_error_saying_so(tmp_path: Path) -> None:
    with pytest.raises(SentimentModelError, match=f"{SETTING}=.*no such directory"):
        load_sentiment_model({SETTING: str(tmp_path / "no-such-model")})
