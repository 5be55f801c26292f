"""Fixtures for the outbox tests: a fake Slack, a seeded workspace, a sender."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import select

from teamwell.bot.slack.fake_api import FakeSlackApi, FakeSlackApiThread
from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import Clock
from teamwell.core.messages import Message, Section, text
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person

TOKEN = "xoxb-test"
TEAM = "T0TEAMWELL"


@dataclass
class Org:
    """A Slack workspace in the database, mirrored in the fake Slack."""

    uow: SqlUnitOfWorkFactory
    fake: FakeSlackApiThread
    clock: Clock
    workspace_id: str

    def person(self, n: int, linked: bool = True, email: str | None = None,
               in_slack: bool = True) -> str:
        """Add person p<n> (Slack user U<n>) and return their id."""
        person_id, user_id = f"p{n:03d}", f"U{n:04d}"
        email = email or f"person{n}@example.com"
        if in_slack:
            self.fake.add_user(user_id, f"Person {n}", email.upper())
        with self.uow() as uow:
            uow.people.save(Person(id=person_id, workspace_id=self.workspace_id,
                                   name=f"Person {n}", email=email))
            if linked:
                uow.people.link_account(self.workspace_id, person_id, "slack", user_id)
            uow.commit()
        return person_id

    def queue(self, *items: OutboundItem) -> None:
        """Queue items as a handler would, in one transaction."""
        with self.uow() as uow:
            for item in items:
                assert uow.outbox.add(item, self.clock.now())
            uow.commit()

    def item(self, key: str, to: str | None = None, channel: str | None = None,
             replaces: str | None = None, words: str | None = None) -> OutboundItem:
        """An outbound item for a person or a channel."""
        words = words or f"message {key}"
        return OutboundItem(self.workspace_id, key, Message(words, (Section(text(words)),)),
                            recipient_id=to, channel=channel, replaces=replaces)

    def rows(self) -> dict[str, OutboxRow]:
        """Every outbox row by idempotency key."""
        with self.uow() as uow:
            found = uow.session.scalars(select(OutboxRow)).all()
            uow.session.expunge_all()  # keep the loaded values after the unit of work ends
            return {r.idempotency_key: r for r in found}


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApiThread]:
    """A fake Slack Web API on 127.0.0.1 in its own thread."""
    fake = FakeSlackApiThread(FakeSlackApi(token=TOKEN, team_id=TEAM))
    fake.start()
    yield fake
    fake.stop()


def _org(uow_factory: SqlUnitOfWorkFactory, fake_slack: FakeSlackApiThread, clock: Clock) -> Org:
    with uow_factory() as uow:
        workspace_id = uow.workspaces.ensure("slack", TEAM, "Acme")
        uow.commit()
    return Org(uow_factory, fake_slack, clock, workspace_id)


@pytest.fixture
def org(uow_factory: SqlUnitOfWorkFactory, fake_slack: FakeSlackApiThread, clock: Clock) -> Org:
    """A Slack workspace on SQLite, with nobody in it yet."""
    return _org(uow_factory, fake_slack, clock)


@pytest.fixture
def any_org(any_uow_factory: SqlUnitOfWorkFactory, fake_slack: FakeSlackApiThread,
            clock: Clock) -> Org:
    """A Slack workspace on each supported database, with nobody in it yet."""
    return _org(any_uow_factory, fake_slack, clock)


@pytest.fixture
def client(fake_slack: FakeSlackApiThread) -> AsyncWebClient:
    """A slack_sdk client for the fake, without slack_sdk's own retries."""
    c = AsyncWebClient(token=TOKEN, base_url=fake_slack.base_url + "/api/")
    c.retry_handlers.clear()
    return c
