"""The outbox sender for Slack: the generic sender with a courier speaking the Slack Web API.

In-doubt rows are checked against the conversation history: every post carries its outbox id
in the message metadata, so a post that happened just before a crash is found, not repeated.
With OAuth installs, each row goes out with its own workspace's bot token, looked up for every
row: a workspace that was uninstalled has none, and its rows fail before any Slack call.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.outbox_failures import Failure
from teamwell.bot.outbox_sender import OutboxSender, SenderSettings
from teamwell.bot.slack.addresses import EVENT_TYPE, SlackAddresses, is_user_id
from teamwell.bot.slack.blocks import render_message
from teamwell.bot.slack.failures import PermanentProblem, TransientProblem, classify
from teamwell.bot.slack.paced_client import paced_copy
from teamwell.bot.slack.rate_limits import SLACK_LIMITS
from teamwell.bot.slack.tokens import NOT_INSTALLED, TokenLookup, with_token
from teamwell.bot.slack.uploads import ChartUploads, not_ready
from teamwell.bot.storage.encrypted import UndecryptableSecret
from teamwell.bot.storage.outbox_store import Claimed, OutboxStore, UowFactory
from teamwell.core.clock import Clock
from teamwell.core.messages import Message, mentioned_people

__all__ = ["SenderSettings", "SlackCourier", "SlackSender"]


@dataclass(frozen=True, slots=True)
class _Reach:
    """One workspace's client, and what addresses and uploads through it."""

    client: AsyncWebClient
    addresses: SlackAddresses
    charts: ChartUploads


class SlackCourier:
    """Addresses, renders and posts outbox rows through the Slack Web API: with one client, or
    (tokens given) with the bot token of each row's workspace."""

    platform = "slack"
    limits = SLACK_LIMITS
    KEPT_CLIENTS = 500  # workspaces whose client (and remembered chart files) are kept

    def __init__(self, store: OutboxStore, client: AsyncWebClient,
                 tokens: TokenLookup | None = None) -> None:
        self.store = store
        # The sender retries by itself, with the in-doubt check; a blind slack_sdk retry of
        # chat.postMessage after a dropped connection could post twice. The copy leaves a
        # client shared with Bolt untouched (and unpaced).
        self.client = paced_copy(client)
        self.client.retry_handlers = []
        self.addresses = SlackAddresses(store, self.client)
        self.charts = ChartUploads(self.client)
        self.tokens = tokens
        self._single = _Reach(self.client, self.addresses, self.charts)
        self._by_token: dict[str, _Reach] = {}

    async def _reach(self, workspace_id: str) -> _Reach:
        if self.tokens is None:
            return self._single
        try:
            token = await asyncio.to_thread(self.tokens, workspace_id)
        except UndecryptableSecret as exc:
            raise TransientProblem(str(exc)) from exc  # an admin fixes the key; then it goes
        if token is None:
            raise PermanentProblem(NOT_INSTALLED)
        reach = self._by_token.get(token)
        if reach is None:
            if len(self._by_token) >= self.KEPT_CLIENTS:
                self._by_token.pop(next(iter(self._by_token)))
            client = with_token(self.client, token)
            reach = _Reach(client, SlackAddresses(self.store, client), ChartUploads(client))
            self._by_token[token] = reach
        return reach

    async def address(self, claim: Claimed) -> str:
        """The row's channel, the recipient's DM, or (DM not known yet) their user id."""
        return await (await self._reach(claim.workspace_id)).addresses.channel_for(claim)

    async def find_posted(self, claim: Claimed, conversation: str,
                          oldest: datetime) -> str | None:
        """The ts of this row's message in the channel's history, if posted."""
        reach = await self._reach(claim.workspace_id)
        return await reach.addresses.find_posted(claim, conversation, oldest)

    async def post(self, claim: Claimed, conversation: str, message: Message) -> tuple[str, str]:
        """chat.postMessage with the outbox id in the metadata; posted to a user id, the DM's
        id it answers is remembered (and is the conversation recorded for the row)."""
        reach = await self._reach(claim.workspace_id)
        text, blocks = await self._render(reach, claim, message)
        response = await reach.client.chat_postMessage(
            channel=conversation, text=text, blocks=blocks, unfurl_links=False,
            unfurl_media=False,
            metadata={"event_type": EVENT_TYPE, "event_payload": {"outbox_id": claim.id}},
        )
        channel = str(response["channel"])
        if channel != conversation and is_user_id(conversation):
            await reach.addresses.remember(claim, conversation, channel)
        return channel, str(response["ts"])

    async def update(self, claim: Claimed, conversation: str, ref: str,
                     message: Message) -> None:
        """chat.update of an earlier post."""
        reach = await self._reach(claim.workspace_id)
        text, blocks = await self._render(reach, claim, message)
        await reach.client.chat_update(channel=conversation, ts=ref, text=text, blocks=blocks)

    def classify(self, exc: BaseException) -> Failure | None:
        """Slack API errors, network errors and chart uploads still processing."""
        return not_ready(exc) or classify(exc)

    def finished(self, claim_id: str) -> None:
        """Forget the chart files uploaded for the row."""
        for reach in (self._single, *self._by_token.values()):
            reach.charts.forget(claim_id)

    async def _render(self, reach: _Reach, claim: Claimed, message: Message
                      ) -> tuple[str, list[dict[str, object]]]:
        people = mentioned_people(message)
        ids = await asyncio.to_thread(self.store.account_ids, claim.workspace_id, people)
        # Charts are uploaded first (repeatable, see uploads.py); the post is the one step
        # that must happen once.
        files = await reach.charts.upload(claim.id, message)
        return render_message(message, ids.get, files)


class SlackSender(OutboxSender):
    """Delivers the outbox of every Slack workspace: through one Web API client, or (tokens
    given, OAuth installs) with each workspace's own bot token."""

    def __init__(self, uow: UowFactory, client: AsyncWebClient, clock: Clock,
                 settings: SenderSettings | None = None, *,
                 rng: random.Random | None = None, tokens: TokenLookup | None = None) -> None:
        store = OutboxStore(uow, "slack")
        courier = SlackCourier(store, client, tokens)
        super().__init__(store, courier, clock, settings, rng=rng)
        self.client = courier.client
        self.addresses = courier.addresses
        self.charts = courier.charts
