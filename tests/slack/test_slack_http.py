"""Slack over real HTTP: signed requests into the endpoint, a fake Slack Web API behind it."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import select, text

from teamwell.bot.slack import simulate
from teamwell.bot.storage.tables import CheckInRow, OnboardingRow, OnboardingTaskRow, PersonRow
from teamwell.handlers.people import import_people
from tests.slack.conftest import TEAM, SlackWorld

CSV = """email,name,manager_email,team,start_date,timezone
maya@acme.test,Maya,,Platform,2024-01-08,Europe/London
ben@acme.test,Ben,maya@acme.test,Platform,2024-01-08,Europe/London
nia@acme.test,Nia,maya@acme.test,Platform,2026-03-03,Pacific/Auckland
"""
NIA_SLACK_USER = {
    "id": "UNIA", "team_id": TEAM, "name": "nia", "real_name": "Nia", "deleted": False,
    "tz": "Pacific/Auckland", "is_bot": False, "is_admin": False, "is_owner": False,
    "profile": {"real_name": "Nia", "display_name": "Nia", "email": "nia@acme.test"},
}


def _buttons(world: SlackWorld, slack_user: str) -> list[dict[str, Any]]:
    return world.api.buttons_to(slack_user)


async def _hire_joins(world: SlackWorld) -> None:
    import_people(world.wired.deps, world.workspace_id, CSV)
    for slack_id, name in (("UMAYA", "Maya"), ("UBEN", "Ben")):
        world.api.add_user(slack_id, name, f"{name.lower()}@acme.test", tz="Europe/London")
    world.api.add_user("UNIA", "Nia", "nia@acme.test", tz="Pacific/Auckland")
    await world.event({"type": "user_change", "user": {**NIA_SLACK_USER, "id": "UMAYA",
                                                        "name": "maya", "real_name": "Maya",
                                                        "tz": "Europe/London",
                                                        "profile": {"email": "maya@acme.test",
                                                                    "real_name": "Maya"}}})
    await world.event({"type": "user_change", "user": {**NIA_SLACK_USER, "id": "UBEN",
                                                        "name": "ben", "real_name": "Ben",
                                                        "tz": "Europe/London",
                                                        "profile": {"email": "ben@acme.test",
                                                                    "real_name": "Ben"}}})
    assert await world.event({"type": "team_join", "user": NIA_SLACK_USER}) == 200


async def test_a_team_join_links_the_imported_hire_and_her_welcome_arrives_first_thing_local_time(
        slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    # Tuesday 3 March 09:00 in Auckland is Monday 2 March 20:00 UTC.
    slack_world.clock.set(slack_world.clock.now().replace(hour=19, minute=59))
    await slack_world.tick()
    assert not any("Welcome" in t for t in slack_world.texts_to("UNIA"))
    slack_world.clock.advance(timedelta(minutes=2))
    await slack_world.tick()
    texts = slack_world.texts_to("UNIA")
    assert "bot" in texts[0].lower()  # the first contact says it is a bot
    assert any("Welcome" in t for t in texts[1:])
    with slack_world.wired.deps.uow() as uow:
        (start,) = uow.session.scalars(select(OnboardingRow.start_date)).all()
    assert start.isoformat() == "2026-03-03"


async def test_a_retried_event_is_handled_once(slack_world: SlackWorld) -> None:
    await slack_world.event({"type": "team_join", "user": NIA_SLACK_USER}, event_id="EvSAME")
    await slack_world.event({"type": "team_join", "user": NIA_SLACK_USER}, event_id="EvSAME")
    with slack_world.wired.deps.uow() as uow:
        assert len(uow.session.scalars(select(PersonRow)).all()) == 1
        assert len(uow.session.scalars(select(OnboardingRow)).all()) == 1


async def test_done_buttons_are_recorded_and_the_checklist_message_is_updated(
        slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    slack_world.clock.advance(timedelta(days=2))  # past Wednesday 09:00 in Auckland
    await slack_world.tick()
    done = [b for b in _buttons(slack_world, "UNIA") if b["action_id"].startswith("tw_task_done")]
    assert len(done) >= 3
    status, _ = await slack_world.click("UNIA", done[0]["action_id"], done[0]["value"])
    assert status == 200
    await slack_world.tick()
    with slack_world.wired.deps.uow() as uow:
        ticked = uow.session.scalars(select(OnboardingTaskRow.task_id).where(
            OnboardingTaskRow.done_at.is_not(None))).all()
    assert list(ticked) == [done[0]["value"].split("|")[2]]
    assert len(slack_world.api.calls_to("chat.update")) == 1


async def test_someone_else_pressing_a_hires_done_button_is_politely_refused(
        slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    slack_world.clock.advance(timedelta(days=2))
    await slack_world.tick()
    done = next(b for b in _buttons(slack_world, "UNIA")
                if b["action_id"].startswith("tw_task_done"))
    status, _ = await slack_world.click("UBEN", done["action_id"], done["value"])
    assert status == 200
    (ephemeral,) = slack_world.api.calls_to("chat.postEphemeral")
    assert ephemeral.params["user"] == "UBEN"
    with slack_world.wired.deps.uow() as uow:
        assert uow.session.scalars(select(OnboardingTaskRow).where(
            OnboardingTaskRow.done_at.is_not(None))).all() == []


async def test_i_need_help_hands_the_conversation_to_the_buddy(slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    slack_world.clock.advance(timedelta(days=1))
    await slack_world.tick()
    help_button = next(b for b in _buttons(slack_world, "UNIA")
                       if b["action_id"].startswith("tw_need_help"))
    await slack_world.click("UNIA", help_button["action_id"], help_button["value"])
    await slack_world.tick()
    buddy_texts = " ".join(slack_world.texts_to("UBEN"))
    assert "Nia would like a hand" in buddy_texts


async def test_a_check_in_score_and_comment_are_stored(slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    slack_world.clock.advance(timedelta(days=5))  # past the day-3 check-in
    await slack_world.tick()
    buttons = _buttons(slack_world, "UNIA")
    score = next(b for b in buttons if b["action_id"].startswith("tw_checkin_score")
                 and b["value"].endswith("|4"))
    await slack_world.click("UNIA", score["action_id"], score["value"])
    comment = next(b for b in buttons if b["action_id"].startswith("tw_checkin_comment"))
    await slack_world.click("UNIA", comment["action_id"], comment["value"])
    (opened,) = slack_world.api.calls_to("views.open")
    view = opened.params["view"]
    field = view["blocks"][-1]["block_id"]
    status, body = await slack_world.post(*simulate.view_submission_body(
        TEAM, "UNIA", view["callback_id"], view["private_metadata"],
        {field: "Settling in well <!channel>"}))
    assert status == 200 and not body
    with slack_world.wired.deps.uow() as uow:
        (checkin,) = uow.session.execute(select(CheckInRow.score, CheckInRow.comment)).all()
    assert tuple(checkin) == (4, "Settling in well <!channel>")


async def test_app_home_shows_the_hires_onboarding_progress(slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    await slack_world.event({"type": "app_home_opened", "user": "UNIA", "tab": "home"})
    (published,) = slack_world.api.calls_to("views.publish")
    assert published.params["user_id"] == "UNIA"
    shown = str(published.params["view"])
    assert "0 of 5 tasks done" in shown
    assert "Next: Welcome to the team, Nia!" in shown


async def test_slash_commands_answer_help_and_privacy_privately(slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    status, body = await slack_world.command("UNIA", "privacy")
    assert status == 200
    assert "who sees" in str(body).lower() and body.get("response_type", "ephemeral") == "ephemeral"
    status, body = await slack_world.command("UNIA", "help")
    assert status == 200 and "/teamwell privacy" in str(body)
    status, body = await slack_world.command("UNIA", "dance")
    assert status == 200 and "don't know" in str(body)


async def test_a_direct_message_to_the_bot_is_answered_through_the_outbox(
        slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    await slack_world.event({"type": "message", "channel_type": "im", "user": "UNIA",
                             "text": "privacy", "channel": "D123", "ts": "1.1"})
    await slack_world.sender.drain()
    assert any("privacy" in t.lower() or "data" in t.lower()
               for t in slack_world.texts_to("UNIA"))


async def test_a_direct_message_from_someone_unknown_gets_a_polite_private_answer(
        slack_world: SlackWorld) -> None:
    slack_world.api.add_channel("DGUEST")
    status = await slack_world.event({"type": "message", "channel_type": "im", "user": "UGUEST",
                                      "text": "hello?", "channel": "DGUEST", "ts": "1.2"})
    assert status == 200
    (reply,) = slack_world.api.calls_to("chat.postEphemeral")
    assert reply.params["user"] == "UGUEST" and "sorry" in reply.params["text"].lower()


async def test_a_bad_signature_or_stale_timestamp_is_refused_with_401(
        slack_world: SlackWorld) -> None:
    body, ctype = simulate.command_body(TEAM, "UNIA", "/teamwell", "help")
    assert (await slack_world.post(body, ctype, secret="wrong"))[0] == 401
    stale = int(time.time()) - 6 * 60
    assert (await slack_world.post(body, ctype, timestamp=stale))[0] == 401


async def _raw_post(world: SlackWorld, data: bytes, headers: dict[str, str]) -> int:
    async with world.session.post(world.server.make_url("/slack/events"), data=data,
                                  headers=headers) as resp:
        await resp.read()
        return resp.status


async def test_missing_or_malformed_signature_headers_are_refused_with_401(
        slack_world: SlackWorld) -> None:
    body = b'{"type": "event_callback"}'
    json_type = {"Content-Type": "application/json"}
    assert await _raw_post(slack_world, body, json_type) == 401
    for timestamp in ("abc", "1.5", "", "\u0661\u0662"):
        headers = {**json_type, "X-Slack-Request-Timestamp": timestamp,
                   "X-Slack-Signature": "v0=00"}
        assert await _raw_post(slack_world, body, headers) == 401


async def test_a_body_that_is_not_utf8_is_refused_with_400(slack_world: SlackWorld) -> None:
    data = b"payload=\xff\xfe"
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               **simulate.sign("test-signing-secret", "ignored")}
    assert await _raw_post(slack_world, data, headers) == 400


async def test_an_oversized_body_is_refused_with_413(slack_world: SlackWorld) -> None:
    body = "payload=" + "x" * 1_500_000
    assert (await slack_world.post(body, "application/x-www-form-urlencoded"))[0] == 413


@pytest.mark.parametrize(("body", "content_type"), [
    ("{not json", "application/json"),
    ('{"type": "event_callback"}', "application/json"),
    ('{"type": "event_callback", "team_id": "T1", "event": {}}', "application/json"),
    ('{"type": "event_callback", "event": {"type": "team_join"}}', "application/json"),
    ('{"type": "something_else"}', "application/json"),
    ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
    ("payload=" + quote('{"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U"}}'),
     "application/x-www-form-urlencoded"),
    ("payload=" + quote('{"type": "view_submission", "team": {"id": "T1"}, "user": {"id": "U"}}'),
     "application/x-www-form-urlencoded"),
    ("payload=" + quote('{"type": "mystery", "team": {"id": "T1"}, "user": {"id": "U"}}'),
     "application/x-www-form-urlencoded"),
    ("command=%2Fteamwell&text=help", "application/x-www-form-urlencoded"),
    ("hello=world", "application/x-www-form-urlencoded"),
    ("command=/teamwell", "text/plain"),
])
async def test_a_malformed_body_is_refused_with_400(slack_world: SlackWorld, body: str,
                                                   content_type: str) -> None:
    status, answer = await slack_world.post(body, content_type)
    assert status == 400
    assert answer["ok"] is False and answer["error"]


async def test_an_unknown_action_or_user_gets_a_polite_private_reply(
        slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    status, _ = await slack_world.click("UNIA", "tw_no_such_button", "x")
    assert status == 200
    slack_world.api.add_channel("CGENERAL")
    status, _ = await slack_world.click("UNKNOWN", "tw_task_done", "a|b|c", channel="CGENERAL")
    assert status == 200
    replies = [c.params for c in slack_world.api.calls_to("chat.postEphemeral")]
    assert {r["user"] for r in replies} == {"UNIA", "UNKNOWN"}
    assert all("sorry" in r["text"].lower() for r in replies)


async def test_a_broken_database_never_turns_into_a_500(slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    with slack_world.wired.deps.uow() as uow:
        (onboarding_id,) = uow.session.scalars(select(OnboardingRow.id)).all()
        uow.session.execute(text("DROP TABLE onboarding_steps"))
        uow.commit()
    status, body = await slack_world.command("UNIA", "onboarding")
    assert status == 200 and "sorry" in str(body).lower()
    status, _ = await slack_world.click("UNIA", "tw_task_done",
                                        f"{onboarding_id}|setup-checklist|laptop")
    assert status == 200
    (told,) = slack_world.api.calls_to("chat.postEphemeral")
    assert told.params["user"] == "UNIA" and "nothing you did was lost" in told.params["text"].lower()
    newcomer = {**NIA_SLACK_USER, "id": "UNEW",
                "profile": {"real_name": "Ola", "email": "ola@acme.test"}}
    status = await slack_world.event({"type": "team_join", "user": newcomer})
    assert status == 503  # Slack retries it later; nothing is lost


async def test_health_check_answers(slack_world: SlackWorld) -> None:
    async with slack_world.session.get(slack_world.server.make_url("/healthz")) as resp:
        assert resp.status == 200
    async with slack_world.session.get(slack_world.server.make_url("/readyz")) as resp:
        assert resp.status == 200


async def test_a_new_hire_can_stop_her_onboarding_messages_with_a_command(
        slack_world: SlackWorld) -> None:
    await _hire_joins(slack_world)
    status, body = await slack_world.command("UNIA", "stop")
    assert status == 200 and "stop" in str(body).lower()
    slack_world.clock.advance(timedelta(days=10))
    await slack_world.tick()
    assert not any("Welcome" in t for t in slack_world.texts_to("UNIA"))
    assert not any("Nia" in t for t in slack_world.texts_to("UBEN"))
