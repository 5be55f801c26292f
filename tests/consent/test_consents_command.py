"""`/teamwell consents` on both platforms, every switch as a command, and the Slack Home tab."""

from __future__ import annotations

from typing import Any

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.consent import Feature
from teamwell.core.messages import Message, Section
from teamwell.core.people import Person, Role
from teamwell.handlers.commands import command_reply
from teamwell.handlers.deps import Deps
from teamwell.surveys.onboarding import load_library
from tests.consent.test_consent_jobs import MONDAY
from tests.slack.conftest import SlackWorld
from tests.teams.conftest import TeamsWorld

MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})


def _world(factory: SqlUnitOfWorkFactory) -> tuple[Deps, str]:
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.people.save(Person("mia", ws, "Mia", roles=MANAGER))
        uow.people.save(Person("ana", ws, "Ana", manager_id="mia"))
        uow.commit()
    return Deps(uow=factory, clock=FakeClock(MONDAY), sequences=load_library()), ws


def _lines(message: Message) -> list[str]:
    return [b.body.plain() for b in message.blocks if isinstance(b, Section)]


def test_consents_lists_each_feature_its_state_and_the_command_that_changes_it(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, ws = _world(any_uow_factory)
    command_reply(deps, ws, "ana", "pulse off")
    command_reply(deps, ws, "ana", "birthday on")

    mine = _lines(command_reply(deps, ws, "ana", "consents"))
    managers = _lines(command_reply(deps, ws, "mia", "consents", private=True))

    assert [line.split(":")[0] for line in mine] == [
        "Weekly pulse", "Celebrations", "Birthday", "Manager notes"]
    assert "off" in mine[0].split(".")[0] and "/teamwell pulse on" in mine[0]
    assert "Celebrations: on" in mine[1] and "/teamwell celebrations off" in mine[1]
    assert "Birthday: on" in mine[2] and "/teamwell birthday off" in mine[2]
    assert "Manager notes: on" in mine[3] and "/teamwell kudos-notices off" in mine[3]
    assert len(managers) == 5 and "/teamwell kudos-prompts off" in managers[4]


def test_every_switch_is_a_command_that_turns_it_off_and_back_on(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, ws = _world(any_uow_factory)

    seen = []
    for feature in Feature:
        command_reply(deps, ws, "mia", f"{feature.value} off")
        with deps.uow() as uow:
            off = uow.consents.of(ws, "mia").chose(feature)
        command_reply(deps, ws, "mia", f"{feature.value} on")
        with deps.uow() as uow:
            on = uow.consents.of(ws, "mia").chose(feature)
        seen.append((feature, off, on))

    assert seen == [(f, False, True) for f in Feature]


def test_a_word_that_is_no_choice_changes_nothing_and_says_so(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, ws = _world(any_uow_factory)

    reply = command_reply(deps, ws, "ana", "birthday maybe")

    assert "don't know the command" in reply.fallback
    with deps.uow() as uow:
        assert not uow.consents.of(ws, "ana").chose(Feature.BIRTHDAY)


async def test_the_slash_command_answers_consents_privately_on_slack(
        slack_world: SlackWorld) -> None:
    w = slack_world
    w.add_person("UANA", "Ana", "Europe/London")
    await w.command("UANA", "celebrations off")

    status, body = await w.command("UANA", "consents")

    assert status == 200
    assert body.get("response_type", "ephemeral") == "ephemeral"  # Slack's default
    assert "Celebrations: off" in str(body["blocks"])
    assert w.api.calls_to("chat.postMessage") == [], "nothing is queued or posted"


async def test_typed_consents_and_switches_work_in_the_teams_personal_chat(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    pid = w.add_person(ada)

    await w.say(ada, "kudos-notices off")
    status, _ = await w.say(ada, "consents")

    assert status == 200
    assert any("Manager notes: off" in t for t in w.texts_to(ada))
    with w.wired.deps.uow() as uow:
        assert not uow.consents.of(w.workspace_id, pid).allows(Feature.MANAGER_NOTES)


def _switches(w: SlackWorld) -> dict[str, dict[str, Any]]:
    """The Home tab's choice buttons, by the feature they change."""
    home = w.api.calls_to("views.publish")[-1].params["view"]
    found = {}
    for block in home["blocks"]:
        button = block.get("accessory")
        if not isinstance(button, dict):
            continue
        if button["action_id"].startswith(("tw_pulse_opt_out", "tw_pulse_opt_in")):
            found["pulse"] = button
        elif button["action_id"].startswith("tw_recognition_choice"):
            found[button["value"].split("|")[0]] = button
    return found


async def test_the_home_tab_shows_all_four_switches_and_each_click_flips_one(
        slack_world: SlackWorld) -> None:
    w = slack_world
    pid = w.add_person("UANA", "Ana", "Europe/London")
    await w.event({"type": "app_home_opened", "user": "UANA", "tab": "home"})
    before = _switches(w)

    for what in ("pulse", "celebrations", "birthday", "kudos-notices"):
        button = _switches(w)[what]
        status, _ = await w.click("UANA", button["action_id"], button["value"],
                                  view_type="home")
        assert status == 200

    with w.wired.deps.uow() as uow:
        consents = uow.consents.of(w.workspace_id, pid)
    after = _switches(w)
    assert sorted(before) == ["birthday", "celebrations", "kudos-notices", "pulse"]
    assert [consents.chose(f) for f in (Feature.PULSES, Feature.CELEBRATIONS,
                                        Feature.BIRTHDAY, Feature.MANAGER_NOTES)] == [
        False, False, True, False]
    assert after["pulse"]["action_id"].startswith("tw_pulse_opt_in")
    assert after["birthday"]["value"] == "birthday|off"
    assert after["celebrations"]["value"] == "celebrations|on"
