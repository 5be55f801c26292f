"""/kudos over real HTTP: form-posted slash commands, the fake Slack API recording the posts."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from teamwell.bot.slack import simulate
from teamwell.bot.storage.tables import KudosReceiverRow, KudosRow
from teamwell.core.people import Role
from tests.slack.conftest import TEAM, SlackWorld

CHANNEL = "C0KUDOS01"


@pytest.fixture
def slack_env() -> dict[str, str]:
    return {"TEAMWELL_RECOGNITION_CHANNEL": CHANNEL}


@pytest.fixture
def crew(slack_world: SlackWorld) -> dict[str, str]:
    w = slack_world
    w.api.add_channel(CHANNEL)
    maya = w.add_person("UMAYA", "Maya", "Europe/London",
                        roles=frozenset({Role.EMPLOYEE, Role.MANAGER}))
    ids = {"maya": maya}
    for slack_id, name, tz in (("UBO", "Bo", "Pacific/Honolulu"), ("UCY", "Cy", "Asia/Tokyo"),
                               ("UDI", "Di", "Pacific/Auckland")):
        ids[name.lower()] = w.add_person(slack_id, name, tz, manager_id=maya)
    return ids


def _stored(w: SlackWorld) -> list[tuple[Any, ...]]:
    """(value id, public, message) of every kudos stored."""
    with w.wired.deps.uow() as uow:
        return [tuple(r) for r in uow.session.execute(
            select(KudosRow.value_id, KudosRow.public, KudosRow.message)).all()]


async def _kudos(w: SlackWorld, user: str, text: str) -> str:
    status, body = await w.command(user, text, command="/kudos")
    assert status == 200
    return str(body["text"] if isinstance(body, dict) else body)


def _channel_text(w: SlackWorld) -> str:
    return " ".join(str(m.get("blocks")) for m in w.api.messages_in(CHANNEL))


def _dms(w: SlackWorld, user: str) -> list[str]:
    """Every message the bot sent a user, text and blocks together."""
    return [f"{m.get('text')} {m.get('blocks')}"
            for m in w.api.messages_in(w.api.dm_channel(user) or "")]


async def test_kudos_are_posted_to_the_channel_and_reach_receivers_and_their_manager(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world

    reply = await _kudos(w, "UBO", "<@UCY|cy> <@UDI|di> thanks for the calm release #teamwork")
    await w.tick()

    assert reply.startswith("Kudos to Cy, Di: shared in the recognition channel")
    assert "thanks for the calm release" in _channel_text(w) and "Teamwork" in _channel_text(w)
    assert any("calm release" in t for t in _dms(w, "UCY"))
    assert any("calm release" in t for t in _dms(w, "UDI"))
    assert len(_dms(w, "UMAYA")) >= 2  # one note per report who received kudos
    with w.wired.deps.uow() as uow:
        receivers = uow.session.scalars(select(KudosReceiverRow.receiver_id)).all()
    assert sorted(receivers) == sorted([crew["cy"], crew["di"]])


@pytest.mark.parametrize("attempt", [
    "<!channel>", "<!here>", "<!subteam^S0123|@everyone>", "&lt;@UMAYA|fake&gt;",
    "<http://evil.example|click me>", "&lt;http://evil.example|totally safe&gt;",
])
async def test_injection_in_kudos_text_pings_and_links_nothing(
        slack_world: SlackWorld, crew: dict[str, str], attempt: str) -> None:
    w = slack_world

    await _kudos(w, "UBO", f"<@UCY|cy> great work {attempt}")
    await w.tick()

    posted = _channel_text(w) + " ".join(str(m.get("blocks")) for m in
                                         w.api.messages_in(w.api.dm_channel("UCY") or ""))
    for raw in ("<!channel>", "<!here>", "<!subteam", "<@UMAYA", "<http://evil"):
        assert raw not in posted
    with w.wired.deps.uow() as uow:
        receivers = uow.session.scalars(select(KudosReceiverRow.receiver_id)).all()
    assert list(receivers) == [crew["cy"]]  # a typed "mention" is text, not a receiver


@pytest.mark.parametrize(("text", "expected"), [
    ("<@UBO|bo> thanks!", "yourself"),
    ("thanks everyone", "Who is it for"),
    ("<@UCY|cy>", "add a few words"),
    ("<@UCY|cy> thanks #nosuchvalue", "#teamwork"),
    ("<@UCY|cy> " + "x" * 1001, "1,000"),
])
async def test_bad_kudos_get_a_clear_reply_and_nothing_is_posted(
        slack_world: SlackWorld, crew: dict[str, str], text: str, expected: str) -> None:
    w = slack_world

    reply = await _kudos(w, "UBO", text)
    await w.tick()

    assert expected.lower() in reply.lower()
    assert _stored(w) == [] and w.api.messages_in(CHANNEL) == []


async def test_unknown_people_and_bots_cannot_receive_kudos(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world
    w.api.add_user("UROBOT", "Deploybot", None, is_bot=True)

    unknown = await _kudos(w, "UBO", "<@UNOBODY|ghost> thanks")
    bot = await _kudos(w, "UBO", "<@UROBOT|deploybot> thanks for deploying")

    assert "@ghost" in unknown and "@deploybot" in bot
    assert _stored(w) == []


async def test_a_deactivated_colleague_is_named_and_nothing_is_given(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world
    w.add_person("UGONE", "Gone", "Europe/London", active=False)

    reply = await _kudos(w, "UBO", "<@UGONE|gone> thanks for everything")

    assert "Gone" in reply
    assert _stored(w) == []


async def test_the_daily_allowance_resets_at_midnight_in_the_givers_time_zone(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world
    # Bo is in Honolulu (UTC-10): Monday 21:00 there is Tuesday 07:00 UTC.
    w.clock.set(w.clock.now().replace(hour=7) + timedelta(days=1))
    for n in range(5):
        assert "Kudos to" in await _kudos(w, "UBO", f"<@UCY|cy> thanks, number {n + 1}")

    refused = await _kudos(w, "UBO", "<@UCY|cy> thanks, number six")
    w.clock.advance(timedelta(hours=3, minutes=1))  # 00:01 on Tuesday in Honolulu
    allowed = await _kudos(w, "UBO", "<@UCY|cy> thanks, a new day")

    assert "5" in refused and "midnight" in refused.lower()
    assert allowed.startswith("Kudos to Cy")
    assert len(_stored(w)) == 6


async def test_private_kudos_skip_the_channel_but_reach_the_receiver(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world

    reply = await _kudos(w, "UBO", "private <@UCY|cy> thank you for listening")
    await w.tick()

    assert "privately" in reply
    assert w.api.messages_in(CHANNEL) == []
    assert any("listening" in t for t in _dms(w, "UCY"))


async def test_a_receiver_can_keep_kudos_from_their_manager(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world
    status, body = await w.command("UCY", "kudos-notices off")
    assert status == 200 and "won't be told" in body["text"]

    await _kudos(w, "UBO", "<@UCY|cy> thanks for the review")
    await w.tick()

    assert not any("review" in t for t in _dms(w, "UMAYA"))
    assert any("review" in t for t in _dms(w, "UCY"))


async def test_the_home_tab_form_gives_kudos_with_a_value_privately(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world
    await w.event({"type": "app_home_opened", "user": "UBO", "tab": "home"})
    home = w.api.calls_to("views.publish")[-1].params["view"]
    button = next(b["accessory"] for b in home["blocks"] if isinstance(b.get("accessory"), dict)
                  and b["accessory"]["action_id"].startswith("tw_kudos_open"))
    await w.click("UBO", button["action_id"], button["value"], view_type="home")
    form = w.api.calls_to("views.open")[-1].params["view"]
    assert {b["block_id"] for b in form["blocks"] if b["type"] == "input"} == {
        "receivers", "message", "value", "where"}

    status, body = await w.post(*simulate.view_submission_body(
        TEAM, "UBO", form["callback_id"], form["private_metadata"],
        {"receivers": ["UCY"], "message": "thanks for pairing <!here>"},
        {"value": "curiosity", "where": "private"}))
    await w.tick()

    assert status == 200 and body["response_action"] == "update"
    assert w.api.messages_in(CHANNEL) == []
    assert _stored(w) == [("curiosity", False, "thanks for pairing <!here>")]
    assert any("pairing" in t for t in _dms(w, "UCY"))


async def test_the_form_names_the_problem_next_to_the_field(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world

    status, body = await w.post(*simulate.view_submission_body(
        TEAM, "UBO", "tw_kudos_submit", "", {"receivers": ["UBO"], "message": "me!"}))

    assert status == 200 and body["response_action"] == "errors"
    assert "yourself" in body["errors"]["message"].lower()
    assert _stored(w) == []


async def test_celebrations_reach_the_channel_and_the_person_at_nine_their_time(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    from datetime import date as day

    from teamwell.handlers.celebrations import send_due_celebrations

    w = slack_world
    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        for pid in (crew["bo"], crew["di"]):  # Honolulu (UTC-10) and Auckland (UTC+13)
            person = uow.people.get(ws, pid)
            assert person is not None
            uow.people.save(replace(person, start_date=day(2024, 3, 4)))
        uow.commit()
    posted_at: dict[str, str] = {}
    for _ in range(4 * 72):  # three days of 15-minute ticks
        if send_due_celebrations(w.wired.deps):
            await w.sender.drain()
            for user in ("UBO", "UDI"):
                if user not in posted_at and w.api.messages_in(w.api.dm_channel(user) or ""):
                    posted_at[user] = w.clock.now().isoformat()
        w.clock.advance(timedelta(minutes=15))

    # Wednesday 4 March 09:00: Honolulu is 19:00 UTC; Auckland is 20:00 UTC the day before.
    assert posted_at == {"UBO": "2026-03-04T19:00:00+00:00", "UDI": "2026-03-03T20:00:00+00:00"}
    assert "2 years" in _channel_text(w)


async def test_the_home_tab_toggles_birthday_celebrations_and_manager_notes(
        slack_world: SlackWorld, crew: dict[str, str]) -> None:
    w = slack_world

    def toggles() -> dict[str, dict[str, Any]]:
        home = w.api.calls_to("views.publish")[-1].params["view"]
        return {b["accessory"]["value"].split("|")[0]: b["accessory"] for b in home["blocks"]
                if isinstance(b.get("accessory"), dict)
                and b["accessory"]["action_id"].startswith("tw_recognition_choice")}

    await w.event({"type": "app_home_opened", "user": "UCY", "tab": "home"})
    before = toggles()
    for what in ("birthday", "kudos-notices"):
        button = toggles()[what]
        status, _ = await w.click("UCY", button["action_id"], button["value"], view_type="home")
        assert status == 200

    ws = w.workspace_id
    with w.wired.deps.uow() as uow:
        birthday, left_out = uow.recognition.celebration_choices(ws)[crew["cy"]]
        notes = uow.recognition.manager_notices(ws, crew["cy"])
    assert (before["birthday"]["value"], before["kudos-notices"]["value"]) == (
        "birthday|on", "kudos-notices|off")
    assert (birthday, left_out, notes) == (True, False, False)
    assert toggles()["birthday"]["value"] == "birthday|off"
