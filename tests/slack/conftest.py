"""A real Teamwell Slack endpoint over HTTP, with a local fake Slack Web API behind it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from teamwell.bot.config import load_settings
from teamwell.bot.server import EDGE_KEY, INBOX_KEY, build_web_app
from teamwell.bot.slack import simulate
from teamwell.bot.slack.context import SlackEdge
from teamwell.bot.slack.fake_api import FakeSlackApi
from teamwell.bot.slack.inbox import SlackInbox
from teamwell.bot.slack.sender import SlackSender
from teamwell.bot.wiring import Wired, slack_client, wire
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person, Role
from teamwell.handlers.onboarding import run_due_steps, send_due_reminders

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token"
TEAM = "T0TEAMWELL"


@dataclass
class SlackWorld:
    """Teamwell's HTTP endpoint, its database, the fake Slack API and a fake clock."""

    wired: Wired
    api: FakeSlackApi
    server: TestServer
    session: aiohttp.ClientSession
    clock: FakeClock
    sender: SlackSender
    edge: SlackEdge
    inbox: SlackInbox
    people: dict[str, str] = field(default_factory=dict)  # Slack id -> person id
    _events: int = 0

    @property
    def workspace_id(self) -> str:
        """The workspace id of the fake team."""
        with self.wired.deps.uow() as uow:
            ws = uow.workspaces.ensure("slack", TEAM, "Acme")
            uow.commit()
        return ws

    async def post(self, body: str, content_type: str, *, secret: str = SECRET,
                   timestamp: int | None = None) -> tuple[int, Any]:
        """POST a signed request to /slack/events; returns (status, parsed body or text)."""
        headers = {"Content-Type": content_type, **simulate.sign(secret, body, timestamp)}
        async with self.session.post(self.server.make_url("/slack/events"), data=body.encode(),
                                     headers=headers) as resp:
            raw = await resp.text()
            await self.inbox.drain()
            await self.edge.drain_background()
            try:
                return resp.status, await resp.json(content_type=None) if raw else raw
            except ValueError:
                return resp.status, raw

    async def event(self, event: dict[str, Any], event_id: str | None = None) -> int:
        """Deliver an Events API callback; returns the HTTP status."""
        self._events += 1
        status, _ = await self.post(*simulate.event_body(TEAM, event,
                                                         event_id or f"Ev{self._events:06d}"))
        return status

    async def click(self, user: str, action_id: str, value: str, channel: str | None = None,
                    view_type: str | None = None) -> tuple[int, Any]:
        """A button click by a Slack user (in their DM with the bot unless told otherwise)."""
        channel = channel or (None if view_type else self.api.dm_channel(user))
        return await self.post(*simulate.block_action_body(TEAM, user, action_id, value,
                                                           channel, view_type))

    async def command(self, user: str, text: str, command: str = "/teamwell") -> tuple[int, Any]:
        """A slash command."""
        return await self.post(*simulate.command_body(TEAM, user, command, text))

    async def tick(self) -> int:
        """What the scheduler and the sender do: queue due work, then deliver it."""
        run_due_steps(self.wired.deps)
        send_due_reminders(self.wired.deps)
        return await self.sender.drain()

    def texts_to(self, slack_user: str) -> list[str]:
        """Fallback texts of messages the bot posted to a user's DM, oldest first."""
        channel = self.api.dm_channel(slack_user)
        return [str(m.get("text", "")) for m in self.api.messages_in(channel or "")]

    def add_person(self, slack_id: str, name: str, tz: str, **kwargs: Any) -> str:
        """Put a person in both the fake Slack workspace and our directory, linked."""
        self.api.add_user(slack_id, name, f"{name.lower()}@acme.test", tz=tz)
        with self.wired.deps.uow() as uow:
            ws = uow.workspaces.ensure("slack", TEAM, "Acme")
            person = Person(id=f"p-{slack_id}", workspace_id=ws, name=name,
                            email=f"{name.lower()}@acme.test", timezone=tz, **kwargs)
            uow.people.save(person)
            uow.people.link_account(ws, person.id, "slack", slack_id)
            uow.commit()
        self.people[slack_id] = person.id
        return person.id


@pytest.fixture
def slack_env() -> dict[str, str]:
    """Extra settings for the server under test (a test module may override this fixture)."""
    return {}


@pytest.fixture
async def slack_world(sqlite_url: str, slack_env: dict[str, str]) -> AsyncIterator[SlackWorld]:
    """Everything running on loopback; the clock starts Monday 2 March 2026, 07:00 UTC."""
    clock = FakeClock(datetime(2026, 3, 2, 7, 0, tzinfo=UTC))
    api = FakeSlackApi(token=TOKEN, clock=clock, team_id=TEAM)
    base = await api.start()
    settings = load_settings({
        "TEAMWELL_DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": base + "/api/", **slack_env,
    })
    wired = wire(settings, clock)
    client = slack_client(settings)
    app = build_web_app(wired, client, with_background=False)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    session = aiohttp.ClientSession()
    world = SlackWorld(wired=wired, api=api, server=server, session=session, clock=clock,
                       sender=SlackSender(wired.deps.uow, client, clock), edge=app[EDGE_KEY],
                       inbox=app[INBOX_KEY])
    try:
        yield world
    finally:
        await session.close()
        await server.close()
        await api.stop()
        wired.engine.dispose()


@pytest.fixture
def team(slack_world: SlackWorld) -> dict[str, str]:
    """A manager (London), a buddy (London) and a Tuesday-starting hire (Auckland)."""
    w = slack_world
    maya = w.add_person("UMAYA", "Maya", "Europe/London",
                        roles=frozenset({Role.EMPLOYEE, Role.MANAGER}))
    ben = w.add_person("UBEN", "Ben", "Europe/London", manager_id=maya,
                       start_date=date(2024, 1, 8))
    return {"maya": maya, "ben": ben}
