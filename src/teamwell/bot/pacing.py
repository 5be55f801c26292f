"""Pacing: every platform call of a delivery waits until the platform's limits allow it.

One Pacer belongs to one sender and is shared by all its concurrent deliveries. The courier
does not pass it around: a delivery runs inside `pacing(pacer, workspace_id)`, and the client
the courier calls through (bot/slack/paced_client.py, the Teams courier's request) awaits
`wait_turn(method, conversation)` before each request. Waiting is sleeping, never polling.

The platform counts a call when it arrives, which is some time after we let it go. So that a
call held up on its way cannot arrive together with a full burst sent after it, a bucket does
not refill past `burst - calls in flight`: a call is in flight from its turn until the next
call of the same delivery, or the delivery's end (its answer is back by then).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from teamwell.bot.rate_limits import BucketKey, Limits, Rate

EPSILON = 1e-9  # float slack: a bucket refilled to 0.999999999 tokens has one
PRUNE_EVERY = 1024  # calls between sweeps of buckets that are full again

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class TokenBucket:
    """One limit's tokens, refilled continuously up to its burst less the calls in flight."""

    __slots__ = ("rate", "tokens", "at", "in_flight", "users")

    def __init__(self, rate: Rate, now: float) -> None:
        self.rate = rate
        self.tokens = rate.burst
        self.at = now
        self.in_flight = 0
        self.users = 0  # calls waiting on it or in flight: it must not be forgotten under them

    def _refill(self, now: float) -> None:
        if now > self.at:
            room = self.rate.burst - self.in_flight
            if self.tokens < room:
                self.tokens = min(room, self.tokens + (now - self.at) * self.rate.per_second)
            self.at = now

    def wait(self, now: float) -> float:
        """Seconds until a token is there: 0 now, inf until a call in flight ends."""
        self._refill(now)
        missing = 1.0 - self.tokens
        if missing <= EPSILON:
            return 0.0
        if self.rate.burst - self.in_flight < 1.0 - EPSILON:
            return math.inf
        return missing / self.rate.per_second

    def take(self, now: float, in_flight: bool = False) -> None:
        """Spend a token (the caller checked there is one); in_flight: until release()."""
        self._refill(now)
        self.tokens -= 1.0
        self.in_flight += int(in_flight)

    def release(self, now: float) -> None:
        """A call taken in flight has ended."""
        # Settled first under the old room: while the call was out, the platform's bucket may
        # have been full, its refill lost; only what comes from now on may use the freed room.
        self._refill(now)
        self.in_flight -= 1

    def full(self, now: float) -> bool:
        """True when refilled to its burst with nothing in flight: as good as a new bucket."""
        self._refill(now)
        return not self.in_flight and self.tokens >= self.rate.burst - EPSILON


@dataclass
class Ticket:
    """The buckets one call took a token from, held while the call is in flight."""

    buckets: list[TokenBucket] = field(default_factory=list)
    waited: float = 0.0


class Pacer:
    """Token buckets per workspace and limit; a call waits for a token from each of its own."""

    def __init__(self, limits: Limits, clock: Clock = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.limits = limits
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[tuple[str, BucketKey], TokenBucket] = {}
        self._queues: dict[tuple[str, BucketKey], asyncio.Lock] = {}
        self._paused: dict[str, float] = {}  # workspace -> no call before (a 429's Retry-After)
        self._released = asyncio.Event()
        self._calls = 0
        self.waited = 0.0  # seconds spent waiting, all calls together

    async def wait(self, workspace_id: str, method: str, conversation: str | None = None
                   ) -> Ticket:
        """Wait until this call is within every limit, then count it; release() it once done."""
        named = self.limits.buckets(method, conversation)
        ticket = Ticket([self._bucket(workspace_id, key, rate) for key, rate in named])
        if not named:
            return ticket
        for bucket in ticket.buckets:
            bucket.users += 1
        try:
            # A conversation's own bucket is waited for before joining the queue of the wider
            # ones, so that one person's second message does not hold up everyone's first.
            ticket.waited = await self._ready(workspace_id, ticket.buckets[:-1])
            async with self._queue(workspace_id, named[-1][0]):  # FIFO: no herd, no starving
                ticket.waited += await self._ready(workspace_id, ticket.buckets)
                now = self._clock()
                for bucket in ticket.buckets:
                    bucket.take(now, in_flight=True)
        except BaseException:
            for bucket in ticket.buckets:
                bucket.users -= 1
            raise
        self.waited += ticket.waited
        self._calls += 1
        if self._calls % PRUNE_EVERY == 0:
            self._prune()
        return ticket

    def release(self, ticket: Ticket) -> None:
        """The call is over: its tokens may be refilled again."""
        now = self._clock()
        for bucket in ticket.buckets:
            bucket.release(now)
            bucket.users -= 1
        ticket.buckets = []
        self._released.set()
        self._released = asyncio.Event()

    def pause(self, workspace_id: str, seconds: float) -> None:
        """Hold every call of the workspace for seconds (the platform answered 429)."""
        until = self._clock() + seconds
        self._paused[workspace_id] = max(until, self._paused.get(workspace_id, until))

    def tracked(self) -> int:
        """How many buckets are kept (the others are full, as good as new)."""
        return len(self._buckets)

    async def _ready(self, workspace_id: str, buckets: list[TokenBucket]) -> float:
        waited = 0.0
        while buckets:
            now = self._clock()
            paused = self._paused.get(workspace_id, now) - now
            delay = max(paused, *(bucket.wait(now) for bucket in buckets))
            if delay <= 0:
                break
            if math.isinf(delay):
                await self._released.wait()  # a call in flight must end first
            else:
                await self._sleep(delay)
            waited += self._clock() - now
        return waited

    def _bucket(self, workspace_id: str, key: BucketKey, rate: Rate) -> TokenBucket:
        bucket = self._buckets.get((workspace_id, key))
        if bucket is None:
            bucket = self._buckets[(workspace_id, key)] = TokenBucket(rate, self._clock())
        return bucket

    def _queue(self, workspace_id: str, key: BucketKey) -> asyncio.Lock:
        lock = self._queues.get((workspace_id, key))
        if lock is None:
            lock = self._queues[(workspace_id, key)] = asyncio.Lock()
        return lock

    def _prune(self) -> None:
        # A bucket per conversation would otherwise grow with every person ever messaged.
        now = self._clock()
        for name in [n for n, bucket in self._buckets.items()
                     if not bucket.users and bucket.full(now)]:
            del self._buckets[name]


@dataclass
class _Turn:
    pacer: Pacer
    workspace_id: str
    held: Ticket | None = None


_TURN: ContextVar[_Turn | None] = ContextVar("teamwell_pacing", default=None)


@contextmanager
def pacing(pacer: Pacer | None, workspace_id: str) -> Iterator[None]:
    """Within the block, this task's platform calls keep to pacer's limits for the workspace."""
    turn = _Turn(pacer, workspace_id) if pacer is not None else None
    token = _TURN.set(turn)
    try:
        yield
    finally:
        _TURN.reset(token)
        if turn is not None and turn.held is not None:
            turn.pacer.release(turn.held)


async def wait_turn(method: str, conversation: str | None = None) -> None:
    """Wait for the current delivery's turn to call method (at once outside a paced one)."""
    turn = _TURN.get()
    if turn is None:
        return
    if turn.held is not None:
        # A delivery makes its calls one after another: its previous one is answered by now.
        turn.pacer.release(turn.held)
        turn.held = None
    turn.held = await turn.pacer.wait(turn.workspace_id, method, conversation)
