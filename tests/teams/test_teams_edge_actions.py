"""Teams clicks, dialogs and membership over real HTTP, reaching the same handlers as Slack."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from teamwell.bot.storage.tables import PulseCommentRow
from teamwell.bot.teams import simulate
from teamwell.bot.teams.clicks import UNKNOWN_BUTTON
from teamwell.bot.teams.simulate import TeamsUser
from teamwell.core.actions import ActionId
from teamwell.core.kudos_views import MESSAGE, RECEIVERS
from teamwell.core.pulse_views import COMMENT_FIELD
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_rounds import open_round
from tests.teams.conftest import TeamsWorld

NAMES = ("Ada Lovelace", "Ben Okafor", "Cy Tan", "Di Rossi", "Ed Moss", "Flo Park", "Gus Hahn")


def _opted_out(w: TeamsWorld, person_id: str) -> bool:
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        return uow.pulses.preference(ws, person_id).opted_out


def _pulse_for_seven(w: TeamsWorld) -> tuple[list[TeamsUser], str]:
    """Seven people in one team, this week's pulse open; returns them and the round id."""
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        team = uow.teams.ensure(ws, "Platform")
        uow.commit()
    users = [w.user(name) for name in NAMES]
    for user in users:
        w.add_person(user, team_id=team.id)
    assert open_round(w.wired.deps, ws, "Platform").invited == 7
    send_due_invites(w.wired.deps)
    with w.wired.deps.uow() as uow:
        invite = uow.pulses.latest_invite(ws, w.people[users[0].id])
    assert invite is not None
    return users, invite.round_id


def _comments(w: TeamsWorld) -> list[str]:
    with w.wired.engine.connect() as conn:
        return [str(c) for c in conn.scalars(select(PulseCommentRow.body))]


def _kudos_count(w: TeamsWorld) -> int:
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        return len(uow.recognition.kudos_records(ws, w.clock.now() - timedelta(days=1)))


def _fetch(w: TeamsWorld, user: TeamsUser, action: ActionId, value: str) -> dict[str, Any]:
    return simulate.task_fetch(user, {"tw_action": action.value, "tw_value": value,
                                      "msteams": {"type": "task/fetch"}}, where=w.where)


async def test_a_pulse_opt_out_click_reaches_the_same_handler_as_on_slack(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    person_id = w.add_person(ada)

    status, _ = await w.click(ada, ActionId.PULSE_OPT_OUT.value, "off")

    assert status == 200
    assert _opted_out(w, person_id)
    assert any("You're out" in t for t in w.texts_to(ada))


async def test_pulse_off_typed_in_the_personal_chat_opts_out(teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    person_id = w.add_person(ada)

    await w.say(ada, "pulse off")

    assert _opted_out(w, person_id)


async def test_a_click_on_a_button_we_no_longer_know_gets_a_polite_reply(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    status, _ = await w.click(ada, "tw_retired_button", "x")

    assert status == 200
    assert any(UNKNOWN_BUTTON in t for t in w.texts_to(ada))


async def test_task_fetch_opens_the_pulse_comment_form_and_task_submit_records_it(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    users, round_id = _pulse_for_seven(w)

    status, opened = await w.post(_fetch(w, users[0], ActionId.PULSE_COMMENT, round_id))
    data = {"tw_action": ActionId.PULSE_COMMENT_SUBMIT.value, "tw_context": round_id,
            COMMENT_FIELD: "More focus time, please."}
    saved_status, saved = await w.post(simulate.task_submit(users[0], data, where=w.where))

    assert status == 200
    assert opened["task"]["type"] == "continue"
    assert opened["task"]["value"]["card"]["content"]["type"] == "AdaptiveCard"
    assert saved_status == 200 and saved["task"]["type"] == "message"
    assert _comments(w) == ["More focus time, please."]


async def test_an_invalid_dialog_submit_shows_the_form_again_naming_the_problem(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    users, round_id = _pulse_for_seven(w)
    data = {"tw_action": ActionId.PULSE_COMMENT_SUBMIT.value, "tw_context": round_id,
            COMMENT_FIELD: "   "}

    status, body = await w.post(simulate.task_submit(users[0], data, where=w.where))

    assert status == 200
    assert body["task"]["type"] == "continue"
    first = body["task"]["value"]["card"]["content"]["body"][0]["text"]
    assert "empty" in first
    assert _comments(w) == []


async def test_task_fetch_opens_the_kudos_form_and_its_submit_gives_kudos(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada, ben = w.user("Ada Lovelace"), w.user("Ben Okafor")
    w.add_person(ada)
    w.add_person(ben)
    await w.say(ben, "help")  # Ben has talked to the bot: his AAD id is known

    status, opened = await w.post(_fetch(w, ada, ActionId.KUDOS_OPEN, "open"))
    data = {"tw_action": ActionId.KUDOS_SUBMIT.value, "tw_context": "",
            "tw_people": [RECEIVERS], RECEIVERS: ben.aad_object_id,
            MESSAGE: "Thanks for pairing on the migration"}
    sent_status, sent = await w.post(simulate.task_submit(ada, data, where=w.where))

    assert status == 200 and opened["task"]["type"] == "continue"
    assert opened["task"]["value"]["title"] == "Give kudos"
    assert sent_status == 200
    assert "Kudos to Ben Okafor" in sent["task"]["value"]
    assert _kudos_count(w) == 1


async def test_a_redelivered_dialog_submit_records_once_and_answers_both(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada, ben = w.user("Ada Lovelace"), w.user("Ben Okafor")
    w.add_person(ada)
    w.add_person(ben)
    await w.say(ben, "help")
    data = {"tw_action": ActionId.KUDOS_SUBMIT.value, "tw_context": "",
            "tw_people": [RECEIVERS], RECEIVERS: ben.aad_object_id, MESSAGE: "Great demo"}
    activity = simulate.task_submit(ada, data, where=w.where)

    first = await w.post(dict(activity))
    again = await w.post(dict(activity))

    assert first[0] == again[0] == 200
    assert again[1]["task"]["type"] == "message"
    assert _kudos_count(w) == 1


async def test_an_action_execute_click_answers_with_a_card_body(teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    person_id = w.add_person(ada)

    status, body = await w.post(simulate.adaptive_card_action(
        ada, ActionId.PULSE_OPT_OUT.value, {"tw_value": "off"}, where=w.where))

    assert status == 200
    assert body["statusCode"] == 200
    assert body["type"] == "application/vnd.microsoft.card.adaptive"
    assert body["value"]["type"] == "AdaptiveCard"
    assert _opted_out(w, person_id)


async def test_someone_added_to_a_team_joins_the_directory_and_starts_onboarding(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    maya, newbie = w.user("Maya Chen"), w.user("Nia Brooks")

    status, _ = await w.post(simulate.conversation_update_members_added(
        maya, [newbie], bot_added=False, team=w.team, where=w.where))

    assert status == 200
    person = w.person_by_account(newbie)
    assert person is not None and person.email == newbie.email
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        assert uow.onboardings.latest_for(ws, person.id) is not None


async def test_the_bot_added_to_a_team_links_everyone_in_the_roster(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    maya, ben = w.user("Maya Chen"), w.user("Ben Okafor")

    status, _ = await w.post(simulate.conversation_update_members_added(
        maya, [], bot_added=True, team=w.team, where=w.where))

    assert status == 200
    assert w.person_by_account(maya) is not None
    assert w.person_by_account(ben) is not None


async def test_someone_removed_from_one_team_stays_in_the_directory(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    maya, ben = w.user("Maya Chen"), w.user("Ben Okafor")
    w.add_person(ben)

    status, _ = await w.post(simulate.conversation_update_members_removed(
        maya, [ben], bot_removed=False, team=w.team, where=w.where))

    assert status == 200
    person = w.person_by_account(ben)
    assert person is not None and person.active and person.name == "Ben Okafor"


async def test_a_button_clicked_in_a_channel_does_not_answer_where_everyone_reads_it(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    person_id = w.add_person(ada)
    activity = simulate.channel_message_with_mention(ada, "", team=w.team, where=w.where)
    activity.update(text="", value={"tw_action": ActionId.PULSE_OPT_OUT.value, "tw_value": "off"})

    status, _ = await w.post(activity)

    assert status == 200
    assert not _opted_out(w, person_id)
    assert len(w.in_thread()) == 1 and "1:1 chat" in w.in_thread()[0]
