"""Fixtures for role and audit tests: the privacy world on SQLite, before and after a round."""

from __future__ import annotations

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from tests.privacy.privacy_world import build_privacy_world, close_a_round
from tests.pulse.pulse_world import PulseWorld
from tests.slack.conftest import slack_env, slack_world  # noqa: F401 - fixtures used by name


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory) -> PulseWorld:
    """Three teams, their managers and HR; no round yet."""
    return build_privacy_world(uow_factory)


@pytest.fixture
def closed(world: PulseWorld) -> PulseWorld:
    """The same world after one closed round that everyone answered."""
    close_a_round(world)
    return world
