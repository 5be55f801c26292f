"""The outbox sender for Slack: the generic sender with a courier speaking the Slack Web API.

In-doubt rows are checked against the conversation history: every post carries its outbox id
in the message metadata, so a post that happened just before a crash is found, not repeated.
"""

from __future__ import annotations

import asyncio
import copy
import random
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.outbox_failures import Failure
from teamwell.bot.outbox_sender import OutboxSender, SenderSettings
from teamwell.bot.slack.addresses import EVENT_TYPE, SlackAddresses
from teamwell.bot.slack.blocks import render_message
from teamwell.bot.slack.failures import classify
from teamwell.bot.slack.uploads import ChartUploads, not_ready
from teamwell.bot.storage.outbox_store import Claimed, OutboxStore, UowFactory
from teamwell.core.clock import Clock
from teamwell.core.messages import Message, mentioned_people

__all__ = ["SenderSettings", "SlackCourier", "SlackSender"]


class SlackCourier:
    """Addresses, renders and posts outbox rows through one Slack Web API client."""

    platform = "slack"

    def __init__(self, store: OutboxStore, client: AsyncWebClient) -> None:
        self.store = store
        # The sender retries by itself, with the in-doubt check; a blind slack_sdk retry of
        # chat.postMessage after a dropped connection could post twice. The copy leaves a
        # client shared with Bolt untouched.
        self.client = copy.copy(client)
        self.client.retry_handlers = []
        self.addresses = SlackAddresses(store, self.client)
        self.charts = ChartUploads(self.client)

    async def address(self, claim: Claimed) -> str:
        """The row's channel, or the recipient's DM (opened once)."""
        return await self.addresses.channel_for(claim)

    async def find_posted(self, claim: Claimed, conversation: str,
                          oldest: datetime) -> str | None:
        """The ts of this row's message in the channel's history, if posted."""
        return await self.addresses.find_posted(claim, conversation, oldest)

    async def post(self, claim: Claimed, conversation: str, message: Message) -> tuple[str, str]:
        """chat.postMessage with the outbox id in the metadata."""
        text, blocks = await self._render(claim, message)
        response = await self.client.chat_postMessage(
            channel=conversation, text=text, blocks=blocks, unfurl_links=False,
            unfurl_media=False,
            metadata={"event_type": EVENT_TYPE, "event_payload": {"outbox_id": claim.id}},
        )
        return str(response["channel"]), str(response["ts"])

    async def update(self, claim: Claimed, conversation: str, ref: str,
                     message: Message) -> None:
        """chat.update of an earlier post."""
        text, blocks = await self._render(claim, message)
        await self.client.chat_update(channel=conversation, ts=ref, text=text, blocks=blocks)

    def classify(self, exc: BaseException) -> Failure | None:
        """Slack API errors, network errors and chart uploads still processing."""
        return not_ready(exc) or classify(exc)

    def finished(self, claim_id: str) -> None:
        """Forget the chart files uploaded for the row."""
        self.charts.forget(claim_id)

    async def _render(self, claim: Claimed, message: Message) -> tuple[str, list[dict[str, object]]]:
        people = mentioned_people(message)
        ids = await asyncio.to_thread(self.store.account_ids, claim.workspace_id, people)
        # Charts are uploaded first (repeatable, see uploads.py); the post is the one step
        # that must happen once.
        files = await self.charts.upload(claim.id, message)
        return render_message(message, ids.get, files)


class SlackSender(OutboxSender):
    """Delivers the outbox of every Slack workspace through one Web API client."""

    def __init__(self, uow: UowFactory, client: AsyncWebClient, clock: Clock,
                 settings: SenderSettings | None = None, *,
                 rng: random.Random | None = None) -> None:
        store = OutboxStore(uow, "slack")
        courier = SlackCourier(store, client)
        super().__init__(store, courier, clock, settings, rng=rng)
        self.client = courier.client
        self.addresses = courier.addresses
        self.charts = courier.charts
