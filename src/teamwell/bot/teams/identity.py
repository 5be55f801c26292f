"""Translate Teams ids (tenant, user) into Teamwell workspace and person ids."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity
from botbuilder.schema.teams import TeamsChannelAccount
from msrest.exceptions import ClientException, HttpOperationError

from teamwell.core.directory import Profile
from teamwell.core.errors import TeamwellError, UnknownPerson
from teamwell.core.messages import Message, say
from teamwell.core.people import Person
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import Forgotten, is_forgotten
from teamwell.handlers.people import person_joined, sync_profile
from teamwell.handlers.rejoin import WELCOME_BACK, rejoin

log = logging.getLogger(__name__)
PLATFORM = "teams"
# People pickers answer AAD object ids; each person's is linked beside their Teams user id.
AAD = "teams-aad"
NOT_FOUND = ("Sorry, I couldn't find you in this organisation's Teams directory. "
             "Ask your HR admin to add you.")
OUTSIDER = "Sorry, I only work with people in this organisation's directory."
ROSTER_DOWN = ("Sorry, I couldn't check the Teams directory just now. "
               "Please try again in a minute.")
MAX_KNOWN_TEAMS = 20


class RosterUnavailable(TeamwellError):
    """Teams did not answer a roster lookup (not the same as "no such member")."""


def tenant_of(activity: Activity) -> str | None:
    """The tenant an activity comes from: channelData.tenant.id, else conversation.tenantId."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = data.get("tenant")
    found = tenant.get("id") if isinstance(tenant, dict) else None
    if not found and activity.conversation is not None:
        found = activity.conversation.tenant_id
    return found.lower() if isinstance(found, str) and found else None


def team_of(activity: Activity) -> str | None:
    """The id of the team a channel activity comes from, if any."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    team = data.get("team")
    found = team.get("id") if isinstance(team, dict) else None
    return found if isinstance(found, str) and found else None


def profile_from_member(member: TeamsChannelAccount, deleted: bool = False) -> Profile:
    """A directory profile from a Teams roster entry (no time zone: Teams does not say)."""
    parts = [p for p in (member.given_name, member.surname) if p]
    return Profile(
        platform=PLATFORM, external_id=member.id,
        # Empty when unknown: sync_profile then keeps the stored name (or uses the id).
        name=member.name or " ".join(parts),
        email=member.email or member.user_principal_name or None,
        # "28:" ids are bots (ours included); they are never people.
        is_bot=str(member.id).startswith("28:"),
        deleted=deleted,
        is_guest=(member.user_role or "").lower() in ("guest", "anonymous"),
    )


def teams_workspace(deps: Deps, tenant_id: str, name: str = "") -> str:
    """The workspace id for a Teams tenant id, created on first sight."""
    with deps.uow() as uow:
        ws = uow.workspaces.ensure(PLATFORM, tenant_id, name or tenant_id)
        uow.commit()
    return ws


async def _lookup(fetch: Callable[[], Awaitable[object]], member_id: str
                  ) -> TeamsChannelAccount | None:
    try:
        member = await fetch()
    except HttpOperationError as exc:
        status = getattr(exc.response, "status_code", None) or getattr(exc.response, "status",
                                                                       None)
        if status in (400, 403, 404):
            log.info("Teams member %s not found in the roster (HTTP %s)", member_id, status)
            return None
        log.warning("Teams roster lookup for %s failed: %s", member_id, exc)
        raise RosterUnavailable(ROSTER_DOWN) from exc
    except (ClientException, aiohttp.ClientError, OSError, TimeoutError) as exc:
        log.warning("Teams roster unreachable: %s", exc)
        raise RosterUnavailable(ROSTER_DOWN) from exc
    return member if isinstance(member, TeamsChannelAccount) and member.id else None


async def roster_member(turn_context: TurnContext, member_id: str,
                        team_id: str | None = None) -> TeamsChannelAccount | None:
    """A member by Teams id or AAD object id, in the turn's team or chat (or the given team)."""
    if team_id:
        return await _lookup(lambda: TeamsInfo.get_team_member(turn_context, team_id, member_id),
                             member_id)
    return await _lookup(lambda: TeamsInfo.get_member(turn_context, member_id), member_id)


class TeamsIdentity:
    """Caches workspace and person ids; fetches unknown users from the Teams roster."""

    def __init__(self, deps: Deps, ttl_seconds: float = 300.0) -> None:
        self.deps = deps
        self.ttl = ttl_seconds
        self._workspaces: dict[str, str] = {}
        self._person_ids: dict[tuple[str, str], tuple[float, str]] = {}
        # Teams seen per workspace: a 1:1 chat's roster holds only its user, a team's holds more.
        self._teams: dict[str, list[str]] = {}

    async def workspace(self, tenant_id: str, name: str = "") -> str:
        """The workspace id for a tenant id, created on first sight."""
        if tenant_id not in self._workspaces:
            self._workspaces[tenant_id] = await asyncio.to_thread(teams_workspace, self.deps,
                                                                  tenant_id, name)
        return self._workspaces[tenant_id]

    def note_team(self, workspace_id: str, team_id: str | None) -> None:
        """Remember a team of the workspace, for people-picker lookups from 1:1 chats."""
        if not team_id:
            return
        known = self._teams.setdefault(workspace_id, [])
        if team_id in known:
            return
        known.insert(0, team_id)
        del known[MAX_KNOWN_TEAMS:]

    async def person_id(self, turn_context: TurnContext, workspace_id: str, user_id: str,
                        aad_object_id: str | None = None) -> str:
        """The person id behind a Teams user id, remembered for a few minutes."""
        # Handlers re-read the person in their own transaction, so a cached id never lets a
        # deactivated person act; it only spares each turn a database round trip.
        key = (workspace_id, user_id)
        cached = self._person_ids.get(key)
        if cached is not None and time.monotonic() - cached[0] < self.ttl:
            return cached[1]
        person = await self.person(turn_context, workspace_id, user_id)
        if aad_object_id:
            await asyncio.to_thread(self._link_aad, workspace_id, person.id, aad_object_id)
        if len(self._person_ids) > 50_000:
            self._person_ids.clear()
        self._person_ids[key] = (time.monotonic(), person.id)
        return person.id

    def forget(self, workspace_id: str, user_id: str) -> None:
        """Drop a cached person id (the person left or was removed)."""
        self._person_ids.pop((workspace_id, user_id), None)

    async def person(self, turn_context: TurnContext, workspace_id: str, user_id: str) -> Person:
        """The person behind a Teams user id or AAD object id; unknown ones via the roster."""
        found = await asyncio.to_thread(self._find, workspace_id, user_id)
        if found is not None:
            return found
        member = await self.member(turn_context, workspace_id, user_id)
        if member is None:
            raise UnknownPerson(NOT_FOUND)
        if member.id != user_id:
            found = await asyncio.to_thread(self._find, workspace_id, member.id)
            if found is not None:
                await asyncio.to_thread(self._link_aad, workspace_id, found.id,
                                        member.aad_object_id)
                return found
        synced = await self.sync(workspace_id, member)
        if synced is None:
            if await self.forgotten(workspace_id, member):
                raise Forgotten()
            raise UnknownPerson(OUTSIDER)
        return synced[0]

    async def forgotten(self, workspace_id: str, member: TeamsChannelAccount) -> bool:
        """Whether this roster member asked to be forgotten (Teams id, Entra id or email)."""
        return await asyncio.to_thread(is_forgotten, self.deps, workspace_id,
                                       profile_from_member(member), {AAD: member.aad_object_id})

    async def rejoin(self, turn_context: TurnContext, workspace_id: str,
                     user_id: str) -> Message:
        """A forgotten user typed rejoin: add them afresh from the roster; returns the intro."""
        member = await self.member(turn_context, workspace_id, user_id)
        if member is None:
            raise UnknownPerson(NOT_FOUND)
        message = await asyncio.to_thread(rejoin, self.deps, workspace_id,
                                          profile_from_member(member), {AAD: member.aad_object_id},
                                          reply_here=True)
        found = await asyncio.to_thread(self._find, workspace_id, member.id)
        if found is not None:
            await asyncio.to_thread(self._link_aad, workspace_id, found.id, member.aad_object_id)
        self.forget(workspace_id, member.id)
        return message or say(WELCOME_BACK)

    async def member(self, turn_context: TurnContext, workspace_id: str,
                     member_id: str) -> TeamsChannelAccount | None:
        """A roster entry from the turn's conversation, else from a team seen in the tenant."""
        found = await roster_member(turn_context, member_id)
        for team_id in list(self._teams.get(workspace_id, ())):
            if found is not None:
                break
            found = await roster_member(turn_context, member_id, team_id)
        return found

    async def sync(self, workspace_id: str, member: TeamsChannelAccount, *,
                   deleted: bool = False, joined: bool = False) -> tuple[Person, bool] | None:
        """Upsert a roster member: (person, created), or None; joined starts a new hire's onboarding."""
        profile = profile_from_member(member, deleted=deleted)

        def run() -> tuple[Person, bool] | None:
            if joined:
                before = self._find(workspace_id, member.id)
                person = person_joined(self.deps, workspace_id, profile)
                synced = None if person is None else (person, before is None)
            else:
                synced = sync_profile(self.deps, workspace_id, profile)
            if synced is not None:
                self._link_aad(workspace_id, synced[0].id, member.aad_object_id)
            return synced

        synced = await asyncio.to_thread(run)
        self.forget(workspace_id, member.id)
        return synced

    def _find(self, workspace_id: str, user_id: str) -> Person | None:
        # Teams user ids hold a colon ("29:..."); AAD object ids are GUIDs.
        platform, key = (PLATFORM, user_id) if ":" in user_id else (AAD, user_id.lower())
        with self.deps.uow() as uow:
            return uow.people.by_account(workspace_id, platform, key)

    def _link_aad(self, workspace_id: str, person_id: str, aad_object_id: str | None) -> None:
        if not aad_object_id:
            return
        with self.deps.uow() as uow:
            uow.people.link_account(workspace_id, person_id, AAD, aad_object_id.lower())
            uow.commit()
