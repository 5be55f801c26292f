"""What every Teams turn needs: who is talking, where to answer, and remembering the chat."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes

from teamwell.bot.storage import accounts_store
from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.teams.cards import MentionOf, render_activity
from teamwell.bot.teams.identity import PLATFORM, TeamsIdentity, tenant_of
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.core.messages import Message, mentioned_people
from teamwell.handlers.deps import Deps

log = logging.getLogger(__name__)
EVENT_ID_MAX = 128


def is_personal(activity: Activity) -> bool:
    """Whether the activity happened in the bot's 1:1 chat with a person."""
    conversation = activity.conversation
    kind = getattr(conversation, "conversation_type", None)
    if kind:
        return str(kind) == "personal"
    return conversation is not None and not getattr(conversation, "is_group", False)


def user_id_of(activity: Activity) -> str:
    """The Teams user id ("29:...") of whoever sent the activity ("" when none)."""
    sender = activity.from_property
    return str(sender.id) if sender is not None and sender.id else ""


def event_key(activity: Activity) -> str | None:
    """The de-duplication key of an activity, or None when it has no id."""
    # Teams message ids are millisecond timestamps, unique only within one conversation, so
    # the key names the conversation too (hashed: conversation ids can be long).
    if not activity.id:
        return None
    conversation = activity.conversation.id if activity.conversation is not None else ""
    where = hashlib.sha256(str(conversation).split(";messageid=")[0].encode()).hexdigest()[:16]
    return f"teams:{where}:{activity.id}"[:EVENT_ID_MAX]


async def answer_invoke(turn_context: TurnContext, body: dict[str, Any] | None,
                        status: int = 200) -> None:
    """Set the invoke's HTTP answer (route.py writes a dict body as JSON, unserialised)."""
    await turn_context.send_activity(Activity(type=ActivityTypes.invoke_response,
                                              value=InvokeResponse(status=status, body=body)))


def _mentions(deps: Deps, workspace_id: str, people: set[str]) -> dict[str, tuple[str, str]]:
    store = OutboxStore(deps.uow, PLATFORM)
    ids = store.account_ids(workspace_id, people)
    shown = accounts_store.names(store, workspace_id, set(ids))
    return {pid: (ids[pid], shown.get(pid, "someone")) for pid in ids}


def _no_one(_person_id: str) -> tuple[str, str] | None:
    return None


@dataclass
class TeamsContext:
    """Deps, settings and identity, shared by the bot's activity handlers."""

    deps: Deps
    config: TeamsConfig
    identity: TeamsIdentity

    async def workspace(self, activity: Activity) -> str:
        """The workspace of the activity's tenant (route.py refuses activities without one)."""
        tenant = tenant_of(activity)
        if tenant is None:
            raise ValueError("activity has no tenant")
        return await self.identity.workspace(tenant)

    async def who(self, turn_context: TurnContext) -> tuple[str, str]:
        """The workspace and person behind the turn (UnknownPerson if none); saves the 1:1 chat."""
        activity = turn_context.activity
        ws = await self.workspace(activity)
        user_id = user_id_of(activity)
        aad = getattr(activity.from_property, "aad_object_id", None)
        person_id = await self.identity.person_id(turn_context, ws, user_id, aad)
        if is_personal(activity):
            await self.remember(turn_context, ws, user_id)
        return ws, person_id

    async def remember(self, turn_context: TurnContext, workspace_id: str, user_id: str) -> bool:
        """Store the 1:1 conversation reference so the outbox can message the person later."""
        activity = turn_context.activity
        if not user_id or activity.conversation is None or not activity.conversation.id:
            return False
        reference = TurnContext.get_conversation_reference(activity).serialize()
        store = OutboxStore(self.deps.uow, PLATFORM)
        return await asyncio.to_thread(store.remember_conversation, workspace_id, user_id,
                                       str(activity.conversation.id), json.dumps(reference))

    async def first_time(self, workspace_id: str, activity: Activity) -> bool:
        """Claim the activity id; False when it was seen before (a redelivery)."""
        key = event_key(activity)
        if key is None:
            return True

        def claim() -> bool:
            with self.deps.uow() as uow:
                fresh = uow.events.first_time(workspace_id, key, self.deps.clock.now())
                uow.commit()
            return fresh

        return await asyncio.to_thread(claim)

    async def mention_of(self, workspace_id: str, message: Message) -> MentionOf:
        """Who each person mentioned in the message is on Teams (a lookup made once)."""
        people = mentioned_people(message)
        if not people:
            return _no_one
        known = await asyncio.to_thread(_mentions, self.deps, workspace_id, people)
        return known.get

    async def reply(self, turn_context: TurnContext, workspace_id: str | None,
                    message: Message) -> None:
        """Answer in the turn's conversation (the thread, in a channel) with a card."""
        mention_of = (await self.mention_of(workspace_id, message) if workspace_id
                      else _no_one)
        rendered = render_activity(message, mention_of)
        await turn_context.send_activity(Activity().deserialize(rendered))
