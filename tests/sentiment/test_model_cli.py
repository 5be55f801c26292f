"""`teamwell sentiment score` and `teamwell model ...`, through their argument parser."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from io import StringIO
from pathlib import Path
from types import SimpleNamespace

import pytest

from teamwell.bot.model_cli import add_parsers, model, score_lines, sentiment
from teamwell.core.sentiment import Label, SentimentScore


def _args(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="teamwell")
    add_parsers(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


class _Recorder:
    """A model that scores everything 0.5 and remembers the batches it was given."""

    name = "recorder"

    def __init__(self) -> None:
        self.batches: list[list[str]] = []

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        self.batches.append(list(texts))
        return [SentimentScore(0.5, Label.POSITIVE, False) for _ in texts]


def test_sentiment_score_writes_one_json_object_per_input_line() -> None:
    stdin = StringIO("I love this team\n\nWe are understaffed and exhausted\n   \nMeh\n")
    stdout = StringIO()
    status = sentiment(_args("sentiment", "score", "--model", "lexicon"), stdin, stdout)
    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    assert status == 0
    assert len(lines) == 5
    assert all(set(line) == {"score", "label", "stress"} for line in lines)
    assert lines[1] == {"score": 0.0, "label": "neutral", "stress": False}
    assert lines[0]["label"] == "positive" and lines[2]["stress"] is True


def test_without_model_the_loaded_settings_choose_the_model(
        monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[dict[str, str]] = []

    def fake_load(env: dict[str, str]) -> _Recorder:
        asked.append(dict(env))
        return _Recorder()

    monkeypatch.setattr("teamwell.bot.model_cli.load_sentiment_model", fake_load)
    args = _args("sentiment", "score")
    args.settings = SimpleNamespace(sentiment_model="lexicon")
    status = sentiment(args, StringIO("hello\n"), StringIO())
    assert status == 0
    assert asked == [{"TEAMWELL_SENTIMENT_MODEL": "lexicon"}]


def test_lines_are_scored_in_batches_and_blank_lines_never_reach_the_model() -> None:
    recorder, out = _Recorder(), StringIO()
    written = score_lines(recorder, ["a\n", "\n", "b\n", "c\n", "d"], out, batch_size=2)
    assert written == 5
    assert recorder.batches == [["a"], ["b", "c"], ["d"]]
    assert len(out.getvalue().splitlines()) == 5


def test_sentiment_score_runs_as_a_process_reading_stdin(tmp_path: Path) -> None:
    code = ("import sys, argparse; from teamwell.bot.model_cli import add_parsers, sentiment; "
            "p = argparse.ArgumentParser(); add_parsers(p.add_subparsers(dest='c')); "
            "sys.exit(sentiment(p.parse_args(sys.argv[1:])))")
    done = subprocess.run([sys.executable, "-c", code, "sentiment", "score", "--model", "lexicon",
                           "--batch-size", "1"], input="Thanks, great week\n\nTerrible\n",
                          capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["label"] for line in done.stdout.splitlines()] == [
        "positive", "neutral", "negative"]


def test_an_unknown_model_is_one_line_on_stderr_and_status_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("teamwell.bot.sentiment.factory.ml_available", lambda: False)
    status = sentiment(_args("sentiment", "score", "--model", "some/hub-model"), StringIO(""),
                       StringIO())
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and "TEAMWELL_SENTIMENT_MODEL=some/hub-model" in err


def test_model_eval_without_the_data_directory_says_where_it_looked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = model(_args("model", "eval", "--data", str(tmp_path / "absent")))
    err = capsys.readouterr().err
    assert status == 2
    assert err.count("\n") == 1 and str(tmp_path / "absent") in err


def test_model_train_defaults_to_the_shared_data_next_to_the_project(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
        ) -> None:
    monkeypatch.chdir(tmp_path)
    status = model(_args("model", "train"))
    assert status == 2
    assert str(tmp_path.parent / "shared" / "data") in capsys.readouterr().err


def test_a_batch_size_below_one_is_refused_by_the_parser() -> None:
    with pytest.raises(SystemExit):
        _args("sentiment", "score", "--batch-size", "0")


def test_registering_the_commands_imports_no_model_library() -> None:
    code = ("import sys, teamwell.bot.model_cli, teamwell.bot.sentiment; "
            "print(sorted(m for m in ('numpy', 'torch', 'transformers', 'vaderSentiment') "
            "if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert done.stdout.strip() == "[]", done.stderr
