"""The fake Slack Web API answers slack_sdk the way Slack does."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.fake_api import FakeSlackApi, FakeSlackApiThread

TOKEN = "xoxb-test"
METADATA = {"event_type": "teamwell_outbox", "event_payload": {"outbox_id": "o1"}}
SECTION = [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]


@pytest.fixture
async def api() -> AsyncIterator[FakeSlackApi]:
    fake = FakeSlackApi([
        {"user_id": "U0001", "name": "Ana", "email": "ana@example.com", "tz": "Europe/Paris"},
        {"user_id": "U0002", "name": "Bo", "email": "bo@example.com", "is_admin": True},
        {"user_id": "U0003", "name": "Cy", "email": "cy@example.com", "deleted": True},
    ], token=TOKEN)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def client(api: FakeSlackApi) -> AsyncWebClient:
    c = AsyncWebClient(token=TOKEN, base_url=api.base_url + "/api/")
    c.retry_handlers.clear()
    return c


async def _error_of(call: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as info:
        await call  # type: ignore[misc]
    return info.value


async def test_auth_test_names_the_bot_user_and_team(client: AsyncWebClient) -> None:
    answer = await client.auth_test()

    assert answer["ok"] is True
    assert {"user_id", "bot_id", "team_id", "team", "url", "user"} <= set(answer.data)


async def test_calls_without_a_token_or_with_a_wrong_one_are_refused(api: FakeSlackApi) -> None:
    anonymous = AsyncWebClient(base_url=api.base_url + "/api/")
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=api.base_url + "/api/")

    missing = await _error_of(anonymous.auth_test())
    invalid = await _error_of(wrong.auth_test())

    assert missing.response["error"] == "not_authed"
    assert invalid.response["error"] == "invalid_auth"


async def test_an_unknown_method_is_answered_like_slack(client: AsyncWebClient) -> None:
    error = await _error_of(client.api_call("nope.nothing"))

    assert error.response["error"] == "unknown_method"


async def test_users_list_pages_through_every_user_with_a_cursor(client: AsyncWebClient) -> None:
    seen: list[str] = []
    cursor = None

    for _ in range(10):
        page = await client.users_list(limit=2, cursor=cursor)
        seen.extend(u["id"] for u in page["members"])
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break

    assert seen == ["USLACKBOT", "UTEAMWELL", "U0001", "U0002", "U0003"]
    users = {u["id"]: u for u in (await client.users_list())["members"]}
    assert users["U0001"]["profile"]["email"] == "ana@example.com"
    assert users["U0001"]["tz"] == "Europe/Paris"
    assert users["UTEAMWELL"]["is_bot"] is True and users["U0003"]["deleted"] is True
    assert users["U0002"]["is_admin"] is True


async def test_users_are_found_by_id_and_by_email(client: AsyncWebClient) -> None:
    by_id = await client.users_info(user="U0002")
    by_email = await client.users_lookupByEmail(email="ANA@example.com")
    missing = await _error_of(client.users_lookupByEmail(email="nobody@example.com"))

    assert by_id["user"]["name"] == "bo"
    assert by_email["user"]["id"] == "U0001"
    assert missing.response["error"] == "users_not_found"


async def test_conversations_open_gives_one_stable_channel_per_set_of_users(
    api: FakeSlackApi, client: AsyncWebClient
) -> None:
    first = await client.conversations_open(users="U0001")
    again = await client.conversations_open(users="U0001")
    group = await client.conversations_open(users="U0002,U0001")
    unknown = await _error_of(client.conversations_open(users="U9999"))

    assert first["channel"]["id"] == again["channel"]["id"]
    assert first["channel"]["id"].startswith("D") and again["already_open"] is True
    assert group["channel"]["id"] not in (first["channel"]["id"],)
    assert unknown.response["error"] == "user_not_found"
    # slack_sdk sends conversations.open form-encoded; the fake decoded it.
    assert api.calls_to("conversations.open")[0].params["users"] == "U0001"


async def test_a_posted_message_comes_back_in_history_with_its_metadata(
    api: FakeSlackApi, client: AsyncWebClient
) -> None:
    channel = (await client.conversations_open(users="U0001"))["channel"]["id"]
    first = await client.chat_postMessage(channel=channel, text="one", blocks=SECTION,
                                          metadata=METADATA)
    second = await client.chat_postMessage(channel=channel, text="two")

    with_meta = await client.conversations_history(channel=channel, include_all_metadata=True)
    without = await client.conversations_history(channel=channel)
    newer = await client.conversations_history(channel=channel, oldest=first["ts"])

    assert [m["text"] for m in with_meta["messages"]] == ["two", "one"]
    assert with_meta["messages"][1]["metadata"] == METADATA
    assert with_meta["messages"][1]["blocks"] == SECTION
    assert "metadata" not in without["messages"][1]
    assert [m["ts"] for m in newer["messages"]] == [second["ts"]]
    assert float(second["ts"]) > float(first["ts"])
    assert api.posted_outbox_ids() == ["o1"]


async def test_history_is_paginated_newest_first(client: AsyncWebClient) -> None:
    channel = (await client.conversations_open(users="U0002"))["channel"]["id"]
    for i in range(5):
        await client.chat_postMessage(channel=channel, text=f"m{i}")

    texts: list[str] = []
    cursor = None
    for _ in range(5):
        page = await client.conversations_history(channel=channel, limit=2, cursor=cursor)
        texts.extend(m["text"] for m in page["messages"])
        cursor = page["response_metadata"]["next_cursor"]
        if not page["has_more"]:
            break

    assert texts == ["m4", "m3", "m2", "m1", "m0"]


async def test_messages_can_be_updated_and_posts_are_checked_like_slack(
    api: FakeSlackApi, client: AsyncWebClient
) -> None:
    channel = (await client.conversations_open(users="U0001"))["channel"]["id"]
    posted = await client.chat_postMessage(channel=channel, text="before")

    await client.chat_update(channel=channel, ts=posted["ts"], text="after")
    missing = await _error_of(client.chat_update(channel=channel, ts="1.000001", text="x"))
    nowhere = await _error_of(client.chat_postMessage(channel="C404", text="x"))
    bad = await _error_of(client.chat_postMessage(channel=channel, text="x", blocks=[
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}]))
    ephemeral = await client.chat_postEphemeral(channel=channel, user="U0001", text="psst")

    assert [m["text"] for m in api.messages_in(channel)] == ["after"]
    assert missing.response["error"] == "message_not_found"
    assert nowhere.response["error"] == "channel_not_found"
    assert bad.response["error"] == "invalid_blocks"
    assert ephemeral["message_ts"]


async def test_a_rate_limit_reaches_the_client_with_retry_after(
    api: FakeSlackApi, client: AsyncWebClient
) -> None:
    api.fail_next("chat.postMessage", 2, status=429, retry_after=3)

    errors = [await _error_of(client.chat_postMessage(channel="U0001", text="x"))
              for _ in range(2)]
    ok = await client.chat_postMessage(channel="U0001", text="x")

    assert [e.response.status_code for e in errors] == [429, 429]
    assert errors[0].response.headers["Retry-After"] == "3"
    assert errors[0].response["error"] == "ratelimited"
    assert ok["ok"] is True
    assert [c.status for c in api.calls_to("chat.postMessage")] == [429, 429, 200]


async def test_a_server_error_can_hide_a_post_that_happened(
    api: FakeSlackApi, client: AsyncWebClient
) -> None:
    api.fail_next("chat.postMessage", 1, status=500)
    api.fail_next("chat.postMessage", 1, status=503, after_effect=True)

    lost = await _error_of(client.chat_postMessage(channel="U0001", text="a", metadata=METADATA))
    hidden = await _error_of(client.chat_postMessage(channel="U0001", text="b",
                                                     metadata=METADATA))

    assert (lost.response.status_code, hidden.response.status_code) == (500, 503)
    channel = api.dm_channel("U0001")
    assert channel is not None
    assert [m["text"] for m in api.messages_in(channel)] == ["b"]
    assert api.posted_outbox_ids() == ["o1"]


async def test_latency_delays_every_answer(api: FakeSlackApi, client: AsyncWebClient) -> None:
    api.latency = 0.05

    started = time.monotonic()
    await client.auth_test()

    assert time.monotonic() - started >= 0.05


async def test_views_are_published_opened_and_updated(client: AsyncWebClient) -> None:
    home = {"type": "home", "blocks": SECTION}
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "Hi"}, "blocks": []}

    published = await client.views_publish(user_id="U0001", view=home)
    opened = await client.views_open(trigger_id="t1", view=modal)
    updated = await client.views_update(view_id=opened["view"]["id"],
                                        view={**modal, "blocks": SECTION})
    refused = await _error_of(client.views_open(trigger_id="t2", view={
        **modal, "title": {"type": "plain_text", "text": "t" * 25}}))

    assert published["view"]["type"] == "home"
    assert updated["view"]["id"] == opened["view"]["id"]
    assert updated["view"]["blocks"] == SECTION
    assert refused.response["error"] == "invalid_arguments"


def test_the_threaded_fake_serves_synchronous_clients_and_keeps_duplicates() -> None:
    with FakeSlackApiThread(token=TOKEN) as fake:
        fake.add_user("U0001", "Ana", "ana@example.com")
        sync = WebClient(token=TOKEN, base_url=fake.base_url + "/api/")

        for _ in range(2):
            sync.chat_postMessage(channel="U0001", text="twice", metadata=METADATA)

        assert fake.posted_outbox_ids() == ["o1", "o1"]
        assert len(fake.calls_to("chat.postMessage")) == 2


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

    refused = [await _error_of(call) for call in (
        client.chat_update(channel="U0001", ts=posted["ts"], text="x"),
        client.conversations_history(channel="U0001"),
        client.chat_postMessage(channel="U0003", text="x"),
        client.chat_postMessage(channel="U9999", text="x"))]

    assert [e.response["error"] for e in refused] == ["channel_not_found"] * 4

