"""The in-memory Teams tenant behind the fake connector: roster, conversations, activities.

Each operation takes already-decoded ids and the JSON body and returns (status, JSON answer)
the way the Bot Framework connector does for Teams: `{"error": {"code", "message"}}` bodies,
403 when the bot is not in the user's roster, 404 for unknown conversations or members.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from teamwell.bot.teams.simulate import personal_conversation_id
from teamwell.core.clock import Clock

Body = dict[str, Any]
Answer = tuple[int, Any]

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
_BUTTON_TYPES = ("Action.Submit", "Action.Execute")
_DEFAULT_PAGE = 200


def error(status: int, code: str, message: str) -> Answer:
    """A connector error answer: `{"error": {"code": ..., "message": ...}}`."""
    return status, {"error": {"code": code, "message": message}}


_NOT_IN_ROSTER = error(403, "BotNotInConversationRoster",
                       "The bot is not part of the conversation roster.")
_NO_CONVERSATION = error(404, "ConversationNotFound", "Conversation not found.")
_BAD_CREATE = error(400, "BadSyntax", "Incorrect conversation creation parameters")


@dataclass(slots=True)
class Conversation:
    """A conversation the bot can post into: a user's 1:1 chat or a channel/group chat."""

    id: str
    user_id: str | None  # set for personal (1:1) conversations
    activities: list[Body] = field(default_factory=list)


class FakeTenant:
    """One Teams tenant as the fake connector sees it (a tenant-wide roster)."""

    def __init__(self, clock: Clock, tenant_id: str, max_message_bytes: int) -> None:
        self.clock = clock
        self.tenant_id = tenant_id
        self.max_message_bytes = max_message_bytes
        self.members: dict[str, Body] = {}
        self.not_installed: set[str] = set()
        self.conversations: dict[str, Conversation] = {}
        self._personal: dict[str, str] = {}  # personal conversation id -> user id
        self._last_id = 0

    # --- setup ---

    def add_member(self, user_id: str, name: str, email: str | None, aad_object_id: str | None,
                   given_name: str | None, surname: str | None, user_role: str,
                   user_principal_name: str | None) -> Body:
        """Add a TeamsChannelAccount-shaped member and return it."""
        first, _, last = name.partition(" ")
        member: Body = {
            "id": user_id, "name": name, "aadObjectId": aad_object_id,
            "email": email, "userPrincipalName": user_principal_name or email,
            "givenName": given_name if given_name is not None else first,
            "surname": surname if surname is not None else (last or None),
            "tenantId": self.tenant_id, "userRole": user_role,
        }
        self.members[user_id] = member
        self._personal[personal_conversation_id(user_id, self.tenant_id)] = user_id
        return member

    def conversation_of(self, user_id: str) -> str | None:
        """The id of the bot's 1:1 conversation with a known member."""
        if user_id not in self.members:
            return None
        return personal_conversation_id(user_id, self.tenant_id)

    def activities_in(self, conversation_id: str) -> list[Body]:
        """Copies of the activities in a conversation (threads included), oldest first."""
        conversation = self.conversations.get(_base(conversation_id))
        return [dict(a) for a in conversation.activities] if conversation else []

    # --- connector operations ---

    def create(self, body: Any) -> Answer:
        """POST /v3/conversations: a 1:1 chat with one member, or a new thread in a channel."""
        if not isinstance(body, dict):
            return _BAD_CREATE
        channel = ((body.get("channelData") or {}).get("channel") or {}).get("id")
        if channel:
            return self._create_thread(str(channel), body.get("activity"))
        members = body.get("members") or []
        tenant = body.get("tenantId") or ((body.get("channelData") or {}).get("tenant") or {}
                                          ).get("id")
        if body.get("isGroup") or len(members) != 1 or not isinstance(members[0], dict) \
                or not members[0].get("id") or not tenant:
            return _BAD_CREATE
        user_id = str(members[0]["id"])
        if tenant != self.tenant_id or user_id not in self.members \
                or user_id in self.not_installed:
            return _NOT_IN_ROSTER
        conversation = self._open(personal_conversation_id(user_id, self.tenant_id))
        answer: Body = {"id": conversation.id}
        if isinstance(body.get("activity"), dict):
            status, posted = self.send(conversation.id, body["activity"], None)
            if status >= 300:
                return status, posted
            answer["activityId"] = posted["id"]
        return 201, answer

    def send(self, conversation_id: str, body: Any, reply_to: str | None) -> Answer:
        """POST .../activities (and .../activities/{id} for a reply)."""
        conversation, refused = self._writable(conversation_id)
        if conversation is None:
            return refused
        invalid = self._invalid_activity(body)
        if invalid is not None:
            return invalid
        activity = {**body, "id": self._next_id(), "timestamp": _iso(self.clock)}
        activity["conversation"] = {**(body.get("conversation") or {}), "id": conversation_id}
        if reply_to:
            activity["replyToId"] = reply_to
        conversation.activities.append(activity)
        return 201, {"id": activity["id"]}

    def update(self, conversation_id: str, activity_id: str, body: Any) -> Answer:
        """PUT .../activities/{id}: replace a message the bot sent."""
        conversation, refused = self._writable(conversation_id)
        if conversation is None:
            return refused
        invalid = self._invalid_activity(body)
        if invalid is not None:
            return invalid
        for i, old in enumerate(conversation.activities):
            if old["id"] == activity_id:
                conversation.activities[i] = {**body, "id": activity_id,
                                              "timestamp": old["timestamp"],
                                              "conversation": old["conversation"]}
                return 200, {"id": activity_id}
        return error(404, "NotFound", "Activity not found.")

    def delete(self, conversation_id: str, activity_id: str) -> Answer:
        """DELETE .../activities/{id}."""
        conversation, refused = self._writable(conversation_id)
        if conversation is None:
            return refused
        kept = [a for a in conversation.activities if a["id"] != activity_id]
        if len(kept) == len(conversation.activities):
            return error(404, "NotFound", "Activity not found.")
        conversation.activities[:] = kept
        return 200, None

    def roster(self, conversation_id: str) -> Answer:
        """GET .../members: the user of a 1:1 chat, or the whole tenant for anything else."""
        if conversation_id.startswith("a:"):
            user_id = self._personal.get(conversation_id)
            if user_id is None:
                return _NO_CONVERSATION
            if user_id in self.not_installed:
                return _NOT_IN_ROSTER
            return 200, [dict(self.members[user_id])]
        return 200, [dict(m) for m in self.members.values()]

    def paged_roster(self, conversation_id: str, page_size: Any, token: Any) -> Answer:
        """GET .../pagedmembers?pageSize=&continuationToken= (the token is opaque)."""
        status, members = self.roster(conversation_id)
        if status != 200:
            return status, members
        try:
            size = int(page_size) if page_size else _DEFAULT_PAGE
            start = int(base64.b64decode(str(token)).decode().removeprefix("page:")) \
                if token else 0
        except ValueError:
            return error(400, "BadSyntax", "Invalid pageSize or continuationToken")
        if size < 1 or start < 0:
            return error(400, "BadSyntax", "Invalid pageSize or continuationToken")
        answer: Body = {"members": members[start:start + size]}
        if start + size < len(members):
            answer["continuationToken"] = base64.b64encode(
                f"page:{start + size}".encode()).decode()
        return 200, answer

    def member(self, conversation_id: str, member_id: str) -> Answer:
        """GET .../members/{id}: by 29: id or by AAD object id, as Teams accepts both."""
        status, members = self.roster(conversation_id)
        if status != 200:
            return status, members
        for found in members:
            if member_id in (found["id"], found.get("aadObjectId")):
                return 200, found
        return error(404, "MemberNotFoundInConversation",
                     "The member was not found in the conversation.")

    # --- internals ---

    def _create_thread(self, channel_id: str, activity: Any) -> Answer:
        status, posted = self.send(channel_id, activity, None)
        if status >= 300:
            return status, posted
        return 201, {"id": f"{channel_id};messageid={posted['id']}", "activityId": posted["id"]}

    def _writable(self, conversation_id: str) -> tuple[Conversation | None, Answer]:
        base = _base(conversation_id)
        if base.startswith("a:"):
            user_id = self._personal.get(base)
            if user_id is None:
                return None, _NO_CONVERSATION
            if user_id in self.not_installed:
                return None, _NOT_IN_ROSTER
        elif not base.startswith("19:"):
            return None, _NO_CONVERSATION
        return self._open(base), (200, None)

    def _open(self, conversation_id: str) -> Conversation:
        if conversation_id not in self.conversations:
            self.conversations[conversation_id] = Conversation(
                conversation_id, self._personal.get(conversation_id))
        return self.conversations[conversation_id]

    def _invalid_activity(self, body: Any) -> Answer | None:
        if not isinstance(body, dict) or not body.get("type"):
            return error(400, "BadArgument", "Activity must be an object with a type")
        if len(json.dumps(body).encode()) > self.max_message_bytes:
            return error(413, "MessageSizeTooBig", "Message size too large.")
        for attachment in body.get("attachments") or []:
            content = attachment.get("content") if isinstance(attachment, dict) else None
            if isinstance(attachment, dict) and attachment.get("contentType") == ADAPTIVE_CARD \
                    and not (isinstance(content, dict) and content.get("type") == "AdaptiveCard"):
                return error(400, "BadArgument", "Adaptive Card content is not an AdaptiveCard")
        return None

    def _next_id(self) -> str:
        # Teams message ids are millisecond timestamps; keep them unique under a frozen clock.
        self._last_id = max(self._last_id + 1, int(self.clock.now().timestamp() * 1000))
        return str(self._last_id)


def cards_of(activities: list[Body]) -> list[Body]:
    """The Adaptive Card contents attached to activities, in order."""
    return [dict(a["content"]) for activity in activities
            for a in activity.get("attachments") or []
            if isinstance(a, dict) and a.get("contentType") == ADAPTIVE_CARD
            and isinstance(a.get("content"), dict)]


def buttons_of(card: Any) -> Iterator[Body]:
    """Every Action.Submit and Action.Execute anywhere in a card, in document order."""
    if isinstance(card, list):
        for item in card:
            yield from buttons_of(item)
    elif isinstance(card, dict):
        if card.get("type") in _BUTTON_TYPES:
            yield dict(card)
        for value in card.values():
            if isinstance(value, dict | list):
                yield from buttons_of(value)


def _base(conversation_id: str) -> str:
    # A channel thread is "<channel id>;messageid=<root id>": it lives in the channel.
    return conversation_id.split(";messageid=", 1)[0]


def _iso(clock: Clock) -> str:
    return clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")
