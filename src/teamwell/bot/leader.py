"""Leadership: on PostgreSQL, one process at a time runs the scheduled jobs and sends.

The leader holds a session-level advisory lock on a connection of its own for as long as it
leads. PostgreSQL releases such a lock when its connection ends, however the process ended
(`kill -9`, a crash, a lost network), so a standby that retries every few seconds takes over.
The leader checks its connection just as often and stops its scheduler the moment it is lost.
A tick that overlaps a takeover is harmless: every job is idempotent in the database (unique
keys, compare-and-set updates, claimed rows).

The outbox senders run only while leading too, not for safety (they claim rows under fenced
leases) but for pacing: a sender keeps to the platforms' rate limits in its own memory, so only
one process sending makes that pace the deployment's. Stepping down, the leader stops its
senders gracefully: each finishes the message in hand (for at most GRACE_SECONDS), and only
then, at shutdown, is the lock released. The inbox worker needs no leader and is not run here.

On SQLite the process always leads: SQLite is the single-process embedded default, and two
processes on one SQLite file are not supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)
T = TypeVar("T")

LEADER_LOCK = 7_340_112_002  # any constant other than migrate.MIGRATION_LOCK; shared by all
RETRY_SECONDS = 5.0  # how often a standby asks for the lock: takeover well within 30 s
CHECK_SECONDS = 5.0  # how often the leader makes sure its lock connection is still alive
GRACE_SECONDS = 15.0  # stepping down, senders finish the message in hand for at most this long
# The lock connection must notice a dead peer in seconds, on both sides: the client so that a
# cut-off leader stops ticking, the server (its keepalives, set per session) so that the lock
# of a leader lost to the network is released rather than held for the OS's two hours.
_CONNECT_ARGS: dict[str, Any] = {
    "connect_timeout": 5,
    "application_name": "teamwell-leader",
    "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2, "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
    "options": "-c statement_timeout=5000 -c tcp_keepalives_idle=5 "
               "-c tcp_keepalives_interval=2 -c tcp_keepalives_count=3",
}


class Ticking(Protocol):
    """What leadership starts and stops: an APScheduler scheduler."""

    def start(self) -> None:
        """Start ticking."""
        ...

    def shutdown(self, wait: bool = True) -> None:
        """Stop ticking; running jobs are cancelled unless wait."""
        ...


class Sending(Protocol):
    """What leadership runs besides the scheduler: an outbox sender."""

    async def run(self, stop: asyncio.Event) -> None:
        """Deliver until stop is set, finishing the message in hand."""
        ...


class AdvisoryLock:
    """A session-level PostgreSQL advisory lock, held on a connection of its own."""

    def __init__(self, engine: Engine, key: int = LEADER_LOCK) -> None:
        # Not the application's pool: this connection lives as long as the leadership, and
        # closing it must really end the session (NullPool), which is what frees the lock.
        self._engine = create_engine(engine.url, poolclass=NullPool, connect_args=_CONNECT_ARGS)
        self._key = key
        self._conn: Connection | None = None

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it (blocking: call it in a thread)."""
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": self._key}))
        except BaseException:
            conn.close()
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def held(self) -> bool:
        """Whether the lock's session is still alive (the lock lives and dies with it)."""
        conn = self._conn
        if conn is None:
            return False
        try:
            conn.scalar(text("SELECT 1"))
        except SQLAlchemyError:
            self.release()
            return False
        return True

    def release(self) -> None:
        """Give the lock up (closing the session would free it anyway)."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        with contextlib.suppress(SQLAlchemyError):
            conn.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": self._key})
        with contextlib.suppress(SQLAlchemyError):
            conn.close()

    def dispose(self) -> None:
        """Release the lock and close every connection."""
        self.release()
        self._engine.dispose()


class Leadership:
    """Runs a scheduler, and the senders given to send_while_leading, only while this process
    leads; a drop-in for the scheduler itself."""

    def __init__(self, engine: Engine, build: Callable[[], Ticking], *,
                 retry_seconds: float = RETRY_SECONDS,
                 check_seconds: float = CHECK_SECONDS,
                 grace_seconds: float = GRACE_SECONDS) -> None:
        self._engine = engine
        self._build = build
        self._retry = retry_seconds
        self._check = check_seconds
        self._grace = grace_seconds
        self._scheduler: Ticking | None = None
        self._senders: list[Sending] = []
        self._term: asyncio.Event | None = None  # set: this leadership's senders stop
        self._sending: list[asyncio.Task[None]] = []
        self._deadline = 0.0  # monotonic time by which stopped senders must have finished
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_error = ""

    @property
    def leading(self) -> bool:
        """Whether this process runs the scheduled jobs (and sends) now."""
        return self._scheduler is not None

    @property
    def sending(self) -> int:
        """How many senders run now (all of them while leading, none otherwise)."""
        return sum(not task.done() for task in self._sending)

    def send_while_leading(self, sender: Sending) -> None:
        """Run sender.run(stop) whenever this process leads (at once if it leads now)."""
        self._senders.append(sender)
        if self._term is not None:
            self._sending.append(asyncio.ensure_future(sender.run(self._term)))

    def start(self) -> None:
        """Lead at once on SQLite; on PostgreSQL, campaign for the lock in the background."""
        if self._engine.dialect.name != "postgresql":
            self._lead()
            return
        self._task = asyncio.ensure_future(self._campaign())

    def shutdown(self, wait: bool = False) -> None:
        """Stop ticking at once and tell the senders to stop (close() waits for them and
        releases the lock)."""
        self._stop.set()
        self._step_down()

    async def close(self) -> None:
        """Stop ticking, let the senders finish the message in hand, then release the lock,
        so that a standby takes over at once."""
        self.shutdown()
        if self._task is not None:
            await self._task
        await self._finish_sending()  # SQLite: no campaign did it

    async def _campaign(self) -> None:
        lock = AdvisoryLock(self._engine)
        told_standby = False
        try:
            while not self._stop.is_set():
                if self.leading:
                    if not await self._safely(lock.held, False):
                        log.warning("leader: the lock's database connection is lost; scheduled "
                                    "jobs and sending stopped until this or another process "
                                    "leads again")
                        self._step_down()
                        await self._finish_sending()
                        told_standby = False
                elif await self._safely(lock.try_acquire, False):
                    self._lead()
                elif not told_standby:
                    log.info("standby: another process runs the scheduled jobs and sends; "
                             "asking again every %.0f s", self._retry)
                    told_standby = True
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(),
                                           self._check if self.leading else self._retry)
        finally:
            self._step_down()
            await self._finish_sending()  # the lock guards the sending until it is over
            await asyncio.to_thread(lock.dispose)

    async def _safely(self, call: Callable[[], T], fallback: T) -> T:
        try:
            result = await asyncio.to_thread(call)
        except Exception as exc:  # noqa: BLE001 - the database may be away; ask again later
            if str(exc) != self._last_error:  # once per kind of outage, not every few seconds
                log.warning("leader lock: database unreachable: %s", exc)
            self._last_error = str(exc)
            return fallback
        self._last_error = ""
        return result

    def _lead(self) -> None:
        scheduler = self._build()
        scheduler.start()
        self._scheduler = scheduler
        self._term = term = asyncio.Event()
        self._sending = [asyncio.ensure_future(s.run(term)) for s in self._senders]
        log.info("leading: this process runs the scheduled jobs and sends (%d senders)",
                 len(self._senders))

    def _step_down(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            # Cancels a running tick: its database work commits or rolls back as a whole.
            scheduler.shutdown(wait=False)
        term, self._term = self._term, None
        if term is not None:
            term.set()  # the senders finish the message in hand; _finish_sending waits
            self._deadline = time.monotonic() + self._grace

    async def _finish_sending(self) -> None:
        tasks, self._sending = self._sending, []
        if not any(not task.done() for task in tasks):
            await asyncio.gather(*tasks, return_exceptions=True)
            return
        log.info("senders stopping: finishing the messages in hand (at most %.0f s)",
                 self._grace)
        _done, late = await asyncio.wait(tasks, timeout=max(0.0, self._deadline -
                                                             time.monotonic()))
        for task in late:
            # A row cancelled mid-send stays `sending`: after its lease it is in doubt, and
            # the next sender looks for it in the conversation before posting again.
            task.cancel()
        if late:
            log.warning("senders stopping: %d cut off after %.0f s", len(late), self._grace)
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, Exception):
                log.error("a sender ended with an error: %r", result)
