"""Leadership over real databases: one ticking scheduler at a time, handed on when lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import Engine, text

from teamwell.bot.leader import LEADER_LOCK, Leadership
from teamwell.bot.storage.engine import make_engine

FAST = {"retry_seconds": 0.2, "check_seconds": 0.2}


def _ticking(ticks: list[str], name: str) -> Callable[[], AsyncIOScheduler]:
    """A real APScheduler that records a tick every 50 ms under name."""
    def build() -> AsyncIOScheduler:
        scheduler = AsyncIOScheduler()
        scheduler.add_job(ticks.append, "interval", seconds=0.05, args=[name])
        return scheduler
    return build


async def _until(done: Callable[[], bool], seconds: float = 10.0) -> float:
    start = time.monotonic()
    while not done():
        assert time.monotonic() - start < seconds, "timed out"
        await asyncio.sleep(0.02)
    return time.monotonic() - start


def _lock_holders(engine: Engine) -> list[int]:
    with engine.connect() as conn:
        return list(conn.scalars(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND ((classid::bigint << 32) | objid::bigint) = :key"), {"key": LEADER_LOCK}))


async def test_on_sqlite_the_only_process_leads_at_once(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    ticks: list[str] = []
    leadership = Leadership(engine, _ticking(ticks, "solo"), **FAST)

    leadership.start()
    leading = leadership.leading
    await _until(lambda: len(ticks) >= 2)
    await leadership.close()

    assert leading
    assert not leadership.leading
    engine.dispose()


async def test_of_two_processes_on_postgresql_one_ticks_and_the_other_takes_over_on_close(
    pg_url: str, engine: Engine
) -> None:
    ticks: list[str] = []
    a = Leadership(make_engine(pg_url), _ticking(ticks, "a"), **FAST)
    b = Leadership(make_engine(pg_url), _ticking(ticks, "b"), **FAST)

    a.start()
    await _until(lambda: a.leading)
    b.start()
    await asyncio.sleep(0.6)  # b asks for the lock a few times meanwhile
    while_a_led = set(ticks)
    b_led_too = b.leading
    await a.close()
    takeover = await _until(lambda: b.leading)
    holders = _lock_holders(engine)
    await b.close()

    assert while_a_led == {"a"} and not b_led_too
    assert takeover < 1.0
    assert len(holders) == 1
    assert _lock_holders(engine) == []


async def test_a_leader_that_loses_its_connection_stops_ticking_and_leadership_moves_on(
    pg_url: str, engine: Engine
) -> None:
    ticks: list[str] = []
    a = Leadership(make_engine(pg_url), _ticking(ticks, "a"), **FAST)
    b = Leadership(make_engine(pg_url), _ticking(ticks, "b"), **FAST)
    a.start()
    await _until(lambda: a.leading)
    b.start()
    await asyncio.sleep(0.3)

    with engine.connect() as conn:  # as a database restart or a network cut would
        conn.execute(text("SELECT pg_terminate_backend(:pid)"),
                     {"pid": _lock_holders(engine)[0]})
    stepped_down = await _until(lambda: not a.leading)
    await _until(lambda: a.leading or b.leading)
    leaders = [x.leading for x in (a, b)]
    holders = _lock_holders(engine)
    await asyncio.gather(a.close(), b.close())

    assert stepped_down < 1.0
    assert leaders.count(True) == 1
    assert len(holders) == 1
