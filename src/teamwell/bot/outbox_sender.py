"""The durable outbox sender: every queued message is delivered once, whatever happens.

A row is claimed (committed as `sending`) before the platform is called and marked sent right
after. A sender killed in between leaves the row `sending` past its lease: *in doubt*. Before
posting an in-doubt row, the sender asks the platform's courier whether the row's message is
already there (Slack: message metadata in the conversation history), and marks the row sent if
so. Rows of one recipient go out in queue order, even with several senders. What differs per
platform (addresses, rendering, the API calls, what an error means) is the courier's.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from teamwell.bot import metrics
from teamwell.bot.outbox_failures import Failure, Kind, PermanentProblem, backoff
from teamwell.bot.outbox_lanes import BatchRun, Outcome
from teamwell.bot.pacing import Pacer
from teamwell.bot.rate_limits import Limits
from teamwell.bot.storage.outbox_store import EXPIRED, FAILED, SENT, Claimed, OutboxStore
from teamwell.core.clock import Clock
from teamwell.core.messages import Message, message_from_json

log = logging.getLogger(__name__)

POLL_SECONDS = (0.1, 1.0)  # how often drain_until_empty looks again: at least, at most


class Courier(Protocol):
    """One platform's side of delivery."""

    platform: str

    async def address(self, claim: Claimed) -> str:
        """The conversation to post the row to (found or opened)."""
        ...

    async def find_posted(self, claim: Claimed, conversation: str,
                          oldest: datetime) -> str | None:
        """The reference of this row's message if already posted there since oldest."""
        ...

    async def post(self, claim: Claimed, conversation: str, message: Message) -> tuple[str, str]:
        """Post the message; (conversation id, message reference)."""
        ...

    async def update(self, claim: Claimed, conversation: str, ref: str,
                     message: Message) -> None:
        """Replace an earlier message (harmless to repeat)."""
        ...

    def classify(self, exc: BaseException) -> Failure | None:
        """What an exception from this courier means; None for a bug."""
        ...

    def finished(self, claim_id: str) -> None:
        """Forget anything kept for a row that is now sent or failed."""
        ...

@dataclass(frozen=True, slots=True)
class SenderSettings:
    """How the sender paces itself."""

    lease_seconds: float = 60.0
    max_attempts: int = 8
    batch_size: int = 20
    backoff_base: float = 2.0
    backoff_cap: float = 300.0
    original_wait: float = 2.0  # an update waits this long for the message it replaces
    history_margin: float = 120.0  # clock skew allowed when looking for an in-doubt post
    pace: bool = False  # keep to the courier's published rate limits (the wiring turns it on)
    limits: Limits | None = None  # keep to these instead (benchmarks, tests); implies pacing


@dataclass(slots=True)
class _Attempt:
    in_doubt: bool
    posting: bool = False


async def _halt_on(halt: asyncio.Event, stop: asyncio.Event | None,
                   seconds: float | None) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for((stop or asyncio.Event()).wait(), seconds)
    halt.set()


class OutboxSender:
    """Delivers the outbox of every workspace of one platform through its courier."""

    def __init__(self, store: OutboxStore, courier: Courier, clock: Clock,
                 settings: SenderSettings | None = None, *,
                 rng: random.Random | None = None) -> None:
        self.store = store
        self.courier = courier
        self.clock = clock
        self.settings = settings or SenderSettings()
        s = self.settings
        # A zero wait would hand a row straight back to the claim that just gave it up.
        if min(s.lease_seconds, s.batch_size, s.max_attempts, s.backoff_base,
               s.original_wait) <= 0:
            raise ValueError("sender settings must all be positive")
        self._lease = timedelta(seconds=self.settings.lease_seconds)
        self._rng = rng or random.Random()
        self._paused: dict[str, datetime] = {}
        limits = s.limits or (getattr(courier, "limits", None) if s.pace else None)
        self.pacer = Pacer(limits) if limits is not None else None

    async def close(self) -> None:
        """Release what the courier holds open (nothing for most)."""
        close = getattr(self.courier, "close", None)
        if close is not None:
            await close()

    async def drain(self, stop: asyncio.Event | None = None) -> int:
        """Deliver everything due now (or until stop is set); return how many were delivered."""
        delivered = 0
        while stop is None or not stop.is_set():
            now = self.clock.now()
            paused = [ws for ws, until in self._paused.items() if until > now]
            batch = await asyncio.to_thread(self.store.claim_due, now, self._lease,
                                            self.settings.batch_size, paused)
            if not batch:
                break
            delivered += await self._deliver_batch(batch, stop)
        return delivered

    async def drain_until_empty(self, stop: asyncio.Event | None = None,
                                max_seconds: float | None = None) -> int:
        """Deliver, waiting for retries, until no row is left unfinished; return how many."""
        if stop is not None and stop.is_set():
            return 0
        halt = asyncio.Event()
        watch = asyncio.create_task(_halt_on(halt, stop, max_seconds))
        delivered = 0
        try:
            while not halt.is_set():
                delivered += await self.drain(halt)
                due = await asyncio.to_thread(self.store.next_due)
                if due is None:
                    break
                wait = (due - self.clock.now()).total_seconds()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(halt.wait(), min(max(wait, POLL_SECONDS[0]),
                                                            POLL_SECONDS[1]))
        finally:
            watch.cancel()
        return delivered

    async def run(self, stop: asyncio.Event, idle_seconds: float = 1.0) -> None:
        """Deliver until stop is set, looking for new rows every idle_seconds."""
        while not stop.is_set():
            try:
                await self.drain(stop)
            except Exception:  # noqa: BLE001 - a database outage must not end the sender
                log.exception("outbox sender: delivery round failed; trying again shortly")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), idle_seconds)

    async def _deliver_batch(self, batch: list[Claimed], stop: asyncio.Event | None) -> int:
        return await BatchRun(self.store, self.clock, self._lease, self._paused, self._deliver,
                              self.pacer, stop).run(batch)

    async def _deliver(self, claim: Claimed) -> Outcome:
        attempt = _Attempt(in_doubt=claim.in_doubt)
        try:
            message = message_from_json(json.loads(claim.payload))
        except (ValueError, TypeError, KeyError) as exc:
            await self._fail(claim, f"unreadable payload: {exc}", claim.in_doubt)
            return False, None
        try:
            if claim.replaces is not None:
                attempt.in_doubt = False  # an update can be repeated harmlessly
                return await self._update(claim, message)
            channel = await self.courier.address(claim)
            if attempt.in_doubt:
                margin = timedelta(seconds=self.settings.history_margin)
                ts = await self.courier.find_posted(claim, channel, claim.not_before - margin)
                if ts is not None:
                    log.info("outbox %s was already posted before a restart", claim.id)
                    return await self._sent(claim, channel, ts), None
                attempt.in_doubt = False
            attempt.posting = True
            conversation, ref = await self.courier.post(claim, channel, message)
            return await self._sent(claim, conversation, ref), None
        except Exception as exc:  # noqa: BLE001 - one bad row must not stop the whole outbox
            failure = self.courier.classify(exc)
            if failure is None:
                # A bug or a database hiccup: retried and counted, so that a row that always
                # breaks ends up failed instead of blocking everything queued after it.
                log.exception("outbox %s: unexpected error", claim.id)
                failure = Failure(Kind.TRANSIENT, f"unexpected error: {exc!r}",
                                  maybe_took_effect=True)
            return await self._handle(claim, failure, attempt)

    async def _handle(self, claim: Claimed, failure: Failure, attempt: _Attempt) -> Outcome:
        now = self.clock.now()
        doubt = attempt.in_doubt or (attempt.posting and failure.maybe_took_effect)
        if failure.kind is Kind.RATE_LIMITED:
            until = now + timedelta(seconds=failure.retry_after)
            self._paused[claim.workspace_id] = max(until, self._paused.get(claim.workspace_id,
                                                                           until))
            if self.pacer is not None:  # lanes already waiting for a turn wait longer
                self.pacer.pause(claim.workspace_id, failure.retry_after)
            log.info("%s rate limit: workspace %s paused for %.0f s", self.courier.platform,
                     claim.workspace_id, failure.retry_after)
            metrics.delivered(self.courier.platform, "retried", rate_limited=True)
            await asyncio.to_thread(self.store.reschedule, claim, until, "rate limited", False,
                                    doubt)
            return False, until
        tries = claim.attempts + 1
        if failure.kind is Kind.PERMANENT or tries >= self.settings.max_attempts:
            error = failure.error if failure.kind is Kind.PERMANENT else (
                f"gave up after {tries} attempts: {failure.error}"
                + (" (it may have been delivered)" if doubt else ""))
            await self._fail(claim, error, doubt)
            return False, None
        at = now + timedelta(seconds=backoff(tries, self.settings.backoff_base,
                                             self.settings.backoff_cap, self._rng))
        log.info("outbox %s: %s; retry %d at %s", claim.id, failure.error, tries, at.isoformat())
        metrics.delivered(self.courier.platform, "retried")
        await asyncio.to_thread(self.store.reschedule, claim, at, failure.error, True, doubt)
        return False, at

    async def _fail(self, claim: Claimed, error: str, in_doubt: bool = False) -> None:
        log.warning("outbox %s (%s) failed for good: %s", claim.id, claim.idempotency_key, error)
        metrics.delivered(self.courier.platform, "failed")
        self.courier.finished(claim.id)
        await asyncio.to_thread(self.store.fail, claim, error, in_doubt)

    async def _sent(self, claim: Claimed, channel: str, ts: str) -> bool:
        metrics.delivered(self.courier.platform, "sent")
        self.courier.finished(claim.id)
        recorded = await asyncio.to_thread(self.store.mark_sent, claim, channel, ts,
                                           self.clock.now())
        if not recorded:
            # Our lease ran out mid-send; the new owner's history check will find this post.
            log.warning("outbox %s delivered after its claim expired", claim.id)
        return True

    async def _update(self, claim: Claimed, message: Message) -> Outcome:
        assert claim.replaces is not None
        original = await asyncio.to_thread(self.store.delivered, claim.workspace_id,
                                           claim.replaces)
        if original is None:
            raise PermanentProblem(f"nothing to update: no outbox item {claim.replaces!r}")
        if original.status in (FAILED, EXPIRED):
            raise PermanentProblem(f"the message it updates ({claim.replaces!r}) failed")
        if original.status != SENT or not original.conversation_id or not original.message_ref:
            at = self.clock.now() + timedelta(seconds=self.settings.original_wait)
            await asyncio.to_thread(self.store.reschedule, claim, at, None, False, False)
            return False, at
        await self.courier.update(claim, original.conversation_id, original.message_ref, message)
        return await self._sent(claim, original.conversation_id, original.message_ref), None
