"""One aiohttp server, one event loop: Slack ingress, health checks, scheduler and sender."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text

from teamwell.bot.scheduler import build_scheduler
from teamwell.bot.slack.app import build_app
from teamwell.bot.slack.context import SlackEdge
from teamwell.bot.slack.identity import SlackIdentity
from teamwell.bot.slack.inbox import SlackInbox
from teamwell.bot.slack.ingress import slack_route
from teamwell.bot.slack.sender import SlackSender
from teamwell.bot.storage.inbox_store import InboxStore
from teamwell.bot.wiring import Wired, running
from teamwell.handlers.reach import tell_admins_unreachable

log = logging.getLogger(__name__)
EDGE_KEY = web.AppKey("edge", SlackEdge)
INBOX_KEY = web.AppKey("inbox", SlackInbox)


@dataclass
class Background:
    """The scheduler, the outbox senders and the inbox worker, started and stopped together."""

    wired: Wired
    client: AsyncWebClient
    inbox: SlackInbox | None = None
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def start(self) -> None:
        """Start ticking, delivering and handling stored clicks, for each platform in use."""
        settings = self.wired.settings
        slack = bool(settings.slack_bot_token)
        self.scheduler = build_scheduler(self.wired.deps, client=self.client if slack else None,
                                         sentiment=self.wired.sentiment)
        self.scheduler.start()
        if slack:
            sender = SlackSender(self.wired.deps.uow, self.client, self.wired.deps.clock)
            self.tasks.append(asyncio.ensure_future(sender.run(self.stop)))
            inbox = self.inbox or inbox_for(self.wired, self.client)
            self.tasks.append(asyncio.ensure_future(inbox.run(self.stop)))
        if settings.teams.enabled:
            from teamwell.bot.teams.sender import TeamsSender

            deps = self.wired.deps
            teams = TeamsSender(deps.uow, settings.teams, deps.clock,
                                unreachable=partial(tell_admins_unreachable, deps))
            self.tasks.append(asyncio.ensure_future(teams.run(self.stop)))
            self.closers.append(teams.close)

    async def close(self) -> None:
        """Stop ticking; let the senders finish the message in hand."""
        self.stop.set()
        self.scheduler.shutdown(wait=False)
        await asyncio.gather(*self.tasks, return_exceptions=True)
        for close in self.closers:
            await close()


def build_web_app(wired: Wired, client: AsyncWebClient, with_background: bool = True,
                  edge: SlackEdge | None = None) -> web.Application:
    """The HTTP application: /slack/events and /api/messages as configured, /healthz, /readyz."""
    settings = wired.settings
    settings.require_platform()
    web_app = web.Application(client_max_size=2_000_000)
    if settings.slack_bot_token:
        settings.require_slack_http()
        assert settings.slack_signing_secret is not None
        edge = edge or SlackEdge(wired.deps, SlackIdentity(wired.deps))
        bolt = build_app(edge, client, settings.slack_signing_secret)
        inbox = inbox_for(wired, client, edge)
        web_app.router.add_post("/slack/events",
                                slack_route(bolt, settings.slack_signing_secret, inbox))
        web_app[EDGE_KEY] = edge
        web_app[INBOX_KEY] = inbox
    if settings.teams.enabled:
        from teamwell.bot.teams.route import add_teams_routes

        add_teams_routes(web_app, wired)  # kept as web_app[route.TEAMS_EDGE_KEY]
    web_app.router.add_get("/healthz", _healthz)
    web_app.router.add_get("/readyz", _readyz(wired))

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        async with running(settings, client):
            # Without background work here, `teamwell worker` handles the stored clicks.
            background = (Background(wired, client, web_app.get(INBOX_KEY))
                          if with_background else None)
            if background:
                await background.start()
            yield
            if background:
                await background.close()
            if EDGE_KEY in web_app:
                await web_app[EDGE_KEY].drain_background()

    web_app.cleanup_ctx.append(lifecycle)
    return web_app


def inbox_for(wired: Wired, client: AsyncWebClient, edge: SlackEdge | None = None) -> SlackInbox:
    """The inbox of stored clicks, with the Bolt app that replays them (no signature check)."""
    edge = edge or SlackEdge(wired.deps, SlackIdentity(wired.deps))
    # Replayed requests were verified on arrival; their timestamps may be minutes old by now.
    bolt = build_app(edge, client, wired.settings.slack_signing_secret or "replay-only",
                     verify=False)
    return SlackInbox(InboxStore(wired.engine), bolt, wired.deps.clock)


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _readyz(wired: Wired) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(_request: web.Request) -> web.Response:
        def ping() -> None:
            with wired.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        try:
            await asyncio.to_thread(ping)
        except Exception as exc:  # noqa: BLE001 - readiness reports any database failure
            log.warning("not ready: %s", exc)
            return web.json_response({"ok": False, "database": "unreachable"}, status=503)
        return web.json_response({"ok": True})
    return handler
