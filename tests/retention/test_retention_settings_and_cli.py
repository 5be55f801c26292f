"""Retention settings are checked at start-up; `teamwell retention run` runs the job by hand."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from teamwell.bot import cli
from teamwell.bot.config import ConfigError, load_settings
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.retention import RetentionConfig
from tests.retention.retention_world import NOW, build_retention_world

NAMES = ("TEAMWELL_COMMENT_RETENTION_DAYS", "TEAMWELL_MESSAGE_LOG_RETENTION_DAYS",
         "TEAMWELL_DEPARTED_RETENTION_DAYS")


def test_without_settings_comments_keep_180_days_messages_30_and_people_who_left_90(
        tmp_path: Path) -> None:
    settings = load_settings({}, cwd=tmp_path)

    assert settings.retention == RetentionConfig(comment_days=180, message_days=30,
                                                 departed_days=90)


def test_each_setting_is_read_in_days(tmp_path: Path) -> None:
    env = dict(zip(NAMES, ("365", "7", "1"), strict=True))

    settings = load_settings(env, cwd=tmp_path)

    assert settings.retention == RetentionConfig(comment_days=365, message_days=7,
                                                 departed_days=1)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", ["0", "3651", "thirty", "-5", "1.5", "\u0663"])
def test_a_bad_retention_setting_is_refused_with_one_line_naming_it(
        tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings({name: value}, cwd=tmp_path)

    assert name in str(refused.value) and "\n" not in str(refused.value)


def test_the_command_line_stops_on_a_bad_setting_with_one_line_naming_it(
        tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMWELL_"))}
    env["TEAMWELL_MESSAGE_LOG_RETENTION_DAYS"] = "0"

    result = subprocess.run([sys.executable, "-m", "teamwell.bot.cli", "retention", "run"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2
    assert "TEAMWELL_MESSAGE_LOG_RETENTION_DAYS" in result.stderr
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


@pytest.fixture
def seeded(sqlite_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """The retention world in a SQLite file that the command line is pointed at."""
    build_retention_world(SqlUnitOfWorkFactory(make_engine(sqlite_url)))
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TEAMWELL_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", sqlite_url)
    for name, days in zip(NAMES, ("30", "10", "20"), strict=True):
        monkeypatch.setenv(name, days)
    # The command line's clock is the real one; the world's rows are dated around NOW.
    monkeypatch.setattr("teamwell.bot.wiring.SystemClock.now", lambda _self: NOW)
    return sqlite_url


def test_a_dry_run_prints_what_would_go_and_a_real_run_what_went(
        seeded: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    erased: list[str] = []
    monkeypatch.setattr("teamwell.handlers.retention._erase",
                        lambda _deps, _ws, pid: erased.append(pid) or True)

    dry_status = cli.main(["retention", "run", "--dry-run"])
    dry = capsys.readouterr().out
    real_status = cli.main(["retention", "run"])
    real = capsys.readouterr().out

    assert (dry_status, real_status) == (0, 0)
    assert dry.startswith("Would delete (dry run: nothing was deleted)")
    assert "delivered message contents: 2" in dry and "would erase Gone-Old" in dry
    assert real.startswith("Deleted") and "delivered message contents: 2" in real
    assert "people who left, erased: 1" in real and erased == ["gone-old"]
