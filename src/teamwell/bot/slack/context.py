"""What every Slack listener needs, in one object, and reading ids out of Slack payloads."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.blocks import render_message
from teamwell.bot.slack.identity import SlackIdentity
from teamwell.core.messages import Message
from teamwell.handlers.deps import Deps

log = logging.getLogger(__name__)


@dataclass
class SlackEdge:
    """Deps plus Slack identity translation and a place for fire-and-forget replies."""

    deps: Deps
    identity: SlackIdentity
    _tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def background(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a best-effort reply after the ack; failures are logged, never raised."""
        task = asyncio.ensure_future(_logged(coro))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain_background(self) -> None:
        """Wait for pending background replies (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def who(self, client: AsyncWebClient, body: dict[str, Any]) -> tuple[str, str]:
        """The workspace id and person id behind any Slack payload (UnknownPerson if none)."""
        ws = await self.identity.workspace(team_id_of(body), str(body.get("team_domain", "")))
        return ws, await self.identity.person_id(client, ws, user_id_of(body))

    async def ephemeral(self, client: AsyncWebClient, channel: str | None, user: str,
                        message: Message) -> None:
        """Show message to one user in a channel, after the ack."""
        if not channel:
            return
        fallback, blocks = render_message(message, lambda _pid: None)
        self.background(client.chat_postEphemeral(channel=channel, user=user, text=fallback,
                                                  blocks=blocks))


async def _logged(coro: Coroutine[Any, Any, Any]) -> None:
    try:
        await coro
    except Exception:  # noqa: BLE001 - a best-effort reply must never take the server down
        log.exception("background Slack reply failed")


def team_id_of(body: dict[str, Any]) -> str:
    """The Slack team id of any payload kind."""
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    if not team:
        user = body.get("user")
        team = user.get("team_id") if isinstance(user, dict) else None
    if not isinstance(team, str) or not team:
        raise ValueError("payload has no team id")
    return team


def user_id_of(body: dict[str, Any]) -> str:
    """The Slack user id of an interaction or command."""
    user = body.get("user") or body.get("user_id")
    if isinstance(user, dict):
        user = user.get("id")
    if not isinstance(user, str) or not user:
        raise ValueError("payload has no user id")
    return user


def channel_id_of(body: dict[str, Any]) -> str | None:
    """The channel an interaction happened in, if any."""
    channel = body.get("channel") or body.get("channel_id")
    if isinstance(channel, dict):
        channel = channel.get("id")
    if not channel:
        container = body.get("container") or {}
        channel = container.get("channel_id")
    return channel if isinstance(channel, str) and channel else None
