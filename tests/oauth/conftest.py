"""Teamwell in OAuth mode over real HTTP, with two fake Slack workspaces that can install it."""

from __future__ import annotations

import html
import re
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from cryptography.fernet import Fernet
from sqlalchemy import MetaData, Table, select

from teamwell.bot.config import load_settings
from teamwell.bot.server import EDGE_KEY, INBOX_KEY, build_web_app
from teamwell.bot.slack import simulate
from teamwell.bot.slack.context import SlackEdge
from teamwell.bot.slack.fake_oauth import FakeSlackOAuth
from teamwell.bot.slack.inbox import SlackInbox
from teamwell.bot.slack.install_store import EncryptedInstallationStore
from teamwell.bot.slack.sender import SlackSender
from teamwell.bot.wiring import Wired, slack_client, wire
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "oauth-client-secret"
SIGNING_SECRET = "test-signing-secret"
ALPHA, BETA = "T0ALPHA", "T0BETA"
KEY = Fernet.generate_key().decode()


def free_port() -> int:
    """A port nobody listens on (for a server whose URL must be known before it starts)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OAuthWorld:
    """Teamwell's HTTP endpoint in OAuth mode, its database, the fake Slack and a browser."""

    wired: Wired
    slack: FakeSlackOAuth
    server: TestServer
    browser: aiohttp.ClientSession
    clock: FakeClock
    sender: SlackSender
    edge: SlackEdge
    inbox: SlackInbox
    _events: int = 0

    @property
    def store(self) -> EncryptedInstallationStore:
        """The installation store."""
        assert self.wired.slack_installs is not None
        return self.wired.slack_installs

    def url(self, path: str) -> str:
        """Our server's URL for path."""
        return str(self.server.make_url(path))

    async def install_page(self, team: str) -> str:
        """GET /slack/install as the installer's browser; the "Add to Slack" link."""
        async with self.browser.get(self.url(f"/slack/install?team={team}")) as resp:
            assert resp.status == 200, await resp.text()
            found = re.search(r'<a href="([^"]+)"', await resp.text())
        assert found is not None
        return html.unescape(found.group(1))

    async def install(self, team: str) -> tuple[int, str]:
        """The whole install: our page, Slack's authorize page, back to our redirect URL."""
        async with self.browser.get(await self.install_page(team)) as resp:
            return resp.status, await resp.text()

    async def redirect(self, query: str, state_cookie: str | None = None) -> tuple[int, str]:
        """GET /slack/oauth_redirect?query as the browser, or (state_cookie given) as a browser
        holding exactly that install cookie."""
        url = self.url(f"/slack/oauth_redirect?{query}")
        if state_cookie is None:
            async with self.browser.get(url, allow_redirects=False) as resp:
                return resp.status, await resp.text()
        headers = {"Cookie": f"slack-app-oauth-state={state_cookie}"}
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as other, \
                other.get(url, headers=headers, allow_redirects=False) as resp:
            return resp.status, await resp.text()

    def workspace(self, team: str) -> str:
        """Our workspace id of a Slack team (it must exist)."""
        with self.wired.deps.uow() as uow:
            ws = uow.workspaces.find("slack", team)
        assert ws is not None, f"no workspace for {team}"
        return ws

    def add_person(self, team: str, slack_id: str, name: str, tz: str = "UTC",
                   **kwargs: Any) -> str:
        """A person in both the fake Slack team and our directory, linked."""
        email = f"{name.lower()}@{team.lower()}.test"
        self.slack.teams[team].add_user(slack_id, name, email, tz=tz)
        ws = self.workspace(team)
        person = Person(id=f"p-{team}-{slack_id}", workspace_id=ws, name=name, email=email,
                        timezone=tz, **kwargs)
        with self.wired.deps.uow() as uow:
            uow.people.save(person)
            uow.people.link_account(ws, person.id, "slack", slack_id)
            uow.commit()
        return person.id

    async def post(self, body: str, content_type: str) -> tuple[int, str]:
        """A signed POST to /slack/events; stored clicks and background replies finish first."""
        headers = {"Content-Type": content_type, **simulate.sign(SIGNING_SECRET, body)}
        async with self.browser.post(self.url("/slack/events"), data=body.encode(),
                                     headers=headers) as resp:
            text = await resp.text()
        await self.inbox.drain()
        await self.edge.drain_background()
        return resp.status, text

    async def event(self, team: str, event: dict[str, Any]) -> int:
        """An Events API callback from a team; the HTTP status."""
        self._events += 1
        status, _ = await self.post(*simulate.event_body(team, event, f"Ev{self._events:06d}"))
        return status

    async def click(self, team: str, user: str, action_id: str, value: str) -> int:
        """A button click in the user's DM with the bot."""
        channel = self.slack.teams[team].dm_channel(user)
        status, _ = await self.post(*simulate.block_action_body(team, user, action_id, value,
                                                                channel))
        return status

    def raw(self, table: str) -> list[dict[str, Any]]:
        """The rows of a table exactly as stored (no decryption)."""
        reflected = Table(table, MetaData(), autoload_with=self.wired.engine)
        with self.wired.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(select(reflected))]


def oauth_settings(db_url: str, api_base: str, port: int, **extra: str) -> dict[str, str]:
    """The environment of Teamwell in OAuth mode."""
    return {
        "TEAMWELL_DATABASE_URL": db_url, "SLACK_CLIENT_ID": CLIENT_ID,
        "SLACK_CLIENT_SECRET": CLIENT_SECRET, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "TEAMWELL_SECRET_KEY": KEY, "SLACK_API_URL": api_base + "/api/",
        "SLACK_REDIRECT_URI": f"http://127.0.0.1:{port}/slack/oauth_redirect", **extra,
    }


@pytest.fixture
async def oauth_world(db_url: str) -> AsyncIterator[OAuthWorld]:
    """Everything on loopback, on each database; the clock reads Monday 2 March 2026, 10:00."""
    clock = FakeClock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    slack = FakeSlackOAuth(CLIENT_ID, CLIENT_SECRET, clock=clock)
    slack.add_team(ALPHA, "Alpha Inc")
    slack.add_team(BETA, "Beta Ltd")
    port = free_port()
    base = await slack.start()
    slack.redirect_uri = f"http://127.0.0.1:{port}/slack/oauth_redirect"
    wired = wire(load_settings(oauth_settings(db_url, base, port)), clock)
    client = slack_client(wired.settings)
    app = build_web_app(wired, client, with_background=False)
    server = TestServer(app, host="127.0.0.1", port=port)
    await server.start_server()
    # A browser: keeps the install cookie (Bolt marks it Secure; this origin counts as secure).
    jar = aiohttp.CookieJar(unsafe=True, treat_as_secure_origin=[f"http://127.0.0.1:{port}"])
    browser = aiohttp.ClientSession(cookie_jar=jar)
    assert wired.slack_installs is not None
    sender = SlackSender(wired.deps.uow, client, clock,
                         tokens=wired.slack_installs.bot_token_for_workspace)
    world = OAuthWorld(wired, slack, server, browser, clock, sender, app[EDGE_KEY],
                       app[INBOX_KEY])
    try:
        yield world
    finally:
        await browser.close()
        await server.close()
        await slack.stop()
        wired.engine.dispose()
