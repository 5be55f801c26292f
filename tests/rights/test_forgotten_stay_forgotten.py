"""Someone forgotten stays forgotten: no sync, roster or click brings them back until `rejoin`."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from teamwell.bot.slack.directory import sync_workspace_users
from teamwell.bot.storage.forgotten import ForgottenAccountRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.bot.wiring import slack_client
from teamwell.core.actions import ActionId
from teamwell.core.clock import FakeClock
from teamwell.core.messages import say
from teamwell.handlers.data_rights import forget_person
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import ALREADY_IN, ANSWER
from teamwell.handlers.notify import queue_for
from teamwell.handlers.people import import_people
from teamwell.handlers.rejoin import WELCOME_BACK
from teamwell.surveys.onboarding import load_library
from tests.rights.conftest import traces_in_database
from tests.rights.rights_world import ZED as ZED_EVERYWHERE
from tests.rights.rights_world import RightsWorld, Someone
from tests.slack.conftest import SlackWorld

ZED = Someone("p-UZQ7731AB", "Zephyrine", "zephyrine@acme.test", "UZQ7731AB")
HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
FORGOTTEN_ON = date(2026, 3, 2)


def _forgotten_zed(w: SlackWorld) -> None:
    """Zephyrine and Bea are in Slack and the directory; Zephyrine has just been forgotten."""
    w.add_person(ZED.slack, ZED.name, "Europe/London")
    w.add_person("UBEA", "Bea", "Europe/London")
    forget_person(w.wired.deps, w.workspace_id, ZED.id, "cli")
    assert traces_in_database(w.wired.engine, ZED.traces()) == []


def _slack_user(w: SlackWorld, user_id: str) -> dict[str, object]:
    return dict(w.api.workspace.users[user_id])


def _ephemeral_to(w: SlackWorld, user_id: str) -> list[str]:
    return [str(c.params["text"]) for c in w.api.calls_to("chat.postEphemeral")
            if c.params.get("user") == user_id]


def test_forgetting_keeps_only_keyed_hashes_of_their_email_and_every_account(
        any_world: RightsWorld) -> None:
    w = any_world

    forget_person(w.deps, w.ws, ZED_EVERYWHERE.id, "cli")

    with w.factory() as uow:
        rows = uow.session.execute(select(ForgottenAccountRow.kind, ForgottenAccountRow.digest,
                                          ForgottenAccountRow.forgotten_on)).all()
    assert sorted(kind for kind, _, _ in rows) == ["email", "slack", "teams", "teams-aad"]
    assert all(HEX_DIGEST.fullmatch(digest) for _, digest, _ in rows)
    assert {on for _, _, on in rows} == {w.clock.now().date()}
    assert traces_in_database(w.factory.engine, ZED_EVERYWHERE.traces()) == []


def test_hashes_are_keyed_by_the_secret_key_and_rows_made_before_it_still_count(
        uow_factory: SqlUnitOfWorkFactory) -> None:
    keyed = SqlUnitOfWorkFactory(uow_factory.engine, ("first-key", "older-key"))
    older = SqlUnitOfWorkFactory(uow_factory.engine, ("older-key",))
    with uow_factory() as uow:
        uow.forgotten.add("ws", "email", "Salted@Acme.test", FORGOTTEN_ON)
        uow.commit()
    with older() as uow:
        uow.forgotten.add("ws", "slack", "UOLD", FORGOTTEN_ON)
        uow.commit()
    with keyed() as uow:
        uow.forgotten.add("ws", "slack", "UNEW", FORGOTTEN_ON)
        uow.commit()

    with keyed() as uow:
        found = [uow.forgotten.forgotten_on("ws", kind, value) for kind, value in (
            ("email", "salted@acme.test"), ("slack", "UOLD"), ("slack", "UNEW"))]
        elsewhere = uow.forgotten.forgotten_on("another-ws", "email", "salted@acme.test")
    with uow_factory() as uow:
        without_the_key = uow.forgotten.forgotten_on("ws", "slack", "UNEW")

    assert found == [FORGOTTEN_ON] * 3
    assert elsewhere is None and without_the_key is None


def test_people_erased_because_they_left_leave_no_hashes(world: RightsWorld) -> None:
    forget_person(world.deps, world.ws, ZED_EVERYWHERE.id, "teamwell", stay_forgotten=False)

    with world.factory() as uow:
        assert list(uow.session.scalars(select(ForgottenAccountRow))) == []


async def test_a_profile_change_and_the_daily_sync_re_create_nobody(
        slack_world: SlackWorld) -> None:
    w = slack_world
    _forgotten_zed(w)

    await w.event({"type": "user_change", "user": _slack_user(w, ZED.slack)})
    await w.event({"type": "team_join", "user": _slack_user(w, ZED.slack)})
    synced = await sync_workspace_users(slack_client(w.wired.settings), w.wired.deps,
                                        w.workspace_id)

    assert synced == 1  # Bea
    assert traces_in_database(w.wired.engine, ZED.traces()) == []


async def test_a_direct_message_or_a_click_gets_the_clear_answer_and_stores_nothing(
        slack_world: SlackWorld) -> None:
    w = slack_world
    _forgotten_zed(w)
    w.api.add_channel("DZED")

    await w.event({"type": "message", "channel_type": "im", "user": ZED.slack,
                   "text": "hello?", "channel": "DZED", "ts": "1.1"})
    await w.click(ZED.slack, ActionId.FORGET_CANCEL.value, "anything", channel="DZED")
    status, answer = await w.command(ZED.slack, "pulse")
    delivered = await w.sender.drain()

    assert _ephemeral_to(w, ZED.slack) == [ANSWER, ANSWER]
    assert status == 200 and answer["text"] == ANSWER
    assert delivered == 0
    assert traces_in_database(w.wired.engine, ZED.traces()) == []


async def test_rejoin_in_a_direct_message_brings_them_back_as_a_new_person_intro_first(
        slack_world: SlackWorld) -> None:
    w = slack_world
    _forgotten_zed(w)
    w.api.add_channel("DZED")

    await w.event({"type": "message", "channel_type": "im", "user": ZED.slack,
                   "text": "rejoin", "channel": "DZED", "ts": "1.1"})
    await w.sender.drain()
    await w.event({"type": "user_change", "user": _slack_user(w, ZED.slack)})

    with w.wired.deps.uow() as uow:
        person = uow.people.by_account(w.workspace_id, "slack", ZED.slack)
        hashes = uow.session.execute(select(ForgottenAccountRow.kind)).all()
    assert person is not None and person.id != ZED.id
    assert (person.name, person.email) == (ZED.name, ZED.email)
    assert person.introduced_at is not None and person.start_date is None
    texts = w.texts_to(ZED.slack)
    assert "a bot" in texts[0] and texts[1] == WELCOME_BACK
    assert hashes == []


async def test_slash_rejoin_answers_with_the_intro_and_a_known_person_has_nothing_to_rejoin(
        slack_world: SlackWorld) -> None:
    w = slack_world
    _forgotten_zed(w)

    _, first = await w.command(ZED.slack, "rejoin")
    _, again = await w.command(ZED.slack, "rejoin")
    _, bea = await w.command("UBEA", "rejoin")

    assert "a bot" in first["text"] and WELCOME_BACK in str(first["blocks"])
    assert again["text"] == bea["text"] == ALREADY_IN
    with w.wired.deps.uow() as uow:
        assert uow.people.by_email(w.workspace_id, ZED.email) is not None


async def test_the_outbox_does_not_link_a_forgotten_slack_account_found_by_email(
        slack_world: SlackWorld) -> None:
    w = slack_world
    deps = w.wired.deps
    _forgotten_zed(w)
    # They came back on Teams (their email is no longer forgotten) but not on Slack.
    with deps.uow() as uow:
        uow.forgotten.remove(w.workspace_id, "email", ZED.email)
        uow.commit()
    import_people(deps, w.workspace_id, f"email,name\n{ZED.email},{ZED.name}\n")
    with deps.uow() as uow:
        person = uow.people.by_email(w.workspace_id, ZED.email)
        assert person is not None
        queue_for(uow, deps.clock.now(), person, "hello", say("Hello"))
        uow.commit()

    await w.sender.drain()

    assert w.texts_to(ZED.slack) == []
    with deps.uow() as uow:
        assert uow.people.by_account(w.workspace_id, "slack", ZED.slack) is None


def test_an_hr_import_skips_them_with_the_reason_and_keeps_the_rest(
        uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> None:
    deps = Deps(uow=uow_factory, clock=clock, sequences=load_library())
    with uow_factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.commit()
    import_people(deps, ws, f"email,name\n{ZED.email},{ZED.name}\n")
    with uow_factory() as uow:
        person = uow.people.by_email(ws, ZED.email)
    assert person is not None
    forget_person(deps, ws, person.id, "cli")

    report = import_people(deps, ws, f"email,name\nbea@acme.test,Bea\n{ZED.email},{ZED.name}\n")

    assert report.created == 1
    assert [(e.line, e.message) for e in report.errors] == [
        (3, "skipped: asked to be forgotten on 2026-03-02; they can type rejoin in Slack or "
            "Teams to use Teamwell again")]
    with uow_factory() as uow:
        assert uow.people.by_email(ws, ZED.email) is None
        assert uow.people.by_email(ws, "bea@acme.test") is not None
