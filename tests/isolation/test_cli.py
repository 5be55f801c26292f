"""`teamwell ...` for one workspace shows and changes only that workspace's data.

The command line runs in-process (`teamwell.bot.cli.main`) on a copy of the two-workspace
world, with no Slack token: `--slack-team` picks Alpha (a Slack team), TEAMS_TENANT_ID picks
Bravo (a Teams tenant). The clock is the world's, a week on.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.core.clock import FakeClock
from tests.isolation.conftest import Guard
from tests.isolation.scan import Finder, identifiers, snapshot
from tests.isolation.world import SLACK_TEAM, TENANT, Twin, email, people_csv

ALPHA = ["--slack-team", SLACK_TEAM]


@pytest.fixture
def cli(twin: Twin, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Twin:
    """The environment of an admin's shell, pointed at the world's database."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TEAMS_", "TEAMWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", str(twin.engine.url))
    later = twin.clock.now() + timedelta(days=7)
    monkeypatch.setattr("teamwell.bot.wiring.SystemClock", lambda: FakeClock(later))
    return twin


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    status = main(list(argv))
    out = capsys.readouterr()
    assert status == 0, out.err
    return out.out


def _alpha_finder(twin: Twin) -> Finder:
    ws = twin.ws["alpha"]
    return Finder(identifiers(snapshot(twin.engine, ws), ws, "alpha"))


def test_pulse_results_for_one_slack_team_show_its_own_comments_and_nothing_of_the_other(
        cli: Twin, guard: Guard, capsys: pytest.CaptureFixture[str]) -> None:
    out = _run(capsys, "pulse", "results", "--week", "2026-03-02", *ALPHA)

    assert "kestrel" in out
    assert guard.finder.in_text(out) == []
    assert guard.bravo_untouched() == []


@pytest.mark.parametrize("manager", ["hana", "maud", "dag"])
def test_a_digest_preview_shows_nothing_of_the_other_workspace(
        cli: Twin, guard: Guard, capsys: pytest.CaptureFixture[str], manager: str) -> None:
    out = _run(capsys, "digest", "preview", "--manager", email(manager), *ALPHA)

    assert "answered" in out
    assert guard.finder.in_text(out) == []
    assert guard.bravo_untouched() == []


def test_the_audit_log_of_one_workspace_lists_only_its_own_entries(
        cli: Twin, guard: Guard, capsys: pytest.CaptureFixture[str]) -> None:
    with cli.factory() as uow:
        expected = len(uow.audit.list(cli.ws["alpha"]))

    entries = json.loads(_run(capsys, "audit", "--json", *ALPHA))

    assert len(entries) == expected > 10
    assert guard.finder.in_text(json.dumps(entries)) == []
    assert guard.bravo_untouched() == []


def test_the_audit_log_of_the_teams_tenant_lists_nothing_of_the_slack_team(
        cli: Twin, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAMS_TENANT_ID", TENANT)
    monkeypatch.setenv("TEAMWELL_TEAMS_ANONYMOUS", "true")
    with cli.factory() as uow:
        expected = len(uow.audit.list(cli.ws["bravo"]))

    entries = json.loads(_run(capsys, "audit", "--json"))

    assert len(entries) == expected > 10
    assert _alpha_finder(cli).in_text(json.dumps(entries)) == []


def test_a_people_export_gives_the_person_of_that_workspace_only(
        cli: Twin, guard: Guard, capsys: pytest.CaptureFixture[str]) -> None:
    export = json.loads(_run(capsys, "people", "export", email("zed"), *ALPHA))

    assert export["profile"]["id"] == cli.pid("alpha", "zed")
    assert "kestrel" in json.dumps(export)
    assert guard.finder.in_text(json.dumps(export)) == []
    assert guard.bravo_untouched() == []


@pytest.mark.parametrize("argv", [
    ["digest", "send"], ["digest", "stats"], ["pulse", "close"], ["pulse", "send"],
    ["pulse", "leave", email("kofi"), "--until", "2026-04-01"],
    ["pulse", "schedule", "--team", "Platform", "--day", "wed", "--time", "09:30"],
    ["people", "forget", email("zed"), "--yes"], ["people", "role", email("ivo"), "--grant",
                                                  "admin"],
    ["onboarding", "stop", email("zed")], ["onboarding", "start", email("lena")],
    ["kudos", "fairness"], ["people", "import", "people.csv"],
], ids=lambda argv: " ".join(argv[:2]))
def test_a_command_for_one_workspace_leaves_the_other_untouched(
        cli: Twin, guard: Guard, capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    Path("people.csv").write_text(people_csv("alpha").replace(",Platform,", ",Design,", 1))

    out = _run(capsys, *argv, *ALPHA)

    assert guard.bravo_untouched() == []
    assert guard.bravo_in_alpha() == []
    assert guard.finder.in_text(out) == []
