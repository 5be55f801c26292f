"""The driver fixture: every scenario in this folder runs once on Slack and once on Teams."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.both.drivers import Driver, SlackDriver
from tests.both.teams_driver import TeamsDriver
from tests.slack.conftest import slack_env, slack_world  # noqa: F401 - fixtures used by name
from tests.teams.conftest import teams_env, teams_world  # noqa: F401 - fixtures used by name


@pytest.fixture
def teams_start() -> datetime:
    """The Slack world's start, Monday 07:00 UTC, so that scenarios share their times."""
    return datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


@pytest.fixture(params=["slack", "teams"])
def driver(request: pytest.FixtureRequest) -> Driver:
    """A driver for each platform."""
    if request.param == "slack":
        return SlackDriver(request.getfixturevalue("slack_world"))
    return TeamsDriver(request.getfixturevalue("teams_world"))
