"""The Teams edge over real HTTP: requests, installs, commands, redeliveries and failures."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.teams import simulate
from teamwell.bot.teams.clicks import IN_PRIVATE
from teamwell.bot.teams.edge import SORRY
from tests.teams.conftest import TeamsWorld


def _kudos_count(w: TeamsWorld) -> int:
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        return len(uow.recognition.kudos_records(ws, w.clock.now() - timedelta(days=1)))


def _channel(w: TeamsWorld, user: simulate.TeamsUser, text: str,
             mentions: tuple[simulate.TeamsUser, ...] = ()) -> dict[str, Any]:
    return w.fresh(simulate.channel_message_with_mention(user, text, team=w.team,
                                                         mentions=mentions, where=w.where))


async def test_help_typed_in_a_personal_chat_is_answered_in_that_chat(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    status, _ = await w.say(ada, "help")

    assert status == 200
    assert any("Teamwell commands" in t for t in w.texts_to(ada))


async def test_privacy_typed_in_a_personal_chat_is_answered_with_the_privacy_notice(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    status, _ = await w.say(ada, "privacy")

    assert status == 200
    assert w.connector.cards_to(ada.id), "the answer is an Adaptive Card"
    assert len(w.texts_to(ada)) == 1


async def test_install_in_a_personal_chat_links_the_person_from_the_roster_and_saves_the_chat(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")

    status, _ = await w.post(simulate.conversation_update_members_added(ada, where=w.where))

    assert status == 200
    person = w.person_by_account(ada)
    assert person is not None and person.name == "Ada Lovelace"
    assert person.email == ada.email
    recipient = OutboxStore(w.wired.deps.uow, "teams").recipient(w.workspace_id, person.id)
    assert recipient is not None and recipient.conversation_ref is not None
    reference = json.loads(recipient.conversation_ref)
    assert reference["serviceUrl"] == w.where.service_url
    assert reference["conversation"]["id"] == w.connector.conversation_of(ada.id)
    assert any("I'm Teamwell, a bot" in t for t in w.texts_to(ada))


async def test_every_personal_message_refreshes_the_stored_conversation_reference(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    person_id = w.add_person(ada)

    await w.say(ada, "help")

    recipient = OutboxStore(w.wired.deps.uow, "teams").recipient(w.workspace_id, person_id)
    assert recipient is not None and recipient.conversation_ref is not None
    assert recipient.conversation_id == w.connector.conversation_of(ada.id)


async def test_a_user_missing_from_the_roster_gets_a_polite_reply_and_nothing_is_stored(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    stranger = w.user("Sam Stranger", in_roster=False)
    w.connector.add_member("29:someone-else", "Someone Else")  # the fake knows the tenant

    status, _ = await w.say(stranger, "help")

    assert status == 200
    assert any("couldn't find you" in t for t in w.attempted())
    assert w.person_by_account(stranger) is None


async def test_kudos_with_a_mention_in_a_channel_thanks_the_person_mentioned(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada, ben = w.user("Ada Lovelace"), w.user("Ben Okafor")
    w.add_person(ada)

    status, _ = await w.post(_channel(w, ada, f"kudos <at>{ben.name}</at> great work on the "
                                      "release", mentions=(ben,)))

    assert status == 200
    assert _kudos_count(w) == 1
    assert w.person_by_account(ben) is not None, "Ben was fetched from the roster"
    assert any("Kudos to Ben Okafor" in t for t in w.in_thread())


async def test_a_redelivered_activity_has_one_effect(teams_world: TeamsWorld) -> None:
    w = teams_world
    ada, ben = w.user("Ada Lovelace"), w.user("Ben Okafor")
    w.add_person(ada)
    w.add_person(ben)
    activity = _channel(w, ada, f"kudos <at>{ben.name}</at> thanks for the review",
                        mentions=(ben,))

    first, _ = await w.post(dict(activity))
    again, _ = await w.post(dict(activity))

    assert (first, again) == (200, 200)
    assert _kudos_count(w) == 1
    assert len(w.in_thread()) == 1


async def test_personal_commands_in_a_channel_are_redirected_to_the_personal_chat(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    status, _ = await w.post(_channel(w, ada, "mydata"))

    assert status == 200
    replies = w.in_thread()
    assert len(replies) == 1 and "1:1 chat" in replies[0]
    assert IN_PRIVATE.startswith("Let's talk")
    assert "ada" not in replies[0].lower()


async def test_forget_me_asks_for_a_confirmation_first(teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    await w.say(ada, "forget me")

    assert any("Forget me?" in t for t in w.texts_to(ada))
    assert [b["title"] for b in w.connector.buttons_to(ada.id)] == ["Yes, forget me", "Cancel"]
    assert w.person_by_account(ada) is not None


@pytest.mark.parametrize("body", [b"{not json", b"\xff\xfe", b"[1, 2]", b'"message"'])
async def test_a_body_that_is_not_a_json_object_is_refused_with_400(
        teams_world: TeamsWorld, body: bytes) -> None:
    status, answer = await teams_world.post(body)

    assert status == 400
    assert answer["ok"] is False


async def test_an_activity_without_a_type_is_refused_with_400(teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    activity = simulate.personal_message(ada, "help", where=w.where)
    del activity["type"]

    status, answer = await w.post(activity)

    assert status == 400
    assert "type" in answer["error"]
    assert w.connector.calls() == []


async def test_an_exception_inside_a_handler_gets_a_kind_reply_and_never_a_500(
        teams_world: TeamsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    def broken(*_args: Any) -> None:
        raise RuntimeError("the database caught fire")

    monkeypatch.setattr("teamwell.bot.teams.messages.command_reply", broken)

    status, _ = await w.say(ada, "help")

    assert status == 200
    assert any(SORRY in t for t in w.texts_to(ada))


async def test_an_exception_inside_an_invoke_answers_a_dialog_message_not_a_500(
        teams_world: TeamsWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    async def broken(*_args: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("teamwell.bot.teams.handler.on_invoke", broken)

    status, body = await w.post(simulate.task_fetch(
        ada, {"tw_action": "tw_kudos_open", "tw_value": "open"}, where=w.where))

    assert status == 200
    assert body == {"task": {"type": "message", "value": SORRY}}
