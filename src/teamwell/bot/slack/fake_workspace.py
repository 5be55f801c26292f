"""The in-memory Slack workspace behind the fake Web API: users, channels, messages, views.

Each method takes the request's parameters (already decoded from JSON, a form or the query
string, so values may be strings) and returns the JSON body Slack would answer with.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

from teamwell.bot.slack.fake_checks import invalid_blocks_reason
from teamwell.bot.slack.fake_views import FakeViews
from teamwell.core.clock import Clock
from teamwell.core.people import valid_timezone

Params = dict[str, Any]
Body = dict[str, Any]

BOT_USER_ID = "UTEAMWELL"
BOT_ID = "BTEAMWELL"


def flag(value: Any) -> bool:
    """Slack booleans arrive as True, "true", "1" or 1."""
    return value is True or str(value).lower() in ("1", "true")


def ts_micros(ts: str) -> int:
    """A Slack ts ("1700000000.000100") as integer microseconds, for exact comparisons."""
    seconds, _, fraction = str(ts).partition(".")
    return int(seconds or 0) * 1_000_000 + int((fraction + "000000")[:6])


def _cursor(offset: int) -> str:
    return base64.b64encode(f"offset:{offset}".encode()).decode()


def _offset(cursor: Any) -> int:
    if not cursor:
        return 0
    try:
        return int(base64.b64decode(str(cursor)).decode().removeprefix("offset:"))
    except ValueError:
        return -1


def _error(error: str) -> Body:
    return {"ok": False, "error": error}


class FakeWorkspace:
    """One Slack workspace as the fake Web API sees it."""

    def __init__(self, clock: Clock, team_id: str, team_name: str) -> None:
        self.clock = clock
        self.team_id = team_id
        self.team_name = team_name
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, list[dict[str, Any]]] = {}
        self.ephemeral: list[dict[str, Any]] = []
        self.views = FakeViews(team_id, self.users)
        self._dm_by_users: dict[frozenset[str], str] = {}
        self._last_ts = 0

    # --- setup ---

    def add_user(self, user_id: str, name: str, email: str | None = None, tz: str = "UTC",
                 is_bot: bool = False, deleted: bool = False, is_admin: bool = False,
                 real_name: str | None = None) -> dict[str, Any]:
        """Add a Slack-shaped user object and return it."""
        zone = ZoneInfo(tz if valid_timezone(tz) else "UTC")
        offset = self.clock.now().astimezone(zone).utcoffset()
        profile: dict[str, Any] = {
            "real_name": real_name or name, "display_name": name,
            "real_name_normalized": real_name or name, "display_name_normalized": name,
            "team": self.team_id, "image_72": f"https://avatars.invalid/{user_id}.png",
        }
        if email:
            profile["email"] = email
        user = {
            "id": user_id, "team_id": self.team_id, "name": name.lower().replace(" ", "."),
            "deleted": deleted, "real_name": real_name or name, "tz": tz, "tz_label": tz,
            "tz_offset": int(offset.total_seconds()) if offset else 0, "is_admin": is_admin,
            "is_owner": False, "is_primary_owner": False, "is_restricted": False,
            "is_ultra_restricted": False, "is_bot": is_bot, "is_app_user": False,
            "updated": int(self.clock.now().timestamp()), "profile": profile,
        }
        self.users[user_id] = user
        return user

    def add_channel(self, channel_id: str) -> None:
        """Make a public channel exist (to receive posts)."""
        self.channels.setdefault(channel_id, [])

    def next_ts(self) -> str:
        """A message timestamp: the clock's time, strictly increasing."""
        micros = max(int(self.clock.now().timestamp() * 1_000_000), self._last_ts + 1)
        self._last_ts = micros
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    # --- auth, team, users ---

    def auth_test(self, _p: Params) -> Body:
        """auth.test: who the token belongs to."""
        return {"ok": True, "url": f"https://{self.team_id.lower()}.slack.invalid/",
                "team": self.team_name, "user": "teamwell", "team_id": self.team_id,
                "user_id": BOT_USER_ID, "bot_id": BOT_ID, "is_enterprise_install": False}

    def team_info(self, _p: Params) -> Body:
        """team.info: the workspace."""
        return {"ok": True, "team": {"id": self.team_id, "name": self.team_name,
                                     "domain": self.team_id.lower()}}

    def users_list(self, p: Params) -> Body:
        """users.list: every user, a page at a time."""
        members = list(self.users.values())
        start, limit = _offset(p.get("cursor")), int(p.get("limit") or 0)
        if start < 0:
            return _error("invalid_cursor")
        end = len(members) if limit <= 0 else min(len(members), start + limit)
        next_cursor = _cursor(end) if end < len(members) else ""
        return {"ok": True, "members": members[start:end], "cache_ts": 0,
                "response_metadata": {"next_cursor": next_cursor}}

    def users_info(self, p: Params) -> Body:
        """users.info: one user."""
        user = self.users.get(str(p.get("user", "")))
        return {"ok": True, "user": user} if user else _error("user_not_found")

    def users_lookup_by_email(self, p: Params) -> Body:
        """users.lookupByEmail: the user with this email."""
        email = str(p.get("email", "")).strip().lower()
        for user in self.users.values():
            if email and str(user["profile"].get("email", "")).lower() == email:
                return {"ok": True, "user": user}
        return _error("users_not_found")

    # --- conversations and messages ---

    def conversations_open(self, p: Params) -> Body:
        """conversations.open: the stable DM (or group DM) for a set of users."""
        if p.get("channel"):
            channel = str(p["channel"])
            return ({"ok": True, "channel": {"id": channel}} if channel in self.channels
                    else _error("channel_not_found"))
        users = frozenset(u.strip() for u in str(p.get("users", "")).split(",") if u.strip())
        if not users:
            return _error("users_list_not_supplied")
        for user_id in users:
            user = self.users.get(user_id)
            if user is None:
                return _error("user_not_found")
            if user["deleted"]:
                return _error("user_disabled")
        known = users in self._dm_by_users
        channel = self._dm_by_users[users] = self._dm_id(users)
        self.channels.setdefault(channel, [])
        return {"ok": True, "no_op": known, "already_open": known, "channel": {"id": channel}}

    def _dm_id(self, users: frozenset[str]) -> str:
        """The id the DM (or group DM) of these users has or will have; opens nothing."""
        known = self._dm_by_users.get(users)
        if known is not None:
            return known
        digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:9].upper()
        return ("D" if len(users) == 1 else "G") + digest

    def conversation_of(self, channel: str) -> str:
        """The conversation a channel argument names: a user id names the bot's DM with that
        user (open or not), as in chat.postMessage; anything else names itself."""
        if channel not in self.channels and channel in self.users:
            return self._dm_id(frozenset({channel}))
        return channel

    def _resolve_channel(self, channel: str) -> str | None:
        if channel in self.channels:
            return channel
        if channel in self.users:
            # Posting to a user id lands in their DM with the bot, opened if need be (Slack's
            # chat.postMessage: "a direct message conversation will be opened if it isn't
            # open already"); a deactivated user's is channel_not_found.
            opened = self.conversations_open({"users": channel})
            return str(opened["channel"]["id"]) if opened["ok"] else None
        return None

    def chat_post_message(self, p: Params) -> Body:
        """chat.postMessage: store a message and answer its ts."""
        channel = self._resolve_channel(str(p.get("channel", "")))
        if channel is None:
            return _error("channel_not_found")
        checked = self._checked_message(p)
        if "error" in checked:
            return checked
        message = {"type": "message", "user": BOT_USER_ID, "bot_id": BOT_ID,
                   "team": self.team_id, "ts": self.next_ts(), **checked}
        self.channels[channel].append(message)
        return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}

    def _checked_message(self, p: Params) -> Body:
        text, blocks = p.get("text"), p.get("blocks")
        if not text and not blocks:
            return _error("no_text")
        if blocks is not None and (reason := invalid_blocks_reason(blocks)):
            return {"ok": False, "error": "invalid_blocks",
                    "response_metadata": {"messages": [reason]}}
        out: Body = {"text": text or ""}
        if blocks is not None:
            out["blocks"] = blocks
        metadata = p.get("metadata")
        if metadata is not None:
            if not isinstance(metadata, dict) or "event_type" not in metadata \
                    or not isinstance(metadata.get("event_payload"), dict):
                return _error("invalid_metadata_format")
            out["metadata"] = metadata
        return out

    def chat_update(self, p: Params) -> Body:
        """chat.update: replace the text and blocks of a message."""
        channel, ts = str(p.get("channel", "")), str(p.get("ts", ""))
        if channel not in self.channels:
            return _error("channel_not_found")
        found = next((m for m in self.channels[channel] if m["ts"] == ts), None)
        if found is None:
            return _error("message_not_found")
        checked = self._checked_message(p)
        if "error" in checked:
            return checked
        found.update(checked)
        found["edited"] = {"user": BOT_USER_ID, "ts": self.next_ts()}
        return {"ok": True, "channel": channel, "ts": ts, "text": found["text"],
                "message": found}

    def chat_post_ephemeral(self, p: Params) -> Body:
        """chat.postEphemeral: a message only one user sees."""
        channel = self._resolve_channel(str(p.get("channel", "")))
        if channel is None:
            return _error("channel_not_found")
        if str(p.get("user", "")) not in self.users:
            return _error("user_not_in_channel")
        checked = self._checked_message(p)
        if "error" in checked:
            return checked
        ts = self.next_ts()
        self.ephemeral.append({"channel": channel, "user": p["user"], "ts": ts, **checked})
        return {"ok": True, "message_ts": ts}

    def conversations_history(self, p: Params) -> Body:
        """conversations.history: messages newest first, paginated."""
        channel = str(p.get("channel", ""))
        if channel not in self.channels:
            return _error("channel_not_found")
        inclusive = flag(p.get("inclusive", False))
        oldest = ts_micros(str(p.get("oldest") or "0"))
        latest = ts_micros(str(p["latest"])) if p.get("latest") else None
        with_metadata = flag(p.get("include_all_metadata", False))

        def wanted(m: dict[str, Any]) -> bool:
            t = ts_micros(m["ts"])
            above = t >= oldest if inclusive else t > oldest
            below = latest is None or (t <= latest if inclusive else t < latest)
            return above and below

        newest_first = [m for m in reversed(self.channels[channel]) if wanted(m)]
        start, limit = _offset(p.get("cursor")), min(int(p.get("limit") or 100), 999)
        if start < 0:
            return _error("invalid_cursor")
        page = newest_first[start:start + limit]
        has_more = start + limit < len(newest_first)
        messages = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
                    for m in page]
        return {"ok": True, "messages": messages, "has_more": has_more, "pin_count": 0,
                "response_metadata": {"next_cursor": _cursor(start + limit) if has_more else ""}}

    def methods(self) -> dict[str, Callable[[Params], Body]]:
        """The Web API methods this fake implements, by Slack name."""
        return {
            "auth.test": self.auth_test, "team.info": self.team_info,
            "users.list": self.users_list, "users.info": self.users_info,
            "users.lookupByEmail": self.users_lookup_by_email,
            "conversations.open": self.conversations_open,
            "conversations.history": self.conversations_history,
            "chat.postMessage": self.chat_post_message, "chat.update": self.chat_update,
            "chat.postEphemeral": self.chat_post_ephemeral,
            "views.publish": self.views.publish, "views.open": self.views.open,
            "views.update": self.views.update,
        }


def add_system_users(workspace: FakeWorkspace) -> None:
    """Add the users every real workspace lists: Slackbot and the app's own bot user."""
    workspace.add_user("USLACKBOT", "slackbot", real_name="Slackbot")
    workspace.add_user(BOT_USER_ID, "teamwell", is_bot=True, real_name="Teamwell")
