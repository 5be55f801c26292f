"""The driver fixture: every scenario in this folder runs once on Slack and once on Teams."""

from __future__ import annotations

import pytest

from tests.both.drivers import Driver, SlackDriver
from tests.slack.conftest import slack_env, slack_world  # noqa: F401 - fixtures used by name


@pytest.fixture(params=["slack"])
def driver(request: pytest.FixtureRequest) -> Driver:
    """A driver for each platform."""
    if request.param == "slack":
        return SlackDriver(request.getfixturevalue("slack_world"))
    raise AssertionError(request.param)
