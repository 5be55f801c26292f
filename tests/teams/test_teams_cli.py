"""Command-line work for a Teams-only deployment: the tenant is the workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory

TENANT = "8c1f2e3d-0a4b-4c5d-9e6f-7a8b9c0d1e2f"
CSV = """email,name,manager_email,team,start_date,timezone
maya@acme.test,Maya,,Platform,2024-01-08,Europe/London
ben@acme.test,Ben,maya@acme.test,Platform,2024-01-08,Europe/London
"""


def test_a_people_import_without_slack_goes_to_the_teams_tenant(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'tw.db'}"
    for name in ("SLACK_BOT_TOKEN", "TEAMS_APP_ID", "TEAMS_APP_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", url)
    monkeypatch.setenv("TEAMS_TENANT_ID", TENANT)
    monkeypatch.setenv("TEAMWELL_TEAMS_ANONYMOUS", "true")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text(CSV, encoding="utf-8")

    status = main(["people", "import", "people.csv"])

    engine = make_engine(url)
    with SqlUnitOfWorkFactory(engine)() as uow:
        ws = uow.workspaces.ensure("teams", TENANT, "x")
        names = sorted(p.name for p in uow.people.list(ws))
    engine.dispose()
    assert status == 0 and names == ["Ben", "Maya"]


def test_serving_with_neither_slack_nor_teams_configured_names_both_settings(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("SLACK_BOT_TOKEN", "TEAMS_APP_ID", "TEAMS_APP_PASSWORD",
                 "TEAMWELL_TEAMS_ANONYMOUS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.chdir(tmp_path)

    status = main(["worker"])

    err = capsys.readouterr().err
    assert status == 2 and "SLACK_BOT_TOKEN" in err and "TEAMS_APP_ID" in err
    assert len(err.strip().splitlines()) == 1
