"""On Teams too, someone forgotten stays forgotten: roster lookups add nobody until `rejoin`."""

from __future__ import annotations

from sqlalchemy import select

from teamwell.bot.storage.forgotten import ForgottenAccountRow
from teamwell.bot.teams import simulate
from teamwell.bot.teams.simulate import TeamsUser
from teamwell.core.actions import ActionId
from teamwell.handlers.data_rights import forget_person
from teamwell.handlers.forgotten import ALREADY_IN, ANSWER
from teamwell.handlers.rejoin import WELCOME_BACK
from tests.rights.conftest import traces_in_database
from tests.teams.conftest import TeamsWorld

NAME = "Zephyrine Quorrington"


def _forgotten(w: TeamsWorld) -> TeamsUser:
    """Zephyrine (Teams and Entra ids linked) and Bea are in the roster; Zephyrine is forgotten."""
    zed, bea = w.user(NAME), w.user("Bea Hartley")
    zed_id = w.add_person(zed)
    w.add_person(bea)
    with w.wired.deps.uow() as uow:
        uow.people.link_account(w.workspace_id, zed_id, "teams-aad", zed.aad_object_id)
        uow.commit()
    forget_person(w.wired.deps, w.workspace_id, zed_id, "cli")
    return zed


def _traces(zed: TeamsUser) -> list[str]:
    return [zed.id, zed.aad_object_id, zed.email, *NAME.split()]


async def test_roster_lookups_installs_and_messages_re_create_nobody(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    zed = _forgotten(w)
    assert traces_in_database(w.wired.engine, _traces(zed)) == []

    await w.post(simulate.conversation_update_members_added(zed, team=w.team, where=w.where))
    await w.post(simulate.conversation_update_members_added(zed, [zed], bot_added=False,
                                                           team=w.team, where=w.where))
    await w.post(simulate.installation_update(zed, where=w.where))
    await w.post(simulate.conversation_update_members_added(zed, where=w.where))
    await w.say(zed, "hello")
    await w.click(zed, ActionId.FORGET_CANCEL.value, "anything")

    # One answer each to the personal install, the message and the click; nothing else.
    assert [ANSWER in t for t in w.texts_to(zed)] == [True] * 3
    assert traces_in_database(w.wired.engine, _traces(zed)) == []


async def test_rejoin_in_the_1_1_chat_brings_them_back_as_a_new_person_intro_first(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    zed = _forgotten(w)

    await w.say(zed, "rejoin")
    await w.say(zed, "rejoin")

    person = w.person_by_account(zed)
    assert person is not None and person.id != w.people[zed.id]
    assert (person.name, person.email) == (NAME, zed.email)
    welcome, again = w.texts_to(zed)
    assert "I'm Teamwell, a bot" in welcome and WELCOME_BACK in welcome
    assert ALREADY_IN in again
    with w.wired.deps.uow() as uow:
        assert uow.people.account_of(w.workspace_id, person.id, "teams-aad") == \
            zed.aad_object_id.lower()
        assert uow.session.execute(select(ForgottenAccountRow.kind)).all() == []


async def test_in_a_channel_nobody_reads_that_they_asked_to_be_forgotten(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    zed = _forgotten(w)
    bea = TeamsUser.make("Bea Hartley")  # in the roster already

    await w.post(w.fresh(simulate.channel_message_with_mention(
        zed, "kudos great pairing", team=w.team, mentions=[bea], where=w.where)))

    assert w.in_thread() and not any("forget" in t for t in w.in_thread())
    assert traces_in_database(w.wired.engine, _traces(zed)) == []
