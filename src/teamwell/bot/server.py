"""One aiohttp server, one event loop: Slack ingress, health checks, scheduler and sender."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial

from aiohttp import web
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.leader import Leadership
from teamwell.bot.ops_http import add_ops_routes
from teamwell.bot.scheduler import build_scheduler
from teamwell.bot.slack.app import build_app
from teamwell.bot.slack.context import SlackEdge
from teamwell.bot.slack.identity import SlackIdentity
from teamwell.bot.slack.inbox import SlackInbox
from teamwell.bot.slack.ingress import slack_route
from teamwell.bot.slack.oauth import SlackOAuth, add_install_routes
from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.inbox_store import InboxStore
from teamwell.bot.wiring import Wired, running
from teamwell.handlers.reach import tell_admins_unreachable

log = logging.getLogger(__name__)
EDGE_KEY = web.AppKey("edge", SlackEdge)
INBOX_KEY = web.AppKey("inbox", SlackInbox)
# On SIGTERM: the HTTP side gets HTTP_GRACE to answer requests in flight, then the senders get
# BACKGROUND_GRACE to finish the message in hand; together under a 30 s termination period.
HTTP_GRACE = 5.0
BACKGROUND_GRACE = 15.0


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
        slack = settings.slack_enabled
        installs = self.wired.slack_installs  # OAuth mode: a bot token per workspace
        # Only the leader ticks and sends (PostgreSQL advisory lock; always this process on
        # SQLite), so that the senders' pacing to the platforms' limits is the deployment's.
        self.scheduler = Leadership(self.wired.engine, partial(
            build_scheduler, self.wired.deps, client=self.client if slack else None,
            sentiment=self.wired.sentiment,
            teams=installs.installed_teams if installs else None))
        self.scheduler.start()
        self.closers.append(self.scheduler.close)
        lease = SenderSettings(lease_seconds=settings.outbox_lease_seconds,
                               pace=settings.outbox_pacing)
        if slack:
            sender = SlackSender(self.wired.deps.uow, self.client, self.wired.deps.clock, lease,
                                 tokens=installs.bot_token_for_workspace if installs else None)
            self.scheduler.send_while_leading(sender)
            inbox = self.inbox or inbox_for(self.wired, self.client)
            self.tasks.append(asyncio.ensure_future(inbox.run(self.stop)))
        if settings.teams.enabled:
            from teamwell.bot.teams.sender import TeamsSender

            deps = self.wired.deps
            teams = TeamsSender(deps.uow, settings.teams, deps.clock, lease,
                                unreachable=partial(tell_admins_unreachable, deps))
            self.scheduler.send_while_leading(teams)
            self.closers.append(teams.close)

    async def close(self, grace: float = BACKGROUND_GRACE) -> None:
        """Stop ticking; let the senders finish the message in hand (for at most grace s);
        then run the closers (where a leader lock is released, after the work it guarded)."""
        self.stop.set()
        self.scheduler.shutdown(wait=False)
        if self.tasks:
            log.info("stopping: finishing the messages in hand (at most %.0f s)", grace)
            _done, late = await asyncio.wait(self.tasks, timeout=grace)
            for task in late:
                # A row cancelled mid-send stays `sending`: after its lease it is in doubt,
                # and the next sender looks for it in the conversation before posting again.
                task.cancel()
            if late:
                log.warning("stopping: %d background tasks cut off after %.0f s", len(late),
                            grace)
            await asyncio.gather(*self.tasks, return_exceptions=True)
        for close in self.closers:
            try:
                await close()
            except Exception:  # noqa: BLE001 - one failing closer must not skip the others
                log.exception("stopping: a closer failed")
        log.info("stopped: background work is finished")


def build_web_app(wired: Wired, client: AsyncWebClient, with_background: bool = True,
                  edge: SlackEdge | None = None) -> web.Application:
    """The HTTP application: /slack/events and /api/messages as configured, /healthz,
    /readyz, /metrics."""
    settings = wired.settings
    settings.require_platform()
    web_app = web.Application(client_max_size=2_000_000)
    if settings.slack_enabled:
        settings.require_slack_http()
        assert settings.slack_signing_secret is not None
        edge = edge or SlackEdge(wired.deps, SlackIdentity(wired.deps))
        oauth = slack_oauth(wired, client)
        bolt = build_app(edge, client, settings.slack_signing_secret, oauth=oauth)
        inbox = inbox_for(wired, client, edge, oauth)
        web_app.router.add_post("/slack/events",
                                slack_route(bolt, settings.slack_signing_secret, inbox))
        if oauth is not None:
            add_install_routes(web_app, bolt)  # /slack/install, /slack/oauth_redirect
        web_app[EDGE_KEY] = edge
        web_app[INBOX_KEY] = inbox
    if settings.teams.enabled:
        from teamwell.bot.teams.route import add_teams_routes

        add_teams_routes(web_app, wired)  # kept as web_app[route.TEAMS_EDGE_KEY]
    add_ops_routes(web_app, wired)

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


def slack_oauth(wired: Wired, client: AsyncWebClient) -> SlackOAuth | None:
    """Bolt's OAuth pieces in OAuth mode; None with one bot token."""
    installs = wired.slack_installs
    return None if installs is None else SlackOAuth(wired.settings, installs, wired.deps.uow,
                                                    client)


def inbox_for(wired: Wired, client: AsyncWebClient, edge: SlackEdge | None = None,
              oauth: SlackOAuth | None = None) -> SlackInbox:
    """The inbox of stored clicks, with the Bolt app that replays them (no signature check)."""
    edge = edge or SlackEdge(wired.deps, SlackIdentity(wired.deps))
    # Replayed requests were verified on arrival; their timestamps may be minutes old by now.
    # With OAuth installs they are authorized like any request: with their workspace's token.
    bolt = build_app(edge, client, wired.settings.slack_signing_secret or "replay-only",
                     verify=False, oauth=oauth or slack_oauth(wired, client))
    return SlackInbox(InboxStore(wired.engine), bolt, wired.deps.clock)

