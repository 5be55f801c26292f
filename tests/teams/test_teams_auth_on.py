"""Bot Framework authentication turned on, against a fake of Microsoft's login hosts.

Tokens are minted as the Bot Framework channel mints them and checked by botbuilder exactly as
configured in production: only the network to login.botframework.com is local.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from teamwell.bot.storage.tables import PersonAccountRow, ProcessedEventRow, WorkspaceAccountRow
from teamwell.bot.teams import simulate
from teamwell.bot.teams.fake_login import BF_HOST, FakeLogin, new_rsa_key
from tests.teams.conftest import APP_ID, APP_PASSWORD, TENANT, TeamsWorld

AUTH_ON = {"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": APP_PASSWORD, "TEAMS_TENANT_ID": TENANT}
OTHER_APP = "99999999-2222-4333-8444-555555555555"
Mint = Callable[[FakeLogin, str], str]  # (login, the activity's serviceUrl) -> token


def _stored(w: TeamsWorld) -> tuple[Any, ...]:
    """What a handled activity would change: events seen, accounts, saved chat references."""
    with w.wired.engine.connect() as conn:
        counts = tuple(conn.scalar(select(func.count()).select_from(table))
                       for table in (ProcessedEventRow, WorkspaceAccountRow, PersonAccountRow))
        return counts + tuple(conn.scalars(select(PersonAccountRow.conversation_ref)))


def _help_from(w: TeamsWorld, name: str) -> tuple[simulate.TeamsUser, dict[str, Any]]:
    user = w.user(name)
    w.add_person(user)
    return user, w.fresh(simulate.personal_message(user, "help", where=w.where))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("teams_env", [AUTH_ON])
async def test_a_message_with_a_token_minted_as_the_channel_does_is_accepted_and_answered(
        fake_login: FakeLogin, teams_world: TeamsWorld) -> None:
    w = teams_world
    ada, activity = _help_from(w, "Ada Lovelace")
    token = fake_login.channel_token(APP_ID, activity["serviceUrl"])

    status, _ = await w.post(activity, headers=_bearer(token))

    assert status == 200
    assert any("privacy" in text for text in w.texts_to(ada))
    assert f"GET {BF_HOST}/v1/.well-known/keys" in fake_login.requests


def _signed_by_another_key(login: FakeLogin, service_url: str) -> str:
    # Same kid as the published key: only the signature check can tell.
    return login.channel_token(APP_ID, service_url, signed_with=new_rsa_key())


def _expired(login: FakeLogin, service_url: str) -> str:
    # Beyond botbuilder's five minutes of clock skew.
    return login.channel_token(APP_ID, service_url, expires_in=-600)


def _for_another_bot(login: FakeLogin, service_url: str) -> str:
    return login.channel_token(OTHER_APP, service_url)


def _for_another_service_url(login: FakeLogin, service_url: str) -> str:
    return login.channel_token(APP_ID, "https://smba.trafficmanager.net/emea/")


def _from_another_issuer(login: FakeLogin, service_url: str) -> str:
    return login.channel_token(APP_ID, service_url, iss="https://sts.windows.net/evil/")


def _key_not_endorsed_for_teams(login: FakeLogin, service_url: str) -> str:
    login.add_key("webchat-only", endorsements=("webchat",))
    return login.channel_token(APP_ID, service_url, kid="webchat-only")


def _unknown_key_id(login: FakeLogin, service_url: str) -> str:
    token = login.channel_token(APP_ID, service_url)
    login.keys.clear()  # signed by a key the JWKS no longer lists
    login.add_key("rotated-in")
    return token


@pytest.mark.parametrize("teams_env", [AUTH_ON])
@pytest.mark.parametrize("mint", [_signed_by_another_key, _expired, _for_another_bot,
                                  _for_another_service_url, _from_another_issuer,
                                  _key_not_endorsed_for_teams, _unknown_key_id])
async def test_a_token_that_is_not_exactly_right_is_refused_with_401_and_nothing_is_stored(
        fake_login: FakeLogin, teams_world: TeamsWorld, mint: Mint) -> None:
    w = teams_world
    ada, activity = _help_from(w, "Ada Lovelace")
    token = mint(fake_login, activity["serviceUrl"])
    before = _stored(w)

    status, answer = await w.post(activity, headers=_bearer(token))

    assert status == 401
    assert answer == {"ok": False, "error": "unauthorized"}
    assert _stored(w) == before
    assert w.connector.calls() == []


@pytest.mark.parametrize("teams_env", [AUTH_ON])
async def test_when_the_signing_keys_cannot_be_reached_a_message_gets_401_then_passes_later(
        fake_login: FakeLogin, teams_world: TeamsWorld) -> None:
    w = teams_world
    ada, first = _help_from(w, "Ada Lovelace")
    second = w.fresh(simulate.personal_message(ada, "help", where=w.where))
    token = fake_login.channel_token(APP_ID, first["serviceUrl"])
    fake_login.down.add(BF_HOST)

    refused, _ = await w.post(first, headers=_bearer(token))
    fake_login.down.clear()
    accepted, _ = await w.post(second, headers=_bearer(token))

    assert refused == 401
    assert accepted == 200
    assert len(w.texts_to(ada)) == 1


@pytest.mark.parametrize("teams_env", [AUTH_ON])
async def test_when_the_signing_keys_never_answer_a_message_gets_401_within_the_time_limit(
        fake_login: FakeLogin, teams_world: TeamsWorld) -> None:
    w = teams_world
    w.edge.auth_timeout = 1.0
    _ada, activity = _help_from(w, "Ada Lovelace")
    token = fake_login.channel_token(APP_ID, activity["serviceUrl"])
    fake_login.hanging.add(BF_HOST)
    before = _stored(w)

    started = time.monotonic()
    status, _ = await w.post(activity, headers=_bearer(token))
    waited = time.monotonic() - started

    assert status == 401
    assert waited < 5
    assert _stored(w) == before
