"""Translate Slack ids (team, user) into Teamwell workspace and person ids."""

from __future__ import annotations

import asyncio
import logging
import time

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.directory import profile_from_slack_user
from teamwell.core.directory import Profile
from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import Message
from teamwell.core.people import Person
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import Forgotten, is_forgotten
from teamwell.handlers.people import sync_profile
from teamwell.handlers.rejoin import rejoin

log = logging.getLogger(__name__)
PLATFORM = "slack"


def slack_workspace(deps: Deps, team_id: str, name: str = "") -> str:
    """The workspace id for a Slack team id, created on first sight."""
    with deps.uow() as uow:
        ws = uow.workspaces.ensure(PLATFORM, team_id, name or team_id)
        uow.commit()
    return ws


class SlackIdentity:
    """Caches workspace ids; looks people up, fetching unknown users from Slack once."""

    def __init__(self, deps: Deps, ttl_seconds: float = 300.0) -> None:
        self.deps = deps
        self.ttl = ttl_seconds
        self._workspaces: dict[str, str] = {}
        self._person_ids: dict[tuple[str, str], tuple[float, str]] = {}

    async def person_id(self, client: AsyncWebClient, workspace_id: str, user_id: str) -> str:
        """The person id behind a Slack user id, remembered for a few minutes.

        Handlers re-read the person in their own transaction, so a cached id never lets a
        deactivated person act; it only spares the ack path one database round trip.
        """
        key = (workspace_id, user_id)
        cached = self._person_ids.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        person = await self.person(client, workspace_id, user_id)
        if len(self._person_ids) > 50_000:
            self._person_ids.clear()
        self._person_ids[key] = (time.monotonic(), person.id)
        return person.id

    async def workspace(self, team_id: str, name: str = "") -> str:
        """The workspace id for a Slack team id, created on first sight."""
        if team_id not in self._workspaces:
            self._workspaces[team_id] = await asyncio.to_thread(slack_workspace, self.deps,
                                                                team_id, name)
        return self._workspaces[team_id]

    async def person(self, client: AsyncWebClient, workspace_id: str, user_id: str) -> Person:
        """The person behind a Slack user id; unknown users are fetched with users.info.

        Forgotten when they asked to be forgotten: only their own `rejoin` adds them again.
        """
        found = await asyncio.to_thread(self._find, workspace_id, user_id)
        if found is not None:
            return found
        profile = await self._profile(client, user_id)
        synced = (await asyncio.to_thread(sync_profile, self.deps, workspace_id, profile)
                  if profile is not None else None)
        if synced is None:
            if profile is not None and await asyncio.to_thread(is_forgotten, self.deps,
                                                               workspace_id, profile):
                raise Forgotten()
            raise UnknownPerson("Sorry, I only work with people in this workspace's directory.")
        return synced[0]

    async def rejoin(self, client: AsyncWebClient, workspace_id: str, user_id: str, *,
                     reply_here: bool) -> Message | None:
        """A forgotten user typed rejoin: add them afresh from their Slack profile."""
        profile = await self._profile(client, user_id)
        if profile is None:
            raise UnknownPerson("Sorry, I only work with people in this workspace's directory.")
        self._person_ids.pop((workspace_id, user_id), None)
        return await asyncio.to_thread(rejoin, self.deps, workspace_id, profile,
                                       reply_here=reply_here)

    async def _profile(self, client: AsyncWebClient, user_id: str) -> Profile | None:
        try:
            resp = await client.users_info(user=user_id)
        except SlackApiError as exc:
            log.warning("unknown Slack user %s: %s", user_id, exc.response.get("error"))
            raise UnknownPerson(
                "Sorry, I couldn't find you in this workspace's directory. "
                "Ask your HR admin to add you."
            ) from exc
        user = resp.get("user")
        return profile_from_slack_user(user) if isinstance(user, dict) else None

    def _find(self, workspace_id: str, user_id: str) -> Person | None:
        with self.deps.uow() as uow:
            return uow.people.by_account(workspace_id, PLATFORM, user_id)
