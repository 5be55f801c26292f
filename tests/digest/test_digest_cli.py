"""`teamwell digest preview|send|stats` as a user runs them, in a real process."""

from __future__ import annotations

from pathlib import Path

import pytest

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import upgrade
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from tests.digest.digest_world import build_digest_world, declining, stressed_comments
from tests.test_cli import _teamwell


@pytest.fixture
def database(tmp_path: Path) -> str:
    """Six weeks of pulses in a SQLite file."""
    url = f"sqlite:///{tmp_path / 'teamwell.db'}"
    upgrade(url)
    engine = make_engine(url)
    world = build_digest_world(SqlUnitOfWorkFactory(engine))
    for week in range(6):
        world.run_week(week, declining, stressed_comments)
    engine.dispose()
    return url


def test_preview_prints_a_managers_digest_and_stores_nothing(database: str,
                                                              tmp_path: Path) -> None:
    run = _teamwell("digest", "preview", "--manager", "mia@acme.test", "--slack-team", "T1",
                    cwd=tmp_path, TEAMWELL_DATABASE_URL=database)

    assert run.returncode == 0, run.stderr
    assert "YOUR TEAM THIS WEEK" in run.stdout and "Platform: 8 of 9 answered" in run.stdout
    assert "Burnout signal:" in run.stdout
    stats = _teamwell("digest", "stats", "--slack-team", "T1", cwd=tmp_path,
                      TEAMWELL_DATABASE_URL=database)
    assert "team_burnout" in stats.stdout and " 0 " in stats.stdout


def test_preview_for_someone_who_manages_nobody_says_so(database: str, tmp_path: Path) -> None:
    run = _teamwell("digest", "preview", "--manager", "plat0@acme.test", "--slack-team", "T1",
                    cwd=tmp_path, TEAMWELL_DATABASE_URL=database)

    assert run.returncode == 2
    assert run.stderr.strip() == "teamwell: Plat0 manages nobody and is not an admin, so gets no digest."


def test_send_queues_each_digest_once(database: str, tmp_path: Path) -> None:
    first = _teamwell("digest", "send", "--slack-team", "T1", cwd=tmp_path,
                      TEAMWELL_DATABASE_URL=database)
    again = _teamwell("digest", "send", "--slack-team", "T1", cwd=tmp_path,
                      TEAMWELL_DATABASE_URL=database)

    assert first.stdout.startswith("4 digests queued"), first.stderr
    assert again.stdout.startswith("0 digests queued")
