"""The Teams outbox sender against a local fake Bot Framework connector."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from teamwell.bot.outbox_sender import SenderSettings
from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.bot.teams.fake_connector import FakeConnector
from teamwell.bot.teams.sender import TeamsSender
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.bot.teams.simulate import TENANT_ID, personal_conversation_id
from teamwell.core.clock import FakeClock
from teamwell.core.messages import Message, Section, text
from teamwell.core.people import Person, Role
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for
from teamwell.handlers.reach import tell_admins_unreachable
from teamwell.surveys.onboarding import load_library

FAST = SenderSettings(lease_seconds=30, backoff_base=0.05, backoff_cap=0.2, original_wait=0.05)


@dataclass
class Tenant:
    """A Teams tenant in our database and at the fake connector."""

    uow: SqlUnitOfWorkFactory
    connector: FakeConnector
    clock: FakeClock
    workspace_id: str

    def person(self, n: int, *, installed: bool = True, reference: bool = True,
               admin: bool = False) -> str:
        """A person linked to a Teams user; with a stored 1:1 reference unless told not to."""
        user = f"29:user-{n}"
        self.connector.add_member(user, f"Person {n}", f"p{n}@acme.test", installed=installed)
        roles = frozenset({Role.EMPLOYEE, Role.ADMIN}) if admin else frozenset({Role.EMPLOYEE})
        with self.uow() as uow:
            uow.people.save(Person(id=f"p{n}", workspace_id=self.workspace_id,
                                   name=f"Person {n}", email=f"p{n}@acme.test",
                                   timezone="Europe/London", roles=roles,
                                   introduced_at=self.clock.now()))
            uow.people.link_account(self.workspace_id, f"p{n}", "teams", user)
            uow.commit()
        if reference:
            conversation = personal_conversation_id(user, TENANT_ID)
            ref = {"conversation": {"id": conversation}, "serviceUrl": self.connector.base_url,
                   "user": {"id": user}, "channelId": "msteams"}
            OutboxStore(self.uow, "teams").remember_conversation(
                self.workspace_id, user, conversation, json.dumps(ref))
        return f"p{n}"

    def queue(self, person_id: str, key: str, line: str, replaces: str | None = None) -> None:
        """Queue a one-paragraph message for a person."""
        with self.uow() as uow:
            person = uow.people.get(self.workspace_id, person_id)
            assert person is not None
            queue_for(uow, self.clock.now(), person, key,
                      Message(line, (Section(text(line)),)), replaces=replaces)
            uow.commit()

    def statuses(self) -> dict[str, str]:
        """Outbox status by idempotency key."""
        with self.uow() as uow:
            rows = uow.session.scalars(select(OutboxRow)).all()  # type: ignore[attr-defined]
            return {r.idempotency_key: r.status for r in rows}


@pytest.fixture
async def tenant(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> AsyncIterator[Tenant]:
    """A tenant with nobody in it yet."""
    connector = FakeConnector(clock=clock, tenant_id=TENANT_ID)
    await connector.start()
    with uow_factory() as uow:
        ws = uow.workspaces.ensure("teams", TENANT_ID, "Acme")
        uow.commit()
    yield Tenant(uow_factory, connector, clock, ws)
    await connector.stop()


def _sender(t: Tenant, told: list[tuple[str, str]] | None = None) -> TeamsSender:
    def unreachable(ws: str, person_id: str, reason: str, remedy: str) -> None:
        if told is not None:
            told.append((person_id, reason))
        deps = Deps(uow=t.uow, clock=t.clock, sequences=load_library(None))
        tell_admins_unreachable(deps, ws, person_id, reason, remedy)
    return TeamsSender(t.uow, TeamsConfig(anonymous=True), t.clock, FAST, unreachable=unreachable)


async def test_a_person_with_a_stored_reference_gets_the_message_as_a_card(tenant: Tenant) -> None:
    ana = tenant.person(1)
    tenant.queue(ana, "hello", "Welcome aboard")
    sender = _sender(tenant)

    delivered = await sender.drain()
    await sender.close()

    activities = tenant.connector.activities_to("29:user-1")
    assert delivered == 1
    assert [a["summary"] for a in activities] == ["Welcome aboard"]
    card = activities[0]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert tenant.statuses() == {"hello": "sent"}
    assert tenant.connector.calls("send")[0].authorization is None  # anonymous: no token


async def test_a_linked_person_without_a_reference_gets_a_new_chat_which_is_remembered(
    tenant: Tenant
) -> None:
    tenant.person(1)  # someone whose reference gives the tenant's service URL
    bo = tenant.person(2, reference=False)
    tenant.queue(bo, "first", "One")
    tenant.queue(bo, "second", "Two")
    sender = _sender(tenant)

    await sender.drain()
    await sender.close()

    assert tenant.connector.texts_to("29:user-2") == ["One", "Two"]
    assert len(tenant.connector.calls("create")) == 1
    recipient = OutboxStore(tenant.uow, "teams").recipient(tenant.workspace_id, bo)
    assert recipient is not None and recipient.conversation_ref is not None


async def test_a_rate_limit_waits_for_retry_after_and_delivers_once(tenant: Tenant) -> None:
    ana = tenant.person(1)
    tenant.queue(ana, "m", "Hi")
    tenant.connector.fail_next("send", 1, status=429, retry_after=7)
    sender = _sender(tenant)

    first = await sender.drain()
    tenant.clock.advance(timedelta(seconds=6))
    early = await sender.drain()
    tenant.clock.advance(timedelta(seconds=2))
    late = await sender.drain()
    await sender.close()

    assert (first, early, late) == (0, 0, 1)
    assert tenant.connector.texts_to("29:user-1") == ["Hi"]


async def test_a_server_error_is_retried_and_the_message_arrives_once(tenant: Tenant) -> None:
    ana = tenant.person(1)
    tenant.queue(ana, "m", "Hi")
    tenant.connector.fail_next("send", 1, status=502)
    sender = _sender(tenant)

    await sender.drain()
    tenant.clock.advance(timedelta(seconds=5))
    await sender.drain()
    await sender.close()

    assert tenant.connector.texts_to("29:user-1") == ["Hi"]
    assert tenant.statuses() == {"m": "sent"}


async def test_someone_without_the_app_fails_and_the_admin_is_told_once(tenant: Tenant) -> None:
    tenant.person(1, admin=True)
    cy = tenant.person(3, installed=False, reference=False)
    tenant.queue(cy, "a", "One")
    tenant.queue(cy, "b", "Two")
    told: list[tuple[str, str]] = []
    sender = _sender(tenant, told)

    await sender.drain()
    tenant.clock.advance(timedelta(seconds=5))
    await sender.drain()
    await sender.close()

    statuses = tenant.statuses()
    notices = [t for t in tenant.connector.texts_to("29:user-1") if "Person 3" in t]
    assert statuses["a"] == statuses["b"] == "failed"
    assert tenant.connector.texts_to("29:user-3") == []
    assert len(notices) == 1 and "not installed" in notices[0]
    assert len(told) >= 1


async def test_an_update_replaces_the_earlier_activity(tenant: Tenant) -> None:
    ana = tenant.person(1)
    tenant.queue(ana, "card", "Question 1 of 3")
    sender = _sender(tenant)
    await sender.drain()

    tenant.queue(ana, "card:v2", "Thanks, answered", replaces="card")
    await sender.drain()
    await sender.close()

    assert tenant.connector.texts_to("29:user-1") == ["Thanks, answered"]
    assert len(tenant.connector.calls("update")) == 1
