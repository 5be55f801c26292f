"""A real Teamwell Teams endpoint over HTTP, with a local fake Bot Framework connector behind it."""

from __future__ import annotations

import itertools
import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor

from teamwell.bot.config import load_settings
from teamwell.bot.teams import simulate
from teamwell.bot.teams.edge import TeamsEdge
from teamwell.bot.teams.fake_connector import FakeConnector
from teamwell.bot.teams.fake_login import FakeLogin
from teamwell.bot.teams.route import add_teams_routes
from teamwell.bot.teams.simulate import TeamsTeam, TeamsUser, Where
from teamwell.bot.wiring import Wired, wire
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person

TENANT = simulate.TENANT_ID
APP_ID = "11111111-2222-4333-8444-555555555555"
APP_PASSWORD = "not-a-real-secret"
_ids = itertools.count(1)


@dataclass
class TeamsWorld:
    """Teamwell's /api/messages, its database, the fake connector and a fake clock."""

    wired: Wired
    connector: FakeConnector
    server: TestServer
    session: aiohttp.ClientSession
    clock: FakeClock
    edge: TeamsEdge
    where: Where
    team: TeamsTeam = field(default_factory=lambda: TeamsTeam.make("Platform"))
    people: dict[str, str] = field(default_factory=dict)  # Teams user id -> person id

    @property
    def workspace_id(self) -> str:
        """The workspace id of the fake tenant."""
        with self.wired.deps.uow() as uow:
            ws = uow.workspaces.ensure("teams", TENANT, TENANT)
            uow.commit()
        return ws

    async def post(self, activity: dict[str, Any] | str | bytes, *,
                   headers: dict[str, str] | None = None) -> tuple[int, Any]:
        """POST an activity to /api/messages; returns (status, parsed JSON body or text)."""
        if isinstance(activity, dict):
            activity.setdefault("id", f"act-{next(_ids)}")
            data = json.dumps(activity).encode()
        else:
            data = activity.encode() if isinstance(activity, str) else activity
        sent = {"Content-Type": "application/json", **(headers or {})}
        async with self.session.post(self.server.make_url("/api/messages"), data=data,
                                     headers=sent) as resp:
            raw = await resp.text()
            try:
                return resp.status, json.loads(raw) if raw else raw
            except ValueError:
                return resp.status, raw

    def fresh(self, activity: dict[str, Any]) -> dict[str, Any]:
        """Give an activity a unique id (simulated ids are timestamps, equal within a ms)."""
        activity["id"] = f"{activity['id']}-{next(_ids)}"
        return activity

    async def say(self, user: TeamsUser, text: str) -> tuple[int, Any]:
        """The user types text in their 1:1 chat with the bot."""
        return await self.post(self.fresh(simulate.personal_message(user, text,
                                                                    where=self.where)))

    async def click(self, user: TeamsUser, action: str, value: str = "") -> tuple[int, Any]:
        """The user clicks an Action.Submit button in their 1:1 chat."""
        data = {"tw_action": action, "tw_value": value}
        return await self.post(self.fresh(simulate.card_submit(user, data, where=self.where)))

    def user(self, name: str, *, in_roster: bool = True, role: str = "user") -> TeamsUser:
        """A Teams user, in the fake tenant's roster unless told otherwise."""
        user = TeamsUser.make(name)
        if in_roster:
            self.connector.add_member(user.id, user.name, user.email, user.aad_object_id,
                                      user_role=role)
        return user

    def add_person(self, user: TeamsUser, **kwargs: Any) -> str:
        """Put a Teams user in our directory too, linked to their Teams account."""
        ws = self.workspace_id
        with self.wired.deps.uow() as uow:
            person = Person(id=f"p-{user.name.split()[0].lower()}", workspace_id=ws,
                            name=user.name, email=user.email, **kwargs)
            uow.people.save(person)
            uow.people.link_account(ws, person.id, "teams", user.id)
            uow.commit()
        self.people[user.id] = person.id
        return person.id

    def texts_to(self, user: TeamsUser) -> list[str]:
        """What each activity the bot posted in its 1:1 chat with the user says, oldest first."""
        return [shown(a) for a in self.connector.activities_to(user.id)]

    def in_thread(self) -> list[str]:
        """What each activity the bot posted in the team's General channel says."""
        return [shown(a) for a in self.connector.activities_in(self.team.id)]

    def attempted(self) -> list[str]:
        """What every message the bot tried to send says, delivered or not."""
        return [shown(c.body) for c in self.connector.calls("send") if isinstance(c.body, dict)]

    def person_by_account(self, user: TeamsUser) -> Person | None:
        """The directory person linked to a Teams user, if any."""
        ws = self.workspace_id
        with self.wired.deps.uow() as uow:
            return uow.people.by_account(ws, "teams", user.id)


def shown(activity: dict[str, Any]) -> str:
    """An activity's text, summary and card text, as one string."""
    parts = [str(activity.get("text") or ""), str(activity.get("summary") or "")]
    for attachment in activity.get("attachments") or []:
        parts += [str(b.get("text", "")) for b in text_blocks(attachment.get("content"))]
    return "\n".join(p for p in parts if p)


def text_blocks(node: Any) -> list[dict[str, Any]]:
    """Every TextBlock anywhere in a card."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for item in node:
            found += text_blocks(item)
    elif isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(node)
        for value in node.values():
            if isinstance(value, dict | list):
                found += text_blocks(value)
    return found


@pytest.fixture
def teams_env() -> dict[str, str]:
    """Extra settings for the server under test (a test module may override this fixture)."""
    return {"TEAMWELL_TEAMS_ANONYMOUS": "true"}


@pytest.fixture
def teams_start() -> datetime:
    """When the world's clock starts (a test module may override this fixture)."""
    return datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def teams_world(sqlite_url: str, teams_env: dict[str, str],
                      teams_start: datetime) -> AsyncIterator[TeamsWorld]:
    """Everything on loopback; the clock starts Monday 2 March 2026, 09:00 UTC by default."""
    clock = FakeClock(teams_start)
    connector = FakeConnector(clock=clock)
    await connector.start()
    settings = load_settings({"TEAMWELL_DATABASE_URL": sqlite_url, **teams_env})
    wired = wire(settings, clock)
    app = web.Application()
    edge = add_teams_routes(app, wired)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    session = aiohttp.ClientSession()
    world = TeamsWorld(wired=wired, connector=connector, server=server, session=session,
                       clock=clock, edge=edge, where=connector.where())
    try:
        yield world
    finally:
        await session.close()
        await server.close()
        await connector.stop()
        wired.engine.dispose()


@pytest.fixture
def login_tenant() -> str:
    """The tenant that grants the app its tokens (a test module may override this fixture)."""
    return TENANT


@pytest.fixture
def fake_login(monkeypatch: pytest.MonkeyPatch, login_tenant: str) -> Iterator[FakeLogin]:
    """Microsoft's login hosts, faked on loopback; `requests` in this process reaches them."""
    with FakeLogin(APP_ID, APP_PASSWORD, token_tenant=login_tenant) as login:
        for name, value in login.environment().items():
            monkeypatch.setenv(name, value)
        # botbuilder keeps signing keys for a day per metadata URL, process-wide: each test
        # starts with none, as a freshly started Teamwell does.
        monkeypatch.setattr(JwtTokenExtractor, "metadataCache", {})
        yield login
