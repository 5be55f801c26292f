"""`teamwell people export|forget EMAIL`, run in-process on SQLite, as HR would."""

from __future__ import annotations

import io
import json
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.core.audit import Action
from teamwell.handlers.audit import read_log
from tests.rights.rights_world import YARROW, ZED, RightsWorld


@pytest.fixture
def cli(world: RightsWorld, sqlite_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> Iterator[RightsWorld]:
    """The rights world, and `teamwell` pointed at its database."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "TEAMS_TENANT_ID", "TEAMWELL_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", sqlite_url)
    yield world


def _exists(world: RightsWorld, person_id: str) -> bool:
    with world.factory() as uow:
        return uow.people.get(world.ws, person_id) is not None


def _actions(world: RightsWorld) -> list[tuple[str, str, str]]:
    return [(e.entry.action.value, e.actor, e.subject) for e in read_log(world.deps, world.ws)
            if e.entry.action in (Action.EXPORT, Action.DELETION)]


def test_people_export_writes_the_persons_file_readable_by_its_owner_only(
        cli: RightsWorld, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "zed.json"

    code = main(["people", "export", ZED.email, "--out", str(out)])

    assert code == 0, capsys.readouterr().err
    export = json.loads(out.read_text(encoding="utf-8"))
    assert export["profile"]["email"] == ZED.email
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _actions(cli) == [("export", "cli", ZED.name)]


def test_people_export_prints_the_file_without_out(
        cli: RightsWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["people", "export", YARROW.email.upper()])

    assert code == 0
    assert json.loads(capsys.readouterr().out)["profile"]["name"] == YARROW.name


def test_people_forget_with_yes_erases_and_reports_what_remains(
        cli: RightsWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["people", "forget", ZED.email, "--yes"])

    out = capsys.readouterr().out
    assert code == 0
    assert "is forgotten" in out and "What remains, in aggregate form only" in out
    assert not _exists(cli, ZED.id) and _exists(cli, YARROW.id)
    assert _actions(cli) == [("deletion", "cli", "a forgotten person")]


def test_people_forget_off_a_terminal_without_yes_is_refused(
        cli: RightsWorld, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    code = main(["people", "forget", ZED.email])

    assert code == 2 and "--yes" in capsys.readouterr().err
    assert _exists(cli, ZED.id)


@pytest.mark.parametrize(("typed", "code", "erased"), [
    (ZED.email, 0, True), ("no", 1, False)])
def test_people_forget_on_a_terminal_asks_for_the_email_again(
        cli: RightsWorld, monkeypatch: pytest.MonkeyPatch, typed: str, code: int,
        erased: bool) -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr("sys.stdin", Terminal(typed + "\n"))

    assert main(["people", "forget", ZED.email]) == code
    assert _exists(cli, ZED.id) is not erased


def test_an_unknown_email_is_one_clear_line(
        cli: RightsWorld, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["people", "forget", "nobody@acme.test", "--yes"])

    assert code == 2 and "nobody with email" in capsys.readouterr().err
