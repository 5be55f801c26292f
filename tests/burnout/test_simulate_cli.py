"""`teamwell simulate`, through its own parser (no settings, no database)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from teamwell.bot import simulate_cli


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="teamwell")
    simulate_cli.add_parser(parser.add_subparsers(dest="command"))
    return simulate_cli.simulate(parser.parse_args(["simulate", *argv]))


def test_evaluate_json_is_one_object_with_the_three_metrics(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--teams", "40", "--weeks", "16", "--seed", "3", "--evaluate", "--json") == 0
    result = json.loads(capsys.readouterr().out)
    assert {"recall", "false_alarms_per_100_team_weeks", "median_weeks_to_detect"} <= set(result)
    assert result["teams"] == 40 and result["seed"] == 3


def test_evaluate_pools_several_seeds_in_words(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--teams", "30", "--weeks", "12", "--evaluate", "--seeds", "2") == 0
    out = capsys.readouterr().out
    assert "seeds 1-2, pooled" in out and "false alarms per 100 team-weeks" in out


def test_a_summary_and_json_lines_without_evaluate(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "org.jsonl"
    assert _run("--teams", "10", "--weeks", "8", "--seed", "2", "--out", str(out)) == 0
    assert "Simulated 10 teams" in capsys.readouterr().out
    kinds = {json.loads(line)["kind"] for line in out.read_text().splitlines()}
    assert {"week", "answer"} <= kinds


def test_bad_arguments_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--weeks", "3") == 2
    assert _run("--json") == 2
    assert _run("--minimum", "2", "--evaluate") == 2
    assert "teamwell simulate:" in capsys.readouterr().err


def test_the_keyword_fallback_scores_stress() -> None:
    scores = simulate_cli.KeywordModel().score(["I'm exhausted by the deadlines", "Great week"])
    assert scores[0].stress and scores[0].label.value == "negative"
    assert not scores[1].stress and scores[1].label.value == "positive"
