"""Leadership: on PostgreSQL, one process at a time runs the scheduled jobs.

The leader holds a session-level advisory lock on a connection of its own for as long as it
leads. PostgreSQL releases such a lock when its connection ends, however the process ended
(`kill -9`, a crash, a lost network), so a standby that retries every few seconds takes over.
The leader checks its connection just as often and stops its scheduler the moment it is lost.
A tick that overlaps a takeover is harmless: every job is idempotent in the database (unique
keys, compare-and-set updates, claimed rows). The outbox senders and the inbox worker do not
need a leader: they claim rows under fenced leases and may run in every process.

On SQLite the process always leads: SQLite is the single-process embedded default, and two
processes on one SQLite file are not supported.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
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
    """Runs a scheduler only while this process leads; a drop-in for the scheduler itself."""

    def __init__(self, engine: Engine, build: Callable[[], Ticking], *,
                 retry_seconds: float = RETRY_SECONDS,
                 check_seconds: float = CHECK_SECONDS) -> None:
        self._engine = engine
        self._build = build
        self._retry = retry_seconds
        self._check = check_seconds
        self._scheduler: Ticking | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._last_error = ""

    @property
    def leading(self) -> bool:
        """Whether this process runs the scheduled jobs now."""
        return self._scheduler is not None

    def start(self) -> None:
        """Lead at once on SQLite; on PostgreSQL, campaign for the lock in the background."""
        if self._engine.dialect.name != "postgresql":
            self._lead()
            return
        self._task = asyncio.ensure_future(self._campaign())

    def shutdown(self, wait: bool = False) -> None:
        """Stop ticking at once (close() also releases the lock)."""
        self._stop.set()
        self._step_down()

    async def close(self) -> None:
        """Stop ticking and release the lock, so that a standby takes over at once."""
        self.shutdown()
        if self._task is not None:
            await self._task

    async def _campaign(self) -> None:
        lock = AdvisoryLock(self._engine)
        told_standby = False
        try:
            while not self._stop.is_set():
                if self.leading:
                    if not await self._safely(lock.held, False):
                        log.warning("leader: the lock's database connection is lost; scheduled "
                                    "jobs stopped until this or another process leads again")
                        self._step_down()
                        told_standby = False
                elif await self._safely(lock.try_acquire, False):
                    self._lead()
                elif not told_standby:
                    log.info("standby: another process runs the scheduled jobs; asking again "
                             "every %.0f s", self._retry)
                    told_standby = True
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(),
                                           self._check if self.leading else self._retry)
        finally:
            self._step_down()
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
        log.info("leading: this process runs the scheduled jobs")

    def _step_down(self) -> None:
        scheduler, self._scheduler = self._scheduler, None
        if scheduler is not None:
            # Cancels a running tick: its database work commits or rolls back as a whole.
            scheduler.shutdown(wait=False)
