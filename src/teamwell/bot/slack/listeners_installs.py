"""Uninstalls (OAuth mode): Slack's app_uninstalled and tokens_revoked events delete the
workspace's tokens and stop everything Teamwell does there until it is installed again."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from teamwell.bot.slack.context import SlackEdge, team_id_of
from teamwell.bot.slack.install_store import EncryptedInstallationStore
from teamwell.bot.storage.workspace_state import mark_uninstalled
from teamwell.handlers.deps import Deps

log = logging.getLogger(__name__)


def forget_workspace(deps: Deps, store: EncryptedInstallationStore, team_id: str,
                     reason: str) -> int:
    """Delete a Slack team's tokens and stop serving its workspace; messages failed."""
    store.forget_team(team_id)
    with deps.uow() as uow:
        workspace_id = uow.workspaces.find("slack", team_id)
    if workspace_id is None:
        return 0
    return mark_uninstalled(deps.uow, workspace_id, deps.clock.now(), reason)


def register_installs(app: AsyncApp, edge: SlackEdge, store: EncryptedInstallationStore) -> None:
    """Attach the uninstall listeners (before any catch-all event listener)."""

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        await _uninstall(edge, store, body, "app_uninstalled")

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        tokens = event.get("tokens") or {}
        if tokens.get("bot"):
            await _uninstall(edge, store, body, "tokens_revoked")
            return
        # Only people's own tokens: Teamwell asks for none, but they are deleted all the same.
        for user in tokens.get("oauth") or []:
            await asyncio.to_thread(store.delete_installation,
                                    enterprise_id=body.get("enterprise_id"),
                                    team_id=team_id_of(body), user_id=str(user))
        await _handled(edge, body)


async def _uninstall(edge: SlackEdge, store: EncryptedInstallationStore, body: dict[str, Any],
                     reason: str) -> None:
    team = team_id_of(body)
    failed = await asyncio.to_thread(forget_workspace, edge.deps, store, team, reason)
    log.info("Slack team %s: %s; its tokens are deleted, its jobs stop, %d queued messages "
             "failed", team, reason, failed)
    await _handled(edge, body)


async def _handled(edge: SlackEdge, body: dict[str, Any]) -> None:
    event_id = body.get("event_id")
    if not event_id:
        return
    ws = await edge.identity.workspace(team_id_of(body))

    def record() -> None:
        with edge.deps.uow() as uow:
            uow.events.first_time(ws, str(event_id), edge.deps.clock.now())
            uow.commit()

    await asyncio.to_thread(record)
