"""`teamwell audit` and the command-line changes it records, run in-process on SQLite."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.handlers.commands import command_reply
from tests.privacy.privacy_world import build_privacy_world, close_a_round
from tests.pulse.pulse_world import PulseWorld


@pytest.fixture
def cli_world(sqlite_url: str, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[PulseWorld]:
    """The privacy world after a closed round, and `teamwell` pointed at its database."""
    engine = make_engine(sqlite_url)
    world = build_privacy_world(SqlUnitOfWorkFactory(engine))
    close_a_round(world)
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "TEAMWELL_ADMINS", "TEAMWELL_MIN_GROUP_SIZE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", sqlite_url)
    yield world
    engine.dispose()


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    code = main(list(args))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_teamwell_audit_prints_entries_oldest_first_with_people_by_name(
        cli_world: PulseWorld, capsys: pytest.CaptureFixture[str]) -> None:
    command_reply(cli_world.deps, cli_world.ws, "ada", "results", private=True)
    command_reply(cli_world.deps, cli_world.ws, "maya", "results", private=True)
    _run(capsys, "pulse", "results", "--team", "Platform")

    lines = _run(capsys, "audit").splitlines()

    assert len(lines) == 5
    assert "refused" in lines[0] and " Ada -> results " in lines[0]
    assert "kind=not_a_viewer" in lines[0]
    assert "view_results" in lines[1] and " Maya -> team Platform " in lines[1]
    assert "view_comments" in lines[2] and "comments=7" in lines[2]
    assert "view_results" in lines[3] and " cli -> team Platform " in lines[3]
    assert "view_comments" in lines[4] and " cli -> " in lines[4]


def test_reading_the_audit_log_is_itself_recorded(
        cli_world: PulseWorld, capsys: pytest.CaptureFixture[str]) -> None:
    first = _run(capsys, "audit")
    second = _run(capsys, "audit")

    assert first.strip() == "No audit entries yet."
    assert "view_audit" in second and "cli -> audit_log" in second and "entries=0" in second


def test_teamwell_audit_filters_by_action_and_date_and_prints_json(
        cli_world: PulseWorld, capsys: pytest.CaptureFixture[str]) -> None:
    _run(capsys, "people", "role", "ada@acme.test", "--grant", "admin")
    _run(capsys, "pulse", "schedule", "--team", "Design", "--day", "thu", "--time", "09:30")
    _run(capsys, "pulse", "leave", "bo@acme.test", "--until", "2026-04-01")

    changes = json.loads(_run(capsys, "audit", "--action", "config_change", "--json"))
    roles = _run(capsys, "audit", "--action", "role_change")
    future = _run(capsys, "audit", "--since", "2030-01-01")

    assert [(c["actor"], c["subject"], c["detail"]["setting"]) for c in changes] == [
        ("cli", "team Design", "pulse_schedule"), ("cli", "Bo", "pulse_leave")]
    assert changes[0]["detail"]["value"] == "Thursday 09:30"
    assert changes[1]["subject_ref"].startswith("person:")
    assert "Ada" in roles and "role=admin" in roles and "change=grant" in roles
    assert future.strip() == "No audit entries since then."


def test_a_bad_since_date_is_one_clear_line(
        cli_world: PulseWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", "--since", "last tuesday"])

    assert code == 2
    assert "--since 'last tuesday' is not a date (use YYYY-MM-DD)" in capsys.readouterr().err


def test_pulse_results_below_the_minimum_at_the_command_line_is_audited_as_refused(
        cli_world: PulseWorld, capsys: pytest.CaptureFixture[str]) -> None:
    printed = _run(capsys, "pulse", "results", "--team", "Design")

    log = _run(capsys, "audit")

    assert "Design: hidden (fewer than 5 responses)" in printed
    assert "refused" in log and "cli -> team Design" in log and "kind=below_minimum" in log
