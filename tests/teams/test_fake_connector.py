"""The fake Teams connector answers botbuilder's own ConnectorClient the way Teams does."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Mapping
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from botbuilder.schema import (
    Activity,
    Attachment,
    ChannelAccount,
    ConversationParameters,
)
from botframework.connector import ConnectorClient as SyncConnectorClient
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials
from msrest.exceptions import HttpOperationError
from yarl import URL

from teamwell.bot.teams.fake_connector import FakeConnector, FakeConnectorThread
from teamwell.bot.teams.simulate import TENANT_ID, TeamsBot, TeamsUser
from teamwell.core.clock import FakeClock

ANA = TeamsUser.make("Ana Silva", "ana@acme.test")
BO = TeamsUser.make("Bo Chen", "bo@acme.test")
CY = TeamsUser.make("Cy Okafor", "cy@acme.test")
BOT = TeamsBot()
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
CARD = {"type": "AdaptiveCard", "version": "1.5",
        "body": [{"type": "TextBlock", "text": "How was your week?"},
                 {"type": "ActionSet", "actions": [
                     {"type": "Action.Submit", "title": "Great",
                      "data": {"tw_action": "pulse", "tw_value": "5"}}]}],
        "actions": [{"type": "Action.Submit", "title": "Skip",
                     "data": {"tw_action": "pulse", "tw_value": "skip"}}]}


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector(clock=FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)))
    for user in (ANA, BO, CY):
        fake.add_member(user.id, user.name, user.email, user.aad_object_id)
    fake.mark_not_installed(CY.id)
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def client(connector: FakeConnector) -> AsyncIterator[ConnectorClient]:
    # An empty app id is how botbuilder talks without auth: no Authorization header at all.
    async with ConnectorClient(MicrosoftAppCredentials("", ""),
                               base_url=connector.base_url + "/") as c:
        yield c


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as s:
        yield s


def _open(user: TeamsUser, **overrides: Any) -> ConversationParameters:
    fields: dict[str, Any] = {
        "is_group": False, "bot": ChannelAccount(id=BOT.id),
        "members": [ChannelAccount(id=user.id)], "tenant_id": TENANT_ID,
        "channel_data": {"tenant": {"id": TENANT_ID}}}
    return ConversationParameters(**{**fields, **overrides})


def _message(text: str, card: dict[str, Any] | None = None) -> Activity:
    attachments = [Attachment(content_type=CARD_TYPE, content=card)] if card else None
    return Activity(type="message", text=text, attachments=attachments)


async def _refusal(call: Any) -> tuple[int, str | None]:
    # Most operations raise ErrorResponseException, paged members a plain HttpOperationError.
    with pytest.raises(HttpOperationError) as info:
        await call
    body = json.loads(info.value.response.text or "{}")
    return info.value.response.status_code, (body.get("error") or {}).get("code")


async def _post(session: aiohttp.ClientSession, url: str, body: Any,
                **kwargs: Any) -> tuple[int, Any, Mapping[str, str]]:
    async with session.post(URL(url, encoded=True), json=body, **kwargs) as response:
        return response.status, await response.json(content_type=None), response.headers


async def test_creating_a_conversation_gives_each_user_one_stable_personal_id(
    connector: FakeConnector, client: ConnectorClient
) -> None:
    first = await client.conversations.create_conversation(_open(ANA))
    again = await client.conversations.create_conversation(_open(ANA))
    other = await client.conversations.create_conversation(_open(BO))

    assert first.id.startswith("a:") and first.id == again.id
    assert first.id == connector.conversation_of(ANA.id) != other.id
    call = connector.calls("create")[0]
    assert call.body["members"] == [{"id": ANA.id}] and call.authorization is None
    assert call.status == 201 and call.at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_messages_are_sent_replied_updated_and_deleted_like_teams(
    connector: FakeConnector, client: ConnectorClient
) -> None:
    conversation = (await client.conversations.create_conversation(_open(ANA))).id

    sent = await client.conversations.send_to_conversation(conversation, _message("hi", CARD))
    reply = await client.conversations.reply_to_activity(conversation, sent.id, _message("re"))
    await client.conversations.update_activity(conversation, sent.id, _message("hi again", CARD))
    extra = await client.conversations.send_to_conversation(conversation, _message("oops"))
    await client.conversations.delete_activity(conversation, extra.id)

    assert connector.texts_to(ANA.id) == ["hi again", "re"]
    assert int(reply.id) > int(sent.id)
    assert connector.activities_to(ANA.id)[1]["replyToId"] == sent.id
    assert connector.cards_to(ANA.id) == [CARD]
    assert connector.buttons_to(ANA.id) == [
        {"type": "Action.Submit", "title": "Great", "data": {"tw_action": "pulse", "tw_value": "5"}},
        {"type": "Action.Submit", "title": "Skip",
         "data": {"tw_action": "pulse", "tw_value": "skip"}}]
    assert [c.kind for c in connector.calls()] == ["create", "send", "reply", "update", "send",
                                                  "delete"]
    assert connector.calls("update")[0].activity_id == sent.id


async def test_url_encoded_ids_are_decoded_including_channel_threads(
    connector: FakeConnector, session: aiohttp.ClientSession
) -> None:
    personal = connector.conversation_of(BO.id) or ""
    encoded = personal.replace(":", "%3A")
    thread = "19%3Aabc%40thread.tacv2%3Bmessageid%3D1700000000000"

    status, answer, _ = await _post(session, f"{connector.base_url}/v3/conversations/{encoded}"
                                    "/activities", {"type": "message", "text": "to bo"})
    in_channel, _, _ = await _post(session, f"{connector.base_url}/v3/conversations/{thread}"
                                   "/activities/1700000000000", {"type": "message", "text": "t"})

    assert (status, in_channel) == (201, 201) and answer["id"]
    assert connector.texts_to(BO.id) == ["to bo"]
    assert connector.calls("send")[0].conversation_id == personal
    posted = connector.activities_in("19:abc@thread.tacv2")
    assert posted[0]["replyToId"] == "1700000000000"
    assert posted[0]["conversation"]["id"] == "19:abc@thread.tacv2;messageid=1700000000000"


async def test_the_roster_is_served_whole_paged_and_by_member(
    connector: FakeConnector, client: ConnectorClient
) -> None:
    team = "19:team@thread.tacv2"

    everyone = await client.conversations.get_conversation_members(team)
    pages, token = [], None
    for _ in range(5):
        page = await client.conversations.get_teams_conversation_paged_members(team, 2, token)
        pages.append([m.email for m in page.members])
        token = page.continuation_token
        if not token:
            break
    by_id = await client.conversations.get_conversation_member(team, BO.id)
    by_aad = await client.conversations.get_conversation_member(team, BO.aad_object_id)
    personal = await client.conversations.get_conversation_members(
        connector.conversation_of(ANA.id))

    assert [m.id for m in everyone] == [ANA.id, BO.id, CY.id]
    assert pages == [["ana@acme.test", "bo@acme.test"], ["cy@acme.test"]]
    assert by_id.name == by_aad.name == "Bo Chen"
    assert [m.id for m in personal] == [ANA.id]
    assert connector.calls("members")[1].query == {"pageSize": "2"}


async def test_a_member_has_the_teams_channel_account_fields(
    connector: FakeConnector, session: aiohttp.ClientSession
) -> None:
    url = f"{connector.base_url}/v3/conversations/{connector.conversation_of(ANA.id)}" \
          f"/members/{ANA.id}"

    async with session.get(url) as response:
        member = await response.json()

    assert member == {"id": ANA.id, "name": "Ana Silva", "aadObjectId": ANA.aad_object_id,
                      "email": "ana@acme.test", "userPrincipalName": "ana@acme.test",
                      "givenName": "Ana", "surname": "Silva", "tenantId": TENANT_ID,
                      "userRole": "user"}


async def test_unknown_members_conversations_and_bad_tokens_are_refused(
    connector: FakeConnector, client: ConnectorClient
) -> None:
    ops = client.conversations

    missing_member = await _refusal(ops.get_conversation_member("19:t@thread.tacv2", "29:nobody"))
    missing_chat = await _refusal(ops.send_to_conversation("a:unknown", _message("x")))
    bad_token = await _refusal(ops.get_conversation_paged_members("19:t", 2, "not-a-token"))
    two_people = await _refusal(ops.create_conversation(_open(
        ANA, members=[ChannelAccount(id=ANA.id), ChannelAccount(id=BO.id)])))
    no_tenant = await _refusal(ops.create_conversation(_open(ANA, tenant_id=None,
                                                             channel_data=None)))

    assert missing_member == (404, "MemberNotFoundInConversation")
    assert missing_chat == (404, "ConversationNotFound")
    assert bad_token == (400, "BadSyntax")
    assert two_people == no_tenant == (400, "BadSyntax")


async def test_users_without_the_app_get_403_until_they_install_it(
    connector: FakeConnector, client: ConnectorClient
) -> None:
    chat = connector.conversation_of(CY.id) or ""

    create = await _refusal(client.conversations.create_conversation(_open(CY)))
    send = await _refusal(client.conversations.send_to_conversation(chat, _message("x")))
    connector.mark_installed(CY.id)
    opened = await client.conversations.create_conversation(_open(CY))

    assert create == send == (403, "BotNotInConversationRoster")
    assert opened.id == chat
    assert connector.texts_to(CY.id) == []


async def test_a_required_token_refuses_anonymous_and_wrong_callers(
    session: aiohttp.ClientSession
) -> None:
    fake = FakeConnector(require_auth="secret-token")
    fake.add_member(ANA.id, ANA.name, ANA.email)
    await fake.start()
    url = f"{fake.base_url}/v3/conversations/{fake.conversation_of(ANA.id)}/activities"
    body = {"type": "message", "text": "hi"}
    try:
        async with ConnectorClient(MicrosoftAppCredentials("", ""),
                                   base_url=fake.base_url) as anonymous:
            refused = await _refusal(anonymous.conversations.send_to_conversation(
                fake.conversation_of(ANA.id), _message("hi")))
        wrong = await _post(session, url, body, headers={"Authorization": "Bearer nope"})
        right = await _post(session, url, body, headers={"Authorization": "Bearer secret-token"})
    finally:
        await fake.stop()

    assert refused == (401, None) and wrong[0] == 401 and right[0] == 201
    assert wrong[1] == {"message": "Authorization has been denied for this request."}
    assert [c.authorization for c in fake.calls()] == [None, "Bearer nope",
                                                      "Bearer secret-token"]
    assert fake.texts_to(ANA.id) == ["hi"]


def test_the_threaded_fake_serves_botbuilders_synchronous_client() -> None:
    with FakeConnectorThread() as fake:
        fake.add_member(BO.id, BO.name, BO.email)
        client = SyncConnectorClient(MicrosoftAppCredentials("", ""), base_url=fake.base_url)

        chat = client.conversations.create_conversation(_open(BO)).id
        client.conversations.send_to_conversation(chat, _message("sync hello"))

        assert fake.texts_to(BO.id) == ["sync hello"]
        assert fake.where().service_url == fake.base_url
