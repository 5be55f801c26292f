"""Events API listeners: directory changes, App Home, direct messages to the bot."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.context import SlackEdge, team_id_of
from teamwell.bot.slack.directory import profile_from_slack_user
from teamwell.bot.slack.home import publish_home
from teamwell.core.errors import TeamwellError
from teamwell.core.messages import Message
from teamwell.core.people import Person
from teamwell.handlers.commands import reply_to_direct_message
from teamwell.handlers.forgotten import Forgotten, asks_to_rejoin
from teamwell.handlers.people import person_joined, sync_profile

log = logging.getLogger(__name__)


def register_events(app: AsyncApp, edge: SlackEdge) -> None:
    """Attach event listeners and the event de-duplication middleware."""
    app.middleware(_dedupe(edge))

    # A new member may be a new hire (onboarding starts); a changed one only updates the directory.
    app.event("team_join")(_directory_listener(edge, person_joined))
    app.event("user_change")(_directory_listener(edge, sync_profile))

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], body: dict[str, Any],
                      client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home":
            return
        ws = await edge.identity.workspace(team_id_of(body))
        try:
            person = await edge.identity.person(client, ws, event["user"])
        except TeamwellError as exc:
            log.info("home for unknown user %s: %s", event.get("user"), exc.user_message)
            return
        await publish_home(edge, client, ws, person.id, event["user"])

    @app.event("message")
    async def on_message(event: dict[str, Any], body: dict[str, Any],
                         client: AsyncWebClient) -> None:
        # Only direct messages to the bot; never channels, never other bots or edits.
        if event.get("channel_type") != "im" or event.get("bot_id") or event.get("subtype"):
            return
        ws = await edge.identity.workspace(team_id_of(body))
        user = str(event.get("user", ""))
        try:
            person = await _writer(edge, client, ws, user, str(event.get("text", "")))
        except TeamwellError as exc:
            log.info("DM from unknown user %s: %s", user, exc.user_message)
            await edge.ephemeral(client, str(event.get("channel", "")), user,
                                 Message(exc.user_message))
            await _handled(edge, ws, body)
            return
        if person is not None:
            await asyncio.to_thread(reply_to_direct_message, edge.deps, ws, person.id,
                                    str(body.get("event_id", "")), str(event.get("text", "")))
        await _handled(edge, ws, body)

    @app.event(re.compile(".*"))
    async def on_other_event(event: dict[str, Any]) -> None:
        log.debug("ignored event %s", event.get("type"))


async def _writer(edge: SlackEdge, client: AsyncWebClient, ws: str, user: str,
                  typed: str) -> Person | None:
    """Who wrote the DM; None when someone forgotten just typed rejoin and came back."""
    try:
        return await edge.identity.person(client, ws, user)
    except Forgotten:
        if not asks_to_rejoin(typed):
            raise
    # Their intro and the welcome are queued for this DM, as anyone's first messages are.
    await edge.identity.rejoin(client, ws, user, reply_here=False)
    return None


def _directory_listener(edge: SlackEdge, handler: Callable[..., Any]) -> Callable[..., Any]:
    async def listener(event: dict[str, Any], body: dict[str, Any]) -> None:
        ws = await edge.identity.workspace(team_id_of(body))
        profile = profile_from_slack_user(event["user"])
        await asyncio.to_thread(handler, edge.deps, ws, profile)
        await _handled(edge, ws, body)
    return listener


def _dedupe(edge: SlackEdge) -> Callable[..., Awaitable[Any]]:
    """Slack retries events it thinks failed: skip event ids already handled.

    Listeners record the id after they succeed (_handled); handlers are idempotent, so a crash
    between the work and the record repeats harmless work rather than losing the event.
    """
    async def middleware(body: dict[str, Any], next: Callable[[], Awaitable[Any]]) -> Any:  # noqa: A002
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id:
            ws = await edge.identity.workspace(team_id_of(body))
            if await asyncio.to_thread(_seen, edge, ws, str(event_id)):
                log.info("duplicate event %s ignored", event_id)
                return BoltResponse(status=200, body="")
        return await next()
    return middleware


async def _handled(edge: SlackEdge, workspace_id: str, body: dict[str, Any]) -> None:
    event_id = body.get("event_id")
    if event_id:
        await asyncio.to_thread(_record, edge, workspace_id, str(event_id))


def _seen(edge: SlackEdge, workspace_id: str, event_id: str) -> bool:
    with edge.deps.uow() as uow:
        return uow.events.seen(workspace_id, event_id)


def _record(edge: SlackEdge, workspace_id: str, event_id: str) -> None:
    with edge.deps.uow() as uow:
        uow.events.first_time(workspace_id, event_id, edge.deps.clock.now())
        uow.commit()
