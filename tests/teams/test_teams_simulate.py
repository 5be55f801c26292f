"""Simulated Teams activities parse and dispatch in botbuilder the way real ones do."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from botbuilder.core import BotAdapter, TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.core.teams import TeamsActivityHandler, teams_get_team_info
from botbuilder.core.teams.teams_activity_extensions import teams_get_channel_data
from botbuilder.schema import Activity, ChannelAccount
from botbuilder.schema.teams import TeamInfo, TeamsChannelAccount
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials

from teamwell.bot.teams import simulate
from teamwell.bot.teams.fake_connector import FakeConnector
from teamwell.bot.teams.simulate import TeamsTeam, TeamsUser

ANA = TeamsUser.make("Ana Silva", "ana@acme.test", timezone="Europe/Paris", locale="fr-FR")
BO = TeamsUser.make("Bo Chen", "bo@acme.test")
TEAM = TeamsTeam.make("Platform")
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


class RecordingBot(TeamsActivityHandler):  # type: ignore[misc]
    """Remembers which botbuilder handler each activity reached, and with what."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        activity = turn_context.activity
        self.seen.append(("message", activity.value or TurnContext.remove_recipient_mention(
            activity).strip()))

    async def on_teams_members_added(self, teams_members_added: list[TeamsChannelAccount],
                                     team_info: TeamInfo, turn_context: TurnContext) -> None:
        # The bot itself stays a plain ChannelAccount; users come back from the roster.
        self.seen.append(("members_added", [getattr(m, "email", None) or m.id
                                            for m in teams_members_added]))

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        self.seen.append(("installed", turn_context.activity.conversation.conversation_type))

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        self.seen.append(("uninstalled", turn_context.activity.conversation.conversation_type))

    async def on_teams_task_module_fetch(self, turn_context: TurnContext,
                                         task_module_request: Any) -> Any:
        self.seen.append(("task_fetch", task_module_request.data))
        return None

    async def on_adaptive_card_invoke(self, turn_context: TurnContext,
                                      invoke_value: Any) -> Any:
        self.seen.append(("card_action", (invoke_value.action["verb"],
                                          invoke_value.action["data"])))
        return None


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    fake = FakeConnector()
    fake.add_member(ANA.id, ANA.name, ANA.email, ANA.aad_object_id)
    fake.add_member(BO.id, BO.name, BO.email, BO.aad_object_id)
    await fake.start()
    yield fake
    await fake.stop()


async def _dispatch(activity_json: dict[str, Any], connector: FakeConnector) -> RecordingBot:
    bot = RecordingBot()
    activity = Activity().deserialize(activity_json)
    context = TurnContext(TestAdapter(), activity)
    async with ConnectorClient(MicrosoftAppCredentials("", ""),
                               base_url=activity.service_url) as client:
        context.turn_state[BotAdapter.BOT_CONNECTOR_CLIENT_KEY] = client
        await bot.on_turn(context)
    return bot


def test_a_personal_message_has_the_fields_teams_sends() -> None:
    raw = simulate.personal_message(ANA, "hello", at=AT)

    activity = Activity().deserialize(raw)

    assert activity.channel_id == "msteams" and activity.text == "hello"
    assert activity.from_property.aad_object_id == ANA.aad_object_id
    assert activity.recipient.id == f"28:{simulate.BOT_APP_ID}"
    assert activity.conversation.conversation_type == "personal"
    assert raw["conversation"]["tenantId"] == simulate.TENANT_ID
    # botbuilder maps tenant_id to "tenantID": on real Teams traffic it stays None.
    assert activity.conversation.tenant_id is None
    assert teams_get_channel_data(activity).tenant.id == simulate.TENANT_ID
    assert raw["localTimezone"] == "Europe/Paris" and raw["locale"] == "fr-FR"
    assert raw["localTimestamp"] == "2026-03-02T10:30:00.000+01:00"
    assert raw["timestamp"] == "2026-03-02T09:30:00.000Z"
    assert raw["entities"][0] == {"type": "clientInfo", "locale": "fr-FR", "country": "FR",
                                  "platform": "Web", "timezone": "Europe/Paris"}


async def test_a_reply_to_a_simulated_message_lands_in_the_users_chat_on_the_fake(
    connector: FakeConnector
) -> None:
    incoming = Activity().deserialize(
        simulate.personal_message(BO, "hi", where=connector.where()))

    async with ConnectorClient(MicrosoftAppCredentials("", ""),
                               base_url=incoming.service_url) as client:
        await client.conversations.reply_to_activity(
            incoming.conversation.id, incoming.id,
            Activity(type="message", text="hello Bo", reply_to_id=incoming.id))

    assert connector.texts_to(BO.id) == ["hello Bo"]


async def test_a_channel_mention_reaches_the_message_handler_without_the_mention(
    connector: FakeConnector
) -> None:
    raw = simulate.channel_message_with_mention(
        ANA, "kudos <at>Bo Chen</at> for the launch", team=TEAM, mentions=[BO],
        where=connector.where(), at=AT)

    bot = await _dispatch(raw, connector)
    activity = Activity().deserialize(raw)

    assert bot.seen == [("message", "kudos <at>Bo Chen</at> for the launch")]
    assert raw["text"].startswith("<at>Teamwell</at> ")
    assert [e["mentioned"]["id"] for e in raw["entities"] if e["type"] == "mention"] == [
        connector.bot.id, BO.id]
    assert len(activity.get_mentions()) == 2
    assert activity.conversation.id == f"{TEAM.id};messageid={activity.id}"
    assert teams_get_team_info(activity).id == TEAM.id


async def test_a_card_submit_is_a_message_with_a_value_and_no_text(
    connector: FakeConnector
) -> None:
    data = {"tw_action": "pulse", "tw_value": "4"}
    raw = simulate.card_submit(ANA, data, reply_to_id="1700000000000", where=connector.where())

    bot = await _dispatch(raw, connector)

    assert bot.seen == [("message", data)]
    assert "text" not in raw and raw["replyToId"] == "1700000000000"


async def test_invokes_reach_the_task_module_and_universal_action_handlers(
    connector: FakeConnector
) -> None:
    where = connector.where()

    fetch = await _dispatch(simulate.task_fetch(ANA, {"tw_action": "kudos"}, where=where),
                            connector)
    action = await _dispatch(simulate.adaptive_card_action(ANA, "vote", {"tw_value": "5"},
                                                           where=where), connector)

    assert fetch.seen == [("task_fetch", {"tw_action": "kudos"})]
    assert action.seen == [("card_action", ("vote", {"tw_value": "5"}))]


async def test_a_personal_install_names_the_user_only_by_ids_so_the_roster_is_asked(
    connector: FakeConnector
) -> None:
    raw = simulate.conversation_update_members_added(ANA, where=connector.where())

    bot = await _dispatch(raw, connector)

    assert [m["id"] for m in raw["membersAdded"]] == [connector.bot.id, ANA.id]
    assert "name" not in raw["from"] and "email" not in raw["membersAdded"][1]
    assert bot.seen == [("members_added", [connector.bot.id, "ana@acme.test"])]
    assert connector.calls("members")[0].member_id == ANA.id


async def test_a_user_joining_a_team_is_a_team_member_added_event(
    connector: FakeConnector
) -> None:
    raw = simulate.conversation_update_members_added(ANA, [BO], bot_added=False, team=TEAM,
                                                     where=connector.where())

    bot = await _dispatch(raw, connector)

    assert raw["channelData"]["eventType"] == "teamMemberAdded"
    assert raw["conversation"]["conversationType"] == "channel"
    assert bot.seen == [("members_added", ["bo@acme.test"])]


def test_members_removed_lists_the_bot_when_it_is_uninstalled() -> None:
    raw = simulate.conversation_update_members_removed(ANA)

    activity = Activity().deserialize(raw)

    assert [m.id for m in activity.members_removed] == [simulate.TeamsBot().id]
    assert activity.conversation.conversation_type == "personal"


async def test_installation_updates_say_add_or_remove(connector: FakeConnector) -> None:
    where = connector.where()

    added = await _dispatch(simulate.installation_update(ANA, "add", where=where), connector)
    removed = await _dispatch(simulate.installation_update(ANA, "remove", team=TEAM,
                                                           where=where), connector)

    assert added.seen == [("installed", "personal")]
    assert removed.seen == [("uninstalled", "channel")]


def test_simulated_users_have_stable_teams_shaped_ids() -> None:
    again = TeamsUser.make("Ana Silva", "ana@acme.test")

    assert again.id == ANA.id and again.id.startswith("29:")
    assert again.aad_object_id == ANA.aad_object_id
    assert ChannelAccount().deserialize(again.account()).aad_object_id == ANA.aad_object_id
