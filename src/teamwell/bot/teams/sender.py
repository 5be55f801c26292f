"""The outbox sender for Teams: proactive messages through stored conversation references.

Each person's 1:1 conversation reference is saved on install and on every activity; when a
linked person has none yet, a conversation is created in the tenant (which works only if the
app is installed for them). Bot Framework has no way to read a conversation back, so a row left
in doubt by a crash between the send and its record is sent again: at least once, never lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import aiohttp

from teamwell.bot.outbox_failures import (
    Failure,
    Kind,
    PermanentProblem,
    TransientProblem,
    network_failure,
    problem_failure,
    retry_after_seconds,
)
from teamwell.bot.outbox_sender import OutboxSender, SenderSettings
from teamwell.bot.pacing import wait_turn
from teamwell.bot.storage import accounts_store
from teamwell.bot.storage.outbox_store import Claimed, OutboxStore, UowFactory
from teamwell.bot.teams.cards import render_activity
from teamwell.bot.teams.rate_limits import TEAMS_LIMITS, connector_call
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.bot.teams.tokens import TokenUnavailable, bot_token
from teamwell.core.clock import Clock
from teamwell.core.messages import Message, mentioned_people

if TYPE_CHECKING:
    from botframework.connector.auth import AppCredentials

log = logging.getLogger(__name__)
PLATFORM = "teams"
NOT_INSTALLED = ("the Teamwell app is not installed for them in Teams",
                 "Install it for them (Teams admin centre > Teams apps > Setup policies > "
                 "Installed apps > add Teamwell), or ask them to add Teamwell from the Apps "
                 "store in Teams.")
# Called with (workspace id, person id, reason, remedy) when someone cannot be reached.
Unreachable = Callable[[str, str, str, str], object]


class ConnectorError(Exception):
    """A Bot Framework connector call answered with an error status."""

    def __init__(self, status: int, body: str, retry_after: float = 0.0) -> None:
        super().__init__(f"HTTP {status}: {body[:200]}")
        self.status = status
        self.retry_after = retry_after


class TeamsCourier:
    """Addresses, renders and sends outbox rows to the Bot Framework connector."""

    platform = PLATFORM
    limits = TEAMS_LIMITS

    def __init__(self, store: OutboxStore, config: TeamsConfig,
                 unreachable: Unreachable | None = None, timeout: float = 20.0) -> None:
        self.store = store
        self.config = config
        self.unreachable = unreachable
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None
        self._service: dict[str, str] = {}  # conversation id -> service URL
        self._credentials: AppCredentials | None = None

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def address(self, claim: Claimed) -> str:
        """The person's 1:1 conversation id: from their stored reference, or created."""
        if claim.channel is not None:
            if not claim.channel.startswith("19:"):
                raise PermanentProblem(f"{claim.channel} is not a Teams channel id (19:...)")
            return claim.channel
        if claim.recipient_id is None:
            raise PermanentProblem("the row names neither a person nor a channel")
        recipient = await asyncio.to_thread(self.store.recipient, claim.workspace_id,
                                            claim.recipient_id)
        if recipient is None or not recipient.active:
            raise PermanentProblem(f"recipient {claim.recipient_id} is not an active person")
        if recipient.conversation_ref:
            ref = json.loads(recipient.conversation_ref)
            conversation = str((ref.get("conversation") or {}).get("id") or "")
            service = str(ref.get("serviceUrl") or ref.get("service_url") or "")
            if conversation and service:
                self._service[conversation] = service
                return conversation
        if not recipient.slack_user_id:
            await self._tell(claim, *NOT_INSTALLED)
            raise TransientProblem(f"person {claim.recipient_id} has no Teams account linked "
                                   "(the app has not seen them yet)")
        return await self._create(claim, recipient.slack_user_id)

    async def find_posted(self, claim: Claimed, conversation: str,
                          oldest: datetime) -> str | None:
        """Always None: a Bot Framework conversation cannot be read back."""
        return None

    async def post(self, claim: Claimed, conversation: str, message: Message) -> tuple[str, str]:
        """Send the message as a new activity in the conversation (a new thread in a channel)."""
        activity = await self._render(claim, message)
        if claim.channel is not None:
            return await self._post_in_channel(claim, conversation, activity)
        url = f"{self._service[conversation]}/v3/conversations/{quote(conversation, safe='')}/activities"
        answer = await self._call("POST", url, activity)
        return conversation, str(answer.get("id") or "")

    async def update(self, claim: Claimed, conversation: str, ref: str,
                     message: Message) -> None:
        """Replace an earlier activity (PUT is harmless to repeat)."""
        if conversation not in self._service:
            await self.address(claim)
        activity = await self._render(claim, message)
        activity["id"] = ref
        base = f"{self._service[conversation]}/v3/conversations/{quote(conversation, safe='')}"
        await self._call("PUT", f"{base}/activities/{quote(ref, safe='')}", activity)

    def classify(self, exc: BaseException) -> Failure | None:
        """Connector statuses, network errors and our own problems."""
        if isinstance(exc, ConnectorError):
            if exc.status == 429:
                return Failure(Kind.RATE_LIMITED, "rate limited", exc.retry_after or 1.0)
            if exc.status >= 500 or exc.status == 408:
                return Failure(Kind.TRANSIENT, str(exc), maybe_took_effect=True)
            if exc.status == 401:
                # Credentials are the operator's to fix; every row waits rather than fails.
                return Failure(Kind.TRANSIENT, f"Bot Framework refused our token: {exc}")
            return Failure(Kind.PERMANENT, str(exc))
        if isinstance(exc, TokenUnavailable):
            # Nothing was sent; a wrong secret or an unreachable login is the operator's to fix.
            return Failure(Kind.TRANSIENT, f"could not get the bot's Bot Framework token: {exc}")
        return network_failure(exc) or problem_failure(exc)

    def finished(self, claim_id: str) -> None:
        """Nothing is kept per row."""

    async def _post_in_channel(self, claim: Claimed, channel: str,
                               activity: dict[str, Any]) -> tuple[str, str]:
        service, tenant = await asyncio.to_thread(_service_and_tenant, self.store,
                                                  claim.workspace_id)
        if service is None:
            raise TransientProblem("no Teams activity seen in this tenant yet: no service URL")
        body = {"isGroup": True, "activity": activity, "tenantId": tenant,
                "channelData": {"channel": {"id": channel}, "tenant": {"id": tenant}}}
        answer = await self._call("POST", f"{service}/v3/conversations", body)
        thread = str(answer.get("id") or channel)
        self._service[thread] = service
        return thread, str(answer.get("activityId") or "")

    async def _create(self, claim: Claimed, user_id: str) -> str:
        service, tenant = await asyncio.to_thread(_service_and_tenant, self.store,
                                                  claim.workspace_id)
        if service is None:
            raise TransientProblem("no Teams activity seen in this tenant yet: no service URL")
        body = {"bot": {"id": f"28:{self.config.app_id or 'teamwell'}"},
                "members": [{"id": user_id}], "isGroup": False, "tenantId": tenant,
                "channelData": {"tenant": {"id": tenant}}}
        try:
            answer = await self._call("POST", f"{service}/v3/conversations", body)
        except ConnectorError as exc:
            if exc.status in (403, 404):
                assert claim.recipient_id is not None
                await self._tell(claim, *NOT_INSTALLED)
                raise PermanentProblem(f"cannot open a chat with {user_id}: {exc}") from exc
            raise
        conversation = str(answer["id"])
        reference = json.dumps({"conversation": {"id": conversation}, "serviceUrl": service,
                                "user": {"id": user_id}, "channelId": "msteams"})
        await asyncio.to_thread(self.store.remember_conversation, claim.workspace_id, user_id,
                                conversation, reference)
        self._service[conversation] = service
        return conversation

    async def _tell(self, claim: Claimed, reason: str, remedy: str) -> None:
        if self.unreachable is not None and claim.recipient_id is not None:
            await asyncio.to_thread(self.unreachable, claim.workspace_id, claim.recipient_id,
                                    reason, remedy)

    async def _render(self, claim: Claimed, message: Message) -> dict[str, Any]:
        people = mentioned_people(message)
        known = await asyncio.to_thread(_mentions, self.store, claim.workspace_id, people)
        # Off the event loop: a chart is drawn with matplotlib.
        return await asyncio.to_thread(render_activity, message, known.get)

    async def _call(self, method: str, url: str, body: dict[str, Any]) -> dict[str, Any]:
        await wait_turn(*connector_call(method, url))
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        headers = {"Content-Type": "application/json"}
        token = await self._token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        async with self._session.request(method, url, json=body, headers=headers) as resp:
            raw = await resp.text()
            if resp.status >= 400:
                wait = retry_after_seconds(resp.headers.get("Retry-After", "1"))
                raise ConnectorError(resp.status, raw, wait)
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError:
            data = {}
        return data if isinstance(data, dict) else {}

    async def _token(self) -> str | None:
        if not self.config.app_id:
            return None  # anonymous local testing: the connector wants no token
        if self._credentials is None:
            from botframework.connector.auth import MicrosoftAppCredentials

            # One for the courier's life: MSAL's token cache belongs to it.
            self._credentials = MicrosoftAppCredentials(
                self.config.app_id, self.config.app_password,
                channel_auth_tenant=self.config.tenant_id)
        return await bot_token(self._credentials)


def _service_and_tenant(store: OutboxStore, workspace_id: str) -> tuple[str | None, str | None]:
    return (accounts_store.reference_value(store, workspace_id, "serviceUrl"),
            accounts_store.workspace_external_id(store, workspace_id))


def _mentions(store: OutboxStore, workspace_id: str,
              people: set[str]) -> dict[str, tuple[str, str]]:
    ids = store.account_ids(workspace_id, people)
    shown = accounts_store.names(store, workspace_id, set(ids))
    return {pid: (ids[pid], shown.get(pid, "someone")) for pid in ids}


class TeamsSender(OutboxSender):
    """Delivers the outbox of every Teams tenant."""

    def __init__(self, uow: UowFactory, config: TeamsConfig, clock: Clock,
                 settings: SenderSettings | None = None, *,
                 unreachable: Unreachable | None = None,
                 rng: random.Random | None = None) -> None:
        store = OutboxStore(uow, PLATFORM)
        courier = TeamsCourier(store, config, unreachable)
        super().__init__(store, courier, clock, settings, rng=rng)
        self.teams = courier
