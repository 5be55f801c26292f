"""Pacing when a person's DM is not known yet: first posts name the user id, later ones the DM,
and Slack's one-post-a-second-per-channel limit counts both against the same DM."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import update

from teamwell.bot.rate_limits import Limits, Rate
from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.slack.fake_limits import LimitedSlackApi
from teamwell.bot.slack.paced_client import DmAliases
from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.tables import PersonAccountRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import SystemClock

from .conftest import LIMITS, TEAM, TOKEN, Workspace


def _forget_dms(workspace: Workspace) -> None:
    """As after a directory sync: everyone linked to their Slack user, no DM known."""
    with workspace.uow() as uow:
        uow.session.execute(update(PersonAccountRow).values(conversation_id=None))
        uow.commit()


# Slack's limits (scaled), but two posts a second per DM: a second post naming the DM at once
# after a first naming the user id would be refused.
SLOW_DMS = Limits(methods=LIMITS.methods, default=LIMITS.default,
                  per_conversation={"chat.postMessage": Rate(2.0)})


@pytest.mark.usefixtures("one_database_thread")
async def test_messages_to_people_whose_dm_is_unknown_keep_every_limit_without_opening_dms(
    uow_factory: SqlUnitOfWorkFactory
) -> None:
    with FakeSlackApiThread(LimitedSlackApi(token=TOKEN, team_id=TEAM, limits=SLOW_DMS)) as fake:
        with uow_factory() as uow:
            workspace_id = uow.workspaces.ensure("slack", TEAM, "Pacing Inc")
            uow.commit()
        workspace = Workspace(uow_factory, fake, workspace_id)
        people = workspace.people(12)
        _forget_dms(workspace)
        # Three messages each, one person's after another: the first names the user id, the
        # next two the DM it answered.
        workspace.queue([(p, f"{n} for {p}") for p in people for n in range(3)])
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url + "/api/")
        client.retry_handlers.clear()

        sender = SlackSender(uow_factory, client, SystemClock(),
                             SenderSettings(limits=SLOW_DMS, backoff_base=0.05, backoff_cap=0.2))
        delivered = await sender.drain_until_empty(max_seconds=60)

        assert delivered == 36 and workspace.unsent() == 0
        assert workspace.api.refused == {}
        assert fake.calls_to("conversations.open") == []
        posts = fake.calls_to("chat.postMessage")
        assert sum(c.params["channel"].startswith("U") for c in posts) == 12
        assert all(workspace.texts(p) == [f"{n} for {p}" for n in range(3)] for p in people)


async def test_the_limited_fake_counts_a_post_to_a_user_id_against_their_dm() -> None:
    limits = Limits(methods={"chat.postMessage": Rate(100.0, burst=100)},
                    per_conversation={"chat.postMessage": Rate(0.5, burst=1)})
    with FakeSlackApiThread(LimitedSlackApi(token=TOKEN, limits=limits)) as fake:
        fake.add_user("U1", "Ana")
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url + "/api/")
        client.retry_handlers.clear()
        first = await client.chat_postMessage(channel="U1", text="hello")

        with pytest.raises(SlackApiError) as refused:
            await client.chat_postMessage(channel=first["channel"], text="again")

        assert first["channel"].startswith("D")
        assert refused.value.response.status_code == 429
        assert fake.api.refused == {"chat.postMessage": 1}


def test_dm_aliases_name_a_learned_dm_by_its_user_and_keep_only_the_most_recent() -> None:
    aliases = DmAliases(kept=2)
    for n in range(3):
        aliases.learn(f"U{n}", f"D{n}")

    assert [aliases.key(f"D{n}") for n in range(3)] == ["D0", "U1", "U2"]
    assert (aliases.key("C1"), aliases.key(None)) == ("C1", None)
