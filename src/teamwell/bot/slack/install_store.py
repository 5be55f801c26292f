"""Slack installations in our database, tokens encrypted at rest, and Bolt's async view of them.

slack_sdk's SQLAlchemy stores do the reading and writing; they run here on copies of our tables
(bot/storage/slack_install_tables.py, created by migration 0009) whose token columns are
EncryptedText, so every token is Fernet-encrypted before it is written and decrypted when read.
Bolt wants async stores; ours are synchronous like the rest of our storage, and the async
adapters run them in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from logging import Logger
from typing import Any

from cryptography.fernet import MultiFernet
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Engine, MetaData, Table, delete, desc, select

from teamwell.bot.storage.encrypted import EncryptedText
from teamwell.bot.storage.slack_install_tables import (
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    SLACK_OAUTH_STATES,
    TOKEN_COLUMNS,
)
from teamwell.bot.storage.tables import WorkspaceAccountRow

log = logging.getLogger(__name__)
PLATFORM = "slack"


def _encrypted_copy(table: Table, metadata: MetaData, box: MultiFernet) -> Table:
    copy = table.to_metadata(metadata)
    for name in TOKEN_COLUMNS:
        if name in copy.c:
            copy.c[name].type = EncryptedText(box)
    return copy


class EncryptedInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's installation store over our tables, with every token encrypted."""

    def __init__(self, client_id: str, engine: Engine, box: MultiFernet) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=log)
        # The tables exist already (migration 0009): these copies only read and write them.
        self.metadata = MetaData()
        self.installations = _encrypted_copy(SLACK_INSTALLATIONS, self.metadata, box)
        self.bots = _encrypted_copy(SLACK_BOTS, self.metadata, box)

    def bot_token(self, team_id: str) -> str | None:
        """The newest bot token of a Slack team, inside or outside an Enterprise Grid org."""
        c = self.bots.c
        with self.engine.connect() as conn:
            return conn.scalar(select(c.bot_token).where(
                c.client_id == self.client_id, c.team_id == team_id, c.bot_token.is_not(None),
            ).order_by(desc(c.installed_at)).limit(1))

    def bot_token_for_workspace(self, workspace_id: str) -> str | None:
        """The bot token of one of our workspaces; None when it is not (or no longer) installed."""
        with self.engine.connect() as conn:
            team = conn.scalar(select(WorkspaceAccountRow.external_id).where(
                WorkspaceAccountRow.workspace_id == workspace_id,
                WorkspaceAccountRow.platform == PLATFORM))
        return self.bot_token(team) if team else None

    def installed_teams(self) -> list[tuple[str, str]]:
        """Every installed Slack team with its newest bot token, by team id."""
        c = self.bots.c
        newest: dict[str, str] = {}
        with self.engine.connect() as conn:
            rows = conn.execute(select(c.team_id, c.bot_token).where(
                c.client_id == self.client_id, c.team_id.is_not(None), c.bot_token.is_not(None),
            ).order_by(c.installed_at))
            for team, token in rows:
                newest[str(team)] = str(token)
        return sorted(newest.items())

    def forget_team(self, team_id: str) -> None:
        """Delete every installation and bot of a Slack team: its tokens are gone."""
        with self.engine.begin() as conn:
            for table in (self.installations, self.bots):
                conn.execute(delete(table).where(table.c.client_id == self.client_id,
                                                 table.c.team_id == team_id))


class OAuthStates(SQLAlchemyOAuthStateStore):
    """slack_sdk's OAuth state store over our slack_oauth_states table."""

    def __init__(self, expiration_seconds: int, engine: Engine) -> None:
        super().__init__(expiration_seconds=expiration_seconds, engine=engine, logger=log)
        self.oauth_states = SLACK_OAUTH_STATES

    def issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state; expired ones are deleted first, so abandoned installs leave nothing."""
        now = datetime.now(UTC).replace(tzinfo=None)  # slack_sdk stores naive UTC
        with self.engine.begin() as conn:
            conn.execute(delete(self.oauth_states).where(self.oauth_states.c.expire_at <= now))
        return super().issue(*args, **kwargs)


class AsyncInstallations(AsyncInstallationStore):
    """Bolt's async view of the installation store; saving also runs on_saved (same thread)."""

    def __init__(self, store: EncryptedInstallationStore,
                 on_saved: Callable[[Installation], object] | None = None) -> None:
        self.store = store
        self.on_saved = on_saved

    @property
    def logger(self) -> Logger:
        """The store's logger."""
        return log

    def _save(self, installation: Installation) -> None:
        self.store.save(installation)
        if self.on_saved is not None:
            self.on_saved(installation)

    async def async_save(self, installation: Installation) -> None:
        """Store an installation (tokens encrypted)."""
        await asyncio.to_thread(self._save, installation)

    async def async_save_bot(self, bot: Bot) -> None:
        """Store a bot (its token encrypted)."""
        await asyncio.to_thread(self.store.save_bot, bot)

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        """The newest bot of a workspace, tokens decrypted."""
        return await asyncio.to_thread(self.store.find_bot, enterprise_id=enterprise_id,
                                       team_id=team_id,
                                       is_enterprise_install=is_enterprise_install)

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False,
                                      ) -> Installation | None:
        """The newest installation of a workspace (or of one user), tokens decrypted."""
        return await asyncio.to_thread(
            self.store.find_installation, enterprise_id=enterprise_id, team_id=team_id,
            user_id=user_id, is_enterprise_install=is_enterprise_install)

    async def async_delete_bot(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        """Delete a workspace's bots."""
        await asyncio.to_thread(self.store.delete_bot, enterprise_id=enterprise_id,
                                team_id=team_id)

    async def async_delete_installation(self, *, enterprise_id: str | None,
                                        team_id: str | None,
                                        user_id: str | None = None) -> None:
        """Delete a workspace's installations (or one user's)."""
        await asyncio.to_thread(self.store.delete_installation, enterprise_id=enterprise_id,
                                team_id=team_id, user_id=user_id)

    async def async_delete_all(self, *, enterprise_id: str | None,
                               team_id: str | None) -> None:
        """Delete everything of a workspace."""
        await asyncio.to_thread(self.store.delete_all, enterprise_id=enterprise_id,
                                team_id=team_id)


class AsyncStates(AsyncOAuthStateStore):
    """Bolt's async view of the OAuth state store."""

    def __init__(self, store: OAuthStates) -> None:
        self.store = store

    @property
    def logger(self) -> Logger:
        """The store's logger."""
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        """A new state for an install that is starting."""
        return await asyncio.to_thread(self.store.issue)

    async def async_consume(self, state: str) -> bool:
        """True once for a state that was issued and has not expired."""
        return await asyncio.to_thread(self.store.consume, state)
