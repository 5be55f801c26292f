"""A pulse answered over real HTTP: signed block_actions and view_submission into the endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from teamwell.bot.slack import simulate
from teamwell.bot.storage.tables import PulseAnswerRow, PulseCommentRow
from teamwell.handlers.pulse_results import team_results
from teamwell.handlers.pulse_rounds import close_due_rounds, open_round
from tests.slack.conftest import TEAM, SlackWorld

SLACK_IDS = ("UADA", "UBO", "UCY", "UDI", "UED", "UFLO", "UGUS")


async def _team_of_seven_gets_a_pulse(w: SlackWorld) -> None:
    with w.wired.deps.uow() as uow:
        team = uow.teams.ensure(w.workspace_id, "Platform")
        uow.commit()
    for sid in SLACK_IDS:
        w.add_person(sid, sid[1:].title(), "Europe/London", team_id=team.id)
    w.clock.advance(timedelta(hours=2))  # Monday 09:00 in London: outside quiet hours
    opened = open_round(w.wired.deps, w.workspace_id, "Platform")
    assert opened.invited == 7, opened.message
    await _tick(w)


async def _tick(w: SlackWorld) -> None:
    from teamwell.handlers.pulse_delivery import send_due_invites

    send_due_invites(w.wired.deps)
    await w.sender.drain()


def _pulse_buttons(w: SlackWorld, user: str) -> list[dict[str, Any]]:
    return [b for b in w.api.buttons_to(user) if b["action_id"].startswith("tw_pulse")]


async def _answer_all(w: SlackWorld, user: str, pick: int) -> None:
    """Click the pick-th scale button (0-based) of every question."""
    by_question: dict[str, list[dict[str, Any]]] = {}
    for b in _pulse_buttons(w, user):
        if b["action_id"].startswith("tw_pulse_answer") and not b["value"].endswith("|skip"):
            by_question.setdefault(b["value"].split("|")[1], []).append(b)
    assert by_question, f"{user} got no pulse buttons"
    for buttons in by_question.values():
        status, _ = await w.click(user, buttons[pick]["action_id"], buttons[pick]["value"])
        assert status == 200


def _results_text(w: SlackWorld) -> Any:
    return team_results(w.wired.deps, w.workspace_id, "Platform")


async def _close(w: SlackWorld) -> None:
    w.clock.advance(timedelta(days=7))
    assert close_due_rounds(w.wired.deps) == 1


async def test_a_team_of_seven_answers_over_http_and_results_show_six(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    receipt = " ".join(w.texts_to("UADA"))
    assert "bot" in receipt.lower()
    for i, user in enumerate(SLACK_IDS[:6]):
        await _answer_all(w, user, i % 5)
    # One person changes their mind about the first question.
    first = next(b for b in _pulse_buttons(w, "UADA") if b["value"].endswith("|4"))
    status, _ = await w.click("UADA", first["action_id"], first["value"])
    assert status == 200
    # One adds a comment through the modal.
    comment = next(b for b in _pulse_buttons(w, "UBO")
                   if b["action_id"].startswith("tw_pulse_comment"))
    await w.click("UBO", comment["action_id"], comment["value"])
    (opened,) = w.api.calls_to("views.open")
    view = opened.params["view"]
    field = view["blocks"][-1]["block_id"]
    status, body = await w.post(*simulate.view_submission_body(
        TEAM, "UBO", view["callback_id"], view["private_metadata"],
        {field: "Ask Ada about the deploy freeze, call +44 20 7946 0958 <!channel>"}))
    assert status == 200 and not body
    await _close(w)

    results = _results_text(w)

    platform = results.groups[0]
    assert platform.group.label == "Platform" and platform.shown
    assert platform.respondents == 6 and platform.invited == 7
    assert {fig.n for fig in platform.dimensions if fig.shown} == {6}
    assert platform.comments == ("Ask [name] about the deploy freeze, call [phone] <!channel>",)


async def test_with_four_answers_nothing_about_the_team_is_shown(slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    for user in SLACK_IDS[:4]:
        await _answer_all(w, user, 2)
    await _close(w)

    results = _results_text(w)

    (platform,) = results.groups
    assert not platform.shown and platform.respondents == 0 and not platform.dimensions
    assert "fewer than" in platform.reason


async def test_a_click_after_the_round_closed_records_nothing(slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    button = next(b for b in _pulse_buttons(w, "UCY") if b["value"].endswith("|3"))
    await _close(w)

    status, _ = await w.click("UCY", button["action_id"], button["value"])

    assert status == 200
    (reply,) = [c for c in w.api.calls_to("chat.postEphemeral")]
    assert "closed" in str(reply.params["text"])
    with w.wired.deps.uow() as uow:
        assert uow.session.scalars(select(PulseAnswerRow)).all() == []
        assert uow.session.scalars(select(PulseCommentRow)).all() == []


async def test_a_forged_button_for_someone_elses_round_is_refused(slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    w.add_person("UOUT", "Outsider", "Europe/London")
    button = next(b for b in _pulse_buttons(w, "UCY") if b["value"].endswith("|3"))

    status, _ = await w.click("UOUT", button["action_id"], button["value"])

    assert status == 200
    (reply,) = w.api.calls_to("chat.postEphemeral")
    assert "not sent to you" in str(reply.params["text"])
    with w.wired.deps.uow() as uow:
        assert uow.session.scalars(select(PulseAnswerRow)).all() == []


async def test_slash_pulse_reopens_the_pulse_with_my_answers_and_opt_out_works(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    await _answer_all(w, "UDI", 3)

    status, body = await w.command("UDI", "pulse")
    assert status == 200
    assert "your answer" in str(body["blocks"])
    status, body = await w.command("UDI", "pulse off")
    assert "You're out" in body["text"]
    with w.wired.deps.uow() as uow:
        assert uow.pulses.preference(w.workspace_id, w.people["UDI"]).opted_out


async def test_the_home_tab_offers_opting_out_and_back_in(slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)

    await w.event({"type": "app_home_opened", "user": "UED", "tab": "home"})
    home = w.api.calls_to("views.publish")[-1].params["view"]
    out = next(e for b in home["blocks"] if isinstance(b.get("accessory"), dict)
               for e in [b["accessory"]] if e["action_id"].startswith("tw_pulse_opt_out"))
    status, _ = await w.click("UED", out["action_id"], out["value"], view_type="home")

    assert status == 200
    with w.wired.deps.uow() as uow:
        assert uow.pulses.preference(w.workspace_id, w.people["UED"]).opted_out
    again = w.api.calls_to("views.publish")[-1].params["view"]
    assert any(isinstance(b.get("accessory"), dict)
               and b["accessory"]["action_id"].startswith("tw_pulse_opt_in")
               for b in again["blocks"])


async def test_an_over_long_comment_gets_a_clear_error_in_the_form(slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    comment = next(b for b in _pulse_buttons(w, "UCY")
                   if b["action_id"].startswith("tw_pulse_comment"))
    await w.click("UCY", comment["action_id"], comment["value"])
    view = w.api.calls_to("views.open")[-1].params["view"]
    field = view["blocks"][-1]["block_id"]

    status, body = await w.post(*simulate.view_submission_body(
        TEAM, "UCY", view["callback_id"], view["private_metadata"], {field: "é" * 1001}))

    assert status == 200
    assert body["response_action"] == "errors"
    assert "1,000" in body["errors"][field] and "1,001" in body["errors"][field]
    with w.wired.deps.uow() as uow:
        assert uow.session.scalars(select(PulseCommentRow)).all() == []
