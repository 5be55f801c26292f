"""A durable inbox for button clicks: stored before Slack gets its 200, handled just after.

Slack wants an answer within 3 seconds and ignores the body of a click's answer anyway: the
person hears back through an ephemeral message or an updated view. So a click is verified,
written to `slack_inbox` (in a group commit with whatever other clicks arrived meanwhile), and
acknowledged; a worker on the same event loop then runs it through Bolt's listeners. A crash
between the two loses nothing: the row stays, and is handled after a restart or, if a worker
died holding it, once its lease has passed. Handlers are idempotent, so a click handled twice
has the effect of one.

Only clicks whose answer does not matter are deferred. Buttons that open a form keep the direct
path (their trigger id expires in 3 seconds), as do commands and form submissions, whose
answers carry content.

Acks go first. Handling a click costs about ten times what storing and acknowledging it does,
so in a burst a worker handling at full speed would slow every ack behind it. Two things keep
acks fast: on SQLite, where a process does all its database work in one thread, a click's store
goes to the head of that thread's queue (db_thread.urgently); and before each batch the worker
looks at how many Slack requests this process answered at once since it last looked. Requests
pile up only when answers slow down (at 200 a second, answered in 3 ms, fewer than one is open
at a time), so while BUSY_ACKS or more were open at once it waits, up to MAX_DEFER, then takes
a small batch (BURST_BATCH) and looks again. Under ordinary load it never waits; in a burst it still handles BURST_BATCH
clicks every MAX_DEFER or so, and the rest as soon as the burst ends.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from teamwell.bot.db_thread import urgently
from teamwell.bot.slack.blocks import base_action_id
from teamwell.bot.storage.inbox_store import MAX_ATTEMPTS, InboxItem, InboxStore
from teamwell.core.clock import Clock
from teamwell.handlers.interactions import BUTTONS

log = logging.getLogger(__name__)
DEFERRED = frozenset(action.value for action in BUTTONS)
LEASE = timedelta(minutes=2)
BATCH = 100
IDLE_POLL = 1.0  # seconds; a put wakes the worker at once, the poll finds abandoned rows
BUSY_ACKS = 4  # Slack requests being answered at once that make the worker wait
LOOK_AGAIN = 0.01  # seconds between looks while it waits
MAX_DEFER = 1.0  # seconds the worker waits at most before a (small) batch
BURST_BATCH = 20  # clicks handled after waiting MAX_DEFER in vain


def deferrable(payload: dict[str, Any]) -> bool:
    """True for a (shape-checked) click on buttons whose handling may follow the 200."""
    if payload.get("type") != "block_actions":
        return False
    ids = {base_action_id(str(a.get("action_id", ""))) for a in payload.get("actions") or []}
    return bool(ids) and ids <= DEFERRED


def lane_of(payload: dict[str, Any]) -> str:
    """A (shape-checked) click's lane: its clicker, as "team:user"."""
    user = payload.get("user") or {}
    team = payload.get("team") or {}
    team_id = team.get("id") if isinstance(team, dict) else None
    return f"{team_id or user.get('team_id', '')}:{user.get('id', '')}"[:64]


class SlackInbox:
    """Group-commits verified clicks and feeds them to Bolt after the HTTP answer."""

    def __init__(self, store: InboxStore, bolt: AsyncApp, clock: Clock) -> None:
        self.store = store
        self.bolt = bolt
        self.clock = clock
        self._pending: list[tuple[str, str, str, asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None
        self._wake: asyncio.Event | None = None
        self._busy: asyncio.Lock | None = None
        self._answering = 0  # Slack requests this process is answering now
        self._peak = 0  # the most it answered at once since the worker last looked

    def _event(self) -> asyncio.Event:
        if self._wake is None:
            self._wake = asyncio.Event()
        return self._wake

    def _lock(self) -> asyncio.Lock:
        if self._busy is None:
            self._busy = asyncio.Lock()
        return self._busy

    async def put(self, raw: str, content_type: str, lane: str) -> None:
        """Store a verified request durably in its clicker's lane; returns once committed."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((content_type, raw, lane, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.ensure_future(self._flush())
        await done

    async def _flush(self) -> None:
        # Whatever arrives while one batch is being written goes in the next: one commit (one
        # trip to the database thread) serves many clicks at once.
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                await urgently(self.store.add_many, [(c, r, lane) for c, r, lane, _ in batch],
                               self.clock.now())
            except Exception as exc:  # noqa: BLE001 - each waiting request answers 503
                for *_, done in batch:
                    done.set_exception(exc)
                continue
            for *_, done in batch:
                done.set_result(None)
            self._event().set()

    async def process_once(self, limit: int = BATCH) -> int:
        """Handle one batch of waiting clicks; returns how many were claimed."""
        # One batch at a time in this process: drain() then also waits for the worker's batch.
        async with self._lock():
            return await self._process_batch(limit)

    async def _process_batch(self, limit: int) -> int:
        items = await asyncio.to_thread(self.store.claim, self.clock.now(), LEASE, limit)
        # One person's clicks in arrival order (a changed answer must land after the first);
        # different people's side by side, so that one's database work overlaps another's
        # Slack call, as concurrent requests did on the direct path.
        lanes: dict[str, list[InboxItem]] = {}
        for item in items:
            lanes.setdefault(item.lane, []).append(item)
        outcomes = await asyncio.gather(*(self._lane(lane) for lane in lanes.values()))
        await asyncio.to_thread(self.store.done, [seq for done in outcomes for seq in done])
        return len(items)

    async def _lane(self, items: list[InboxItem]) -> list[int]:
        handled: list[int] = []
        for item in items:
            if item.attempts > MAX_ATTEMPTS:
                log.error("dropping Slack click %d after %d attempts", item.seq, MAX_ATTEMPTS)
                handled.append(item.seq)
                continue
            request = AsyncBoltRequest(body=item.body, headers={"content-type": item.content_type})
            try:
                await self.bolt.async_dispatch(request)
            except Exception:  # noqa: BLE001 - Bolt's own error handler already answered
                log.exception("Slack click %d failed; it will be tried again", item.seq)
                # The rest of this person's clicks wait their turn behind it, in order.
                rest = [later.seq for later in items if later.seq >= item.seq]
                await asyncio.to_thread(self.store.release, rest)
                break
            handled.append(item.seq)
        return handled

    async def drain(self) -> None:
        """Handle everything stored so far (tests, the demo, shutdown)."""
        while self._flushing is not None and not self._flushing.done():
            await self._flushing
        while await self.process_once():
            pass

    @property
    def open_requests(self) -> int:
        """Slack requests this process is answering now."""
        return self._answering

    @contextmanager
    def answering(self) -> Iterator[None]:
        """Count a Slack request as being answered (the ingress wraps every one in this)."""
        self._answering += 1
        self._peak = max(self._peak, self._answering)
        try:
            yield
        finally:
            self._answering -= 1

    async def _let_acks_go_first(self, stop: asyncio.Event) -> bool:
        """Wait (at most MAX_DEFER) while BUSY_ACKS or more requests were being answered at
        once; whether they thinned out in time."""
        loop = asyncio.get_running_loop()
        give_up = loop.time() + MAX_DEFER
        # A peak, not a sample: answers that all wait for one group commit come back at once,
        # and a look that falls in the moment between two waves would see none.
        while self._peak >= BUSY_ACKS and not stop.is_set():
            if loop.time() >= give_up:
                return False
            self._peak = self._answering
            await asyncio.sleep(LOOK_AGAIN)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        """Handle clicks as they arrive until stop is set."""
        wake = self._event()
        while not stop.is_set():
            quiet = await self._let_acks_go_first(stop)
            try:
                if await self.process_once(BATCH if quiet else BURST_BATCH):
                    continue
            except Exception:  # noqa: BLE001 - the database may be away; try again shortly
                log.exception("Slack inbox worker failed; retrying")
            wake.clear()
            waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
            await asyncio.wait(waiters, timeout=IDLE_POLL, return_when=asyncio.FIRST_COMPLETED)
            for waiter in waiters:
                waiter.cancel()
