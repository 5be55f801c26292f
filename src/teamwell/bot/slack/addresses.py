"""Where a Slack message goes (a person's DM), and whether it already went there.

A person's first message is posted with their user id as the channel: chat.postMessage opens
the bot's DM with them and answers its id (D...), which is remembered with their account. No
conversations.open (Tier 3, 50 a minute) is needed for it, only for an in-doubt row with no
DM known yet: its conversation history must be read before posting again, and that takes the
DM's own id.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.failures import PermanentProblem, TransientProblem
from teamwell.bot.storage.outbox_store import Claimed, OutboxStore, Recipient

log = logging.getLogger(__name__)

EVENT_TYPE = "teamwell_outbox"
PLATFORM = "slack"
HISTORY_PAGES_MAX = 50
_USER_PREFIXES = ("U", "W")  # W: users of Enterprise Grid organisations


def is_user_id(channel: str) -> bool:
    """True for a Slack user id (U..., W...) given as a channel: a DM not known yet."""
    return channel[:1] in _USER_PREFIXES


def outbox_id_of(message: dict[str, object]) -> str | None:
    """The outbox id a posted Slack message carries in its metadata, if any."""
    metadata = message.get("metadata")
    if not isinstance(metadata, dict) or metadata.get("event_type") != EVENT_TYPE:
        return None
    payload = metadata.get("event_payload")
    return str(payload.get("outbox_id")) if isinstance(payload, dict) else None


class SlackAddresses:
    """Resolves outbox recipients to Slack channels, linking accounts found by email."""

    def __init__(self, store: OutboxStore, client: AsyncWebClient) -> None:
        self.store = store
        self.client = client

    async def channel_for(self, claim: Claimed) -> str:
        """The channel to post a row to: its channel, the recipient's DM if known, else their
        user id (chat.postMessage opens the DM; see remember). An in-doubt row gets the DM
        itself, opened if need be, since its history is read before posting again."""
        if claim.channel is not None:
            return claim.channel
        assert claim.recipient_id is not None
        recipient = await asyncio.to_thread(self.store.recipient, claim.workspace_id,
                                            claim.recipient_id)
        if recipient is None:
            raise PermanentProblem(f"recipient {claim.recipient_id} is not in the directory")
        if not recipient.active:
            raise PermanentProblem(f"recipient {claim.recipient_id} is no longer active")
        if recipient.slack_user_id and recipient.conversation_id:
            return recipient.conversation_id
        user_id = recipient.slack_user_id or await self._find_by_email(claim, recipient)
        if not claim.in_doubt:
            return user_id
        opened = await self.client.conversations_open(users=user_id)
        channel = str(opened["channel"]["id"])
        await self.remember(claim, user_id, channel)
        return channel

    async def remember(self, claim: Claimed, user_id: str, channel: str) -> None:
        """Keep the DM channel id a post to user_id was answered with, for the next rows."""
        await asyncio.to_thread(self.store.remember_conversation, claim.workspace_id, user_id,
                                channel)

    async def _find_by_email(self, claim: Claimed, recipient: Recipient) -> str:
        who = f"person {recipient.person_id}"
        if not recipient.email:
            raise TransientProblem(f"{who} has no Slack account linked and no email to find one")
        try:
            found = await self.client.users_lookupByEmail(email=recipient.email)
        except SlackApiError as exc:
            data = getattr(exc.response, "data", None)
            if isinstance(data, dict) and data.get("error") == "users_not_found":
                raise TransientProblem(
                    f"{who} has no Slack account linked and no Slack user has their email"
                ) from exc
            raise
        user = found["user"]
        if user.get("deleted") or user.get("is_bot"):
            raise TransientProblem(f"the Slack user with the email of {who} is deactivated")
        user_id = str(user["id"])
        if await asyncio.to_thread(self._forgotten, claim.workspace_id, user_id):
            # Only their own `rejoin` on Slack links that account again.
            raise PermanentProblem(f"the Slack user with the email of {who} asked to be "
                                   "forgotten")
        if not await asyncio.to_thread(self.store.link_account, claim.workspace_id,
                                       recipient.person_id, user_id):
            raise PermanentProblem(f"Slack user {user_id} (found by email for {who}) is "
                                   "already linked to another person")
        log.info("linked %s to Slack user %s by email", who, user_id)
        return user_id

    def _forgotten(self, workspace_id: str, user_id: str) -> bool:
        with self.store.uow_factory() as uow:
            return uow.forgotten.forgotten_on(workspace_id, PLATFORM, user_id) is not None

    async def find_posted(self, claim: Claimed, channel: str, oldest: datetime) -> str | None:
        """The ts of a message this row already posted to channel since oldest, if any."""
        cursor: str | None = None
        for _ in range(HISTORY_PAGES_MAX):
            page = await self.client.conversations_history(
                channel=channel, oldest=f"{max(oldest.timestamp(), 0):.6f}", limit=200,
                include_all_metadata=True, cursor=cursor)
            for message in page.get("messages") or []:
                if outbox_id_of(message) == claim.id:
                    return str(message["ts"])
            cursor = (page.get("response_metadata") or {}).get("next_cursor")
            if not page.get("has_more") or not cursor:
                return None
        log.warning("outbox %s: gave up searching %s's history; posting", claim.id, channel)
        return None
