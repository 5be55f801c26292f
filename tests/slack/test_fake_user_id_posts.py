"""The fake Slack takes a user id as chat.postMessage's channel, as Slack does: the post goes to
the bot's DM with that user (opened if need be) and the answer names the DM."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.fake_api import FakeSlackApi

TOKEN = "xoxb-test"


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi([{"user_id": "U0001", "name": "Ana"},
                         {"user_id": "U0003", "name": "Cy", "deleted": True}], token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def client(api: FakeSlackApi) -> AsyncWebClient:
    c = AsyncWebClient(token=TOKEN, base_url=api.base_url + "/api/")
    c.retry_handlers.clear()
    return c


async def _error(call: object) -> str:
    with pytest.raises(SlackApiError) as info:
        await call  # type: ignore[misc]
    return str(info.value.response["error"])


async def test_a_post_to_a_user_id_opens_their_dm_and_answers_its_id(
    api: FakeSlackApi, client: AsyncWebClient
) -> None:
    first = await client.chat_postMessage(channel="U0001", text="hello")
    second = await client.chat_postMessage(channel="U0001", text="again")
    opened = await client.conversations_open(users="U0001")

    dm = first["channel"]
    assert dm.startswith("D") and second["channel"] == dm
    assert opened["channel"]["id"] == dm and opened["already_open"] is True
    assert [m["text"] for m in api.messages_in(dm)] == ["hello", "again"]
    assert api.calls_to("conversations.open")[0].params["users"] == "U0001"  # ours, above


async def test_only_chat_post_message_takes_a_user_id_and_not_for_a_deactivated_user(
    client: AsyncWebClient
) -> None:
    posted = await client.chat_postMessage(channel="U0001", text="hello")

    assert await _error(client.chat_update(channel="U0001", ts=posted["ts"], text="x")) \
        == "channel_not_found"
    assert await _error(client.conversations_history(channel="U0001")) == "channel_not_found"
    assert await _error(client.chat_postMessage(channel="U0003", text="x")) \
        == "channel_not_found"
    assert await _error(client.chat_postMessage(channel="U9999", text="x")) \
        == "channel_not_found"
