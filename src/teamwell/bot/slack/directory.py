"""Slack users into the people directory: profile translation and the users.list sync."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.core.directory import Profile
from teamwell.core.people import valid_timezone
from teamwell.handlers.deps import Deps
from teamwell.handlers.people import sync_profile

log = logging.getLogger(__name__)
PLATFORM = "slack"
PAGE_SIZE = 200
MAX_RATE_LIMIT_WAITS = 5
SLACKBOT_ID = "USLACKBOT"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def profile_from_slack_user(user: dict[str, Any]) -> Profile:
    """Translate a Slack user object (users.list, users.info, team_join) into a Profile."""
    info = user.get("profile") or {}
    user_id = _text(user.get("id"))
    name = (_text(info.get("real_name")) or _text(user.get("real_name"))
            or _text(info.get("display_name")) or _text(user.get("name")) or user_id)
    tz = _text(user.get("tz"))
    # Slack omits tz for deleted users and some apps: None keeps what the directory holds
    # (a new person then gets UTC) instead of overwriting a zone HR gave in people.csv.
    return Profile(
        platform=PLATFORM,
        external_id=user_id,
        name=name,
        email=_text(info.get("email")).lower() or None,
        timezone=tz if valid_timezone(tz) else None,
        locale=_text(user.get("locale")) or None,
        is_bot=bool(user.get("is_bot")) or user_id == SLACKBOT_ID,
        deleted=bool(user.get("deleted")),
        is_admin=bool(user.get("is_admin") or user.get("is_owner")
                      or user.get("is_primary_owner")),
        title=_text(info.get("title")) or None,
        is_guest=bool(user.get("is_restricted") or user.get("is_ultra_restricted")),
    )


async def _users_page(client: AsyncWebClient, cursor: str | None, limit: int) -> dict[str, Any]:
    waits = 0
    while True:
        try:
            response = await client.users_list(cursor=cursor, limit=limit, include_locale=True)
        except SlackApiError as exc:
            if exc.response.status_code != 429 or waits >= MAX_RATE_LIMIT_WAITS:
                raise
            waits += 1
            # users.list is Tier 2: wait as long as Slack asks, then ask again.
            wait = float(exc.response.headers.get("Retry-After") or 1)
            log.info("users.list rate limited; waiting %.0f s", wait)
            await asyncio.sleep(wait)
            continue
        return response.data if isinstance(response.data, dict) else {}


def _sync_page(deps: Deps, workspace_id: str, profiles: list[Profile]) -> int:
    return sum(sync_profile(deps, workspace_id, p) is not None for p in profiles)


async def sync_workspace_users(client: AsyncWebClient, deps: Deps, workspace_id: str, *,
                               page_size: int = PAGE_SIZE) -> int:
    """Page through users.list and sync every member; returns how many people were synced."""
    synced = 0
    cursor: str | None = None
    while True:
        page = await _users_page(client, cursor, page_size)
        profiles = [profile_from_slack_user(u) for u in page.get("members") or []
                    if isinstance(u, dict) and u.get("id")]
        # Storage is synchronous: keep it off the event loop, one hop per page.
        synced += await asyncio.to_thread(_sync_page, deps, workspace_id, profiles)
        cursor = _text((page.get("response_metadata") or {}).get("next_cursor")) or None
        if cursor is None:
            return synced
