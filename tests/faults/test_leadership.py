"""Leadership over real databases: one ticking scheduler and one sending process at a time,
handed on when lost."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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
    # pg_locks lists every database's locks; advisory locks are per database, and other test
    # runs on this server may hold the same key in theirs.
    with engine.connect() as conn:
        return list(conn.scalars(text(
            "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
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


@dataclass
class _Sender:
    """Sends a message every 50 ms (each takes `takes` s, finished even when told to stop),
    recording (sender, "start"/"done", monotonic time) in the shared journal."""

    name: str
    journal: list[tuple[str, str, float]]
    takes: float = 0.02
    runs: list[float] = field(default_factory=list)
    stops: list[float] = field(default_factory=list)

    async def run(self, stop: asyncio.Event) -> None:
        self.runs.append(time.monotonic())
        while not stop.is_set():
            self.journal.append((self.name, "start", time.monotonic()))
            await asyncio.sleep(self.takes)  # the message in hand
            self.journal.append((self.name, "done", time.monotonic()))
            await asyncio.sleep(0.03)
        self.stops.append(time.monotonic())


def _noop() -> AsyncIOScheduler:
    return AsyncIOScheduler()


async def test_on_sqlite_the_only_process_sends_at_once_and_stops_sending_on_close(
    sqlite_url: str
) -> None:
    journal: list[tuple[str, str, float]] = []
    leadership = Leadership(make_engine(sqlite_url), _noop, **FAST)
    leadership.start()
    sender = _Sender("solo", journal)
    leadership.send_while_leading(sender)  # given after start(), as Background does

    await _until(lambda: len(journal) >= 4)
    sending = leadership.sending
    await leadership.close()

    assert sending == 1
    assert leadership.sending == 0 and len(sender.runs) == 1 and len(sender.stops) == 1
    assert journal[-1][1] == "done", "the message in hand was cut off"


async def test_on_postgresql_only_the_leader_sends_and_a_standby_begins_after_its_last_message(
    pg_url: str
) -> None:
    journal: list[tuple[str, str, float]] = []
    a = Leadership(make_engine(pg_url), _noop, **FAST)
    b = Leadership(make_engine(pg_url), _noop, **FAST)
    a.send_while_leading(_Sender("a", journal, takes=0.4))
    b.send_while_leading(_Sender("b", journal))

    a.start()
    await _until(lambda: a.leading)
    b.start()
    await asyncio.sleep(0.6)  # b asks for the lock a few times meanwhile
    while_a_led = {name for name, _, _ in journal}
    b_sending = b.sending
    await _until(lambda: journal[-1][:2] == ("a", "start"))
    await a.close()  # a message in hand: finished before the lock goes
    # (b, in the same event loop, may already have begun by the time close() returns)
    _, a_last, a_finished_at = [entry for entry in journal if entry[0] == "a"][-1]
    await _until(lambda: any(name == "b" for name, _, _ in journal))
    b_began_at = next(t for name, _, t in journal if name == "b")
    await b.close()

    assert while_a_led == {"a"} and b_sending == 0
    assert a_last == "done"
    assert b_began_at > a_finished_at, "the standby sent while the leader still did"


async def test_a_leader_that_loses_its_connection_stops_sending_and_sends_again_when_it_leads(
    pg_url: str, engine: Engine
) -> None:
    journal: list[tuple[str, str, float]] = []
    sender = _Sender("a", journal)
    a = Leadership(make_engine(pg_url), _noop, **FAST)
    a.send_while_leading(sender)
    a.start()
    await _until(lambda: a.leading and len(journal) >= 2)

    with engine.connect() as conn:  # as a database restart or a network cut would
        conn.execute(text("SELECT pg_terminate_backend(:pid)"),
                     {"pid": _lock_holders(engine)[0]})
    stepped_down = await _until(lambda: len(sender.stops) == 1)
    sending_between = a.sending
    await _until(lambda: len(sender.runs) == 2 and a.sending == 1)  # elected again
    await a.close()

    stopped, resumed = sender.stops[0], sender.runs[1]
    assert stepped_down < 1.0 and sending_between == 0
    assert not [t for _, _, t in journal if stopped < t < resumed], "sent without leading"
    assert journal[-1][1] == "done" and len(sender.stops) == 2 and a.sending == 0
