"""Pacing is on in production and off only when asked; each sender keeps to its platform's."""

from __future__ import annotations

from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.config import ConfigError, load_settings
from teamwell.bot.slack.paced_client import PacedWebClient
from teamwell.bot.slack.rate_limits import SLACK_LIMITS
from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.bot.teams.rate_limits import TEAMS_LIMITS
from teamwell.bot.teams.sender import TeamsSender
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.core.clock import FakeClock


def test_outbox_pacing_is_on_unless_the_setting_turns_it_off(tmp_path: Path) -> None:
    default = load_settings({}, cwd=tmp_path)
    off = load_settings({"TEAMWELL_OUTBOX_PACING": "Off"}, cwd=tmp_path)

    assert (default.outbox_pacing, off.outbox_pacing) == (True, False)
    with pytest.raises(ConfigError, match="TEAMWELL_OUTBOX_PACING must be on or off"):
        load_settings({"TEAMWELL_OUTBOX_PACING": "sometimes"}, cwd=tmp_path)


def test_a_pacing_sender_keeps_to_its_platforms_published_limits(
    uow_factory: SqlUnitOfWorkFactory, clock: FakeClock
) -> None:
    client = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")
    paced = SenderSettings(pace=True)

    slack = SlackSender(uow_factory, client, clock, paced)
    teams = TeamsSender(uow_factory, TeamsConfig(anonymous=True), clock, paced)
    unpaced = SlackSender(uow_factory, client, clock)

    assert slack.pacer is not None and slack.pacer.limits is SLACK_LIMITS
    assert teams.pacer is not None and teams.pacer.limits is TEAMS_LIMITS
    assert unpaced.pacer is None


def test_the_senders_client_is_paced_and_the_shared_one_is_left_alone(
    uow_factory: SqlUnitOfWorkFactory, clock: FakeClock
) -> None:
    shared = AsyncWebClient(token="xoxb-x", base_url="http://127.0.0.1:9/api/")

    sender = SlackSender(uow_factory, shared, clock, SenderSettings(pace=True))

    assert isinstance(sender.client, PacedWebClient)
    assert type(shared) is AsyncWebClient
    assert (sender.client.token, sender.client.base_url) == (shared.token, shared.base_url)
