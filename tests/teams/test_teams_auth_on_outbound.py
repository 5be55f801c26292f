"""With authentication on, what the bot sends carries its own token, granted by the login host.

The fake connector refuses any call without exactly the token the fake Entra granted; the
token is fetched by MSAL as in production (only the network to login.microsoftonline.com is
local), from the tenant the app is registered in.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.bot.teams import simulate
from teamwell.bot.teams.fake_connector import FakeConnector
from teamwell.bot.teams.fake_login import (
    AAD_HOST,
    BOT_SCOPE,
    MULTI_TENANT,
    FakeLogin,
    TokenRequest,
)
from teamwell.bot.teams.sender import TeamsSender
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.core.clock import FakeClock
from tests.teams.conftest import APP_ID, APP_PASSWORD, TENANT, TeamsWorld
from tests.teams.test_teams_sender import FAST, Tenant

SINGLE_TENANT_ENV = {"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": APP_PASSWORD,
                     "TEAMS_TENANT_ID": TENANT}
MULTI_TENANT_ENV = {"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": APP_PASSWORD}
GRANTED = TokenRequest(TENANT, APP_ID, BOT_SCOPE, granted=True)


async def _say_help(w: TeamsWorld, login: FakeLogin, user: simulate.TeamsUser) -> int:
    activity = w.fresh(simulate.personal_message(user, "help", where=w.where))
    token = login.channel_token(APP_ID, activity["serviceUrl"])
    status, _ = await w.post(activity, headers={"Authorization": f"Bearer {token}"})
    return status


@pytest.mark.parametrize(("teams_env", "login_tenant"), [(SINGLE_TENANT_ENV, TENANT),
                                                         (MULTI_TENANT_ENV, MULTI_TENANT)])
async def test_a_reply_carries_the_bot_token_granted_by_the_tenant_the_app_belongs_to(
        fake_login: FakeLogin, teams_world: TeamsWorld, login_tenant: str) -> None:
    w = teams_world
    w.connector.require_auth = fake_login.bot_token
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    status = await _say_help(w, fake_login, ada)

    assert status == 200
    assert any("privacy" in text for text in w.texts_to(ada))
    assert {c.authorization for c in w.connector.calls()} == {f"Bearer {fake_login.bot_token}"}
    assert fake_login.token_requests == [TokenRequest(login_tenant, APP_ID, BOT_SCOPE, True)]


@pytest.mark.parametrize("teams_env", [SINGLE_TENANT_ENV])
async def test_replies_to_several_messages_ask_entra_for_one_token(
        fake_login: FakeLogin, teams_world: TeamsWorld) -> None:
    w = teams_world
    w.connector.require_auth = fake_login.bot_token
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    statuses = [await _say_help(w, fake_login, ada) for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert len(w.texts_to(ada)) == 3
    assert fake_login.token_requests == [GRANTED]


@pytest.mark.parametrize("teams_env", [SINGLE_TENANT_ENV])
async def test_while_entra_is_slow_to_grant_the_token_the_server_keeps_serving(
        fake_login: FakeLogin, teams_world: TeamsWorld) -> None:
    w = teams_world
    w.connector.require_auth = fake_login.bot_token
    fake_login.entra_latency = 0.5  # twice: the tenant's metadata, then the token
    ada = w.user("Ada Lovelace")
    w.add_person(ada)
    gaps: list[float] = []

    async def heartbeat() -> None:
        last = time.monotonic()
        while True:
            await asyncio.sleep(0.02)
            gaps.append(time.monotonic() - last)
            last = time.monotonic()

    beating = asyncio.create_task(heartbeat())
    status = await _say_help(w, fake_login, ada)
    beating.cancel()

    assert status == 200
    assert len(w.texts_to(ada)) == 1
    assert max(gaps) < 0.5  # the event loop never waited for Entra (1 s)


@pytest.mark.parametrize("teams_env", [SINGLE_TENANT_ENV])
async def test_when_entra_cannot_be_reached_a_message_gets_503_and_is_handled_on_its_retry(
        fake_login: FakeLogin, teams_world: TeamsWorld) -> None:
    w = teams_world
    w.connector.require_auth = fake_login.bot_token
    ada = w.user("Ada Lovelace")
    w.add_person(ada)
    activity = w.fresh(simulate.personal_message(ada, "help", where=w.where))
    headers = {"Authorization": f"Bearer {fake_login.channel_token(APP_ID, w.where.service_url)}"}
    fake_login.down.add(AAD_HOST)

    refused, _ = await w.post(dict(activity), headers=headers)
    fake_login.down.clear()
    retried, _ = await w.post(dict(activity), headers=headers)

    assert refused == 503
    assert retried == 200
    assert len(w.texts_to(ada)) == 1


@pytest.fixture
async def tenant(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock,
                 fake_login: FakeLogin) -> AsyncIterator[Tenant]:
    """A tenant whose connector wants the bot token the fake Entra grants."""
    connector = FakeConnector(clock=clock, tenant_id=TENANT, require_auth=fake_login.bot_token)
    await connector.start()
    with uow_factory() as uow:
        ws = uow.workspaces.ensure("teams", TENANT, "Acme")
        uow.commit()
    yield Tenant(uow_factory, connector, clock, ws)
    await connector.stop()


def _rows(t: Tenant) -> list[tuple[str, int, str | None]]:
    with t.uow() as uow:
        rows = uow.session.scalars(select(OutboxRow)).all()
        return [(r.status, r.attempts, r.last_error) for r in rows]


async def test_the_outbox_courier_sends_with_the_bot_token_and_asks_entra_once(
        tenant: Tenant, fake_login: FakeLogin) -> None:
    ana = tenant.person(1)
    tenant.queue(ana, "one", "Welcome aboard")
    tenant.queue(ana, "two", "Your first week")
    sender = TeamsSender(tenant.uow, TeamsConfig(APP_ID, APP_PASSWORD, TENANT), tenant.clock,
                         FAST)

    delivered = await sender.drain()
    await sender.close()

    assert delivered == 2
    assert tenant.connector.texts_to("29:user-1") == ["Welcome aboard", "Your first week"]
    assert {c.authorization for c in tenant.connector.calls()} == {
        f"Bearer {fake_login.bot_token}"}
    assert fake_login.token_requests == [GRANTED]


async def test_with_a_wrong_secret_the_outbox_sends_nothing_and_the_message_waits(
        tenant: Tenant, fake_login: FakeLogin) -> None:
    ana = tenant.person(1)
    tenant.queue(ana, "one", "Welcome aboard")
    sender = TeamsSender(tenant.uow, TeamsConfig(APP_ID, "a-wrong-secret", TENANT),
                         tenant.clock, FAST)

    delivered = await sender.drain()
    await sender.close()

    [(status, attempts, error)] = _rows(tenant)
    assert delivered == 0
    assert tenant.connector.calls() == []
    assert fake_login.tokens_granted() == []
    assert (status, attempts) == ("pending", 1)
    assert error is not None and "token" in error and "Invalid client secret" in error
