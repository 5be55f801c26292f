"""Fixtures for consent tests: both platforms' real HTTP worlds (used by name)."""

from __future__ import annotations

from tests.slack.conftest import slack_env, slack_world  # noqa: F401 - fixtures used by name
from tests.teams.conftest import (  # noqa: F401 - fixtures used by name
    teams_env,
    teams_start,
    teams_world,
)
