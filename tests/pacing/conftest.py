"""Fixtures for the pacing tests: a fake Slack that enforces (scaled) limits, a workspace."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import insert, select

from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.slack.fake_limits import LimitedSlackApi
from teamwell.bot.slack.rate_limits import SLACK_LIMITS
from teamwell.bot.storage.tables import OutboxRow, PersonAccountRow, PersonRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.messages import Message, Section, text
from teamwell.core.outbox import OutboundItem

TOKEN = "xoxb-pacing"
TEAM = "T0PACING"
SCALE = 20  # limits refilled 20 times as fast as Slack's, so a test takes seconds
LIMITS = SLACK_LIMITS.scaled(SCALE)


@dataclass
class Workspace:
    """A Slack workspace in the database, mirrored in the limit-enforcing fake."""

    uow: SqlUnitOfWorkFactory
    fake: FakeSlackApiThread
    workspace_id: str

    @property
    def api(self) -> LimitedSlackApi:
        """The fake itself."""
        api = self.fake.api
        assert isinstance(api, LimitedSlackApi)
        return api

    def people(self, count: int, linked: bool = True) -> list[str]:
        """Add people p0000... (Slack users U0000...): linked with their DM known, as after an
        earlier message, or known only by email."""
        users = [f"U{n:04d}" for n in range(count)]
        for n, user in enumerate(users):
            self.fake.add_user(user, f"Person {n}", f"person{n}@pacing.test")
        now = datetime.now(UTC)
        with self.uow() as uow:
            session = uow.session
            session.execute(insert(PersonRow), [
                {"workspace_id": self.workspace_id, "id": f"p{n:04d}", "name": f"Person {n}",
                 "email": f"person{n}@pacing.test", "introduced_at": now}
                for n in range(count)])
            if linked:
                session.execute(insert(PersonAccountRow), [
                    {"workspace_id": self.workspace_id, "platform": "slack", "external_id": user,
                     "person_id": f"p{n:04d}", "conversation_id": self.fake.dm_channel(user)}
                    for n, user in enumerate(users)])
            uow.commit()
        return [f"p{n:04d}" for n in range(count)]

    def queue(self, messages: list[tuple[str, str]]) -> None:
        """Queue (person, words) messages in this order, in one transaction."""
        now = datetime.now(UTC)
        with self.uow() as uow:
            for n, (person, words) in enumerate(messages):
                assert uow.outbox.add(OutboundItem(
                    self.workspace_id, f"k{n:05d}", Message(words, (Section(text(words)),)),
                    recipient_id=person), now)
            uow.commit()

    def unsent(self) -> int:
        """Rows not yet sent."""
        with self.uow() as uow:
            return len(uow.session.scalars(select(OutboxRow.id).where(
                OutboxRow.status != "sent")).all())

    def texts(self, person: str) -> list[str]:
        """What the person's DM holds, oldest first."""
        channel = self.fake.dm_channel("U" + person[1:])
        return [m["text"] for m in self.fake.messages_in(channel or "")]


@pytest.fixture
def limited_slack() -> Iterator[FakeSlackApiThread]:
    """A fake Slack enforcing Slack's limits, scaled, on its own thread."""
    with FakeSlackApiThread(LimitedSlackApi(token=TOKEN, team_id=TEAM, limits=LIMITS)) as fake:
        yield fake


@pytest.fixture
def workspace(uow_factory: SqlUnitOfWorkFactory,
              limited_slack: FakeSlackApiThread) -> Workspace:
    """A Slack workspace on SQLite with nobody in it yet."""
    with uow_factory() as uow:
        workspace_id = uow.workspaces.ensure("slack", TEAM, "Pacing Inc")
        uow.commit()
    return Workspace(uow_factory, limited_slack, workspace_id)


@pytest.fixture
def client(limited_slack: FakeSlackApiThread) -> AsyncWebClient:
    """A slack_sdk client for the fake, without slack_sdk's own retries."""
    c = AsyncWebClient(token=TOKEN, base_url=limited_slack.base_url + "/api/")
    c.retry_handlers.clear()
    return c


@pytest.fixture
async def one_database_thread() -> None:
    """One database thread, as `teamwell serve` and `worker` run on SQLite."""
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
