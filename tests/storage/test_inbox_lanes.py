"""Stored Slack clicks keep each person's order across processes: a claim skips held lanes.

Two InboxStore objects on two engines stand for two handling processes sharing a database.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.inbox_store import InboxStore

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(minutes=2)
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def two_stores(db_url: str) -> Iterator[tuple[InboxStore, InboxStore]]:
    """Two stores on separate engines (two processes) over one migrated database."""
    engines = [make_engine(db_url), make_engine(db_url)]
    yield InboxStore(engines[0]), InboxStore(engines[1])
    for engine in engines:
        engine.dispose()


def _bodies(items: list) -> list[str]:
    return [item.body for item in items]


def test_a_persons_later_click_waits_while_another_process_holds_their_earlier_one(
        two_stores: tuple[InboxStore, InboxStore]) -> None:
    first, second = two_stores
    first.add_many([(FORM, "ann-1", "T1:UANN"), (FORM, "ann-2", "T1:UANN"),
                    (FORM, "bob-1", "T1:UBOB")], NOW)

    held = first.claim(NOW, LEASE, limit=1)
    meanwhile = second.claim(NOW, LEASE, limit=10)
    first.done([item.seq for item in held])
    after = second.claim(NOW, LEASE, limit=10)

    assert _bodies(held) == ["ann-1"]
    assert _bodies(meanwhile) == ["bob-1"]
    assert _bodies(after) == ["ann-2"]


def test_a_lane_abandoned_by_a_dead_process_is_taken_again_in_order_after_its_lease(
        two_stores: tuple[InboxStore, InboxStore]) -> None:
    first, second = two_stores
    first.add_many([(FORM, "ann-1", "T1:UANN"), (FORM, "ann-2", "T1:UANN")], NOW)
    first.claim(NOW, LEASE, limit=1)  # then the process dies
    second.add_many([(FORM, "ann-3", "T1:UANN")], NOW)

    during_lease = second.claim(NOW + LEASE / 2, LEASE, limit=10)
    after_lease = second.claim(NOW + LEASE + timedelta(seconds=1), LEASE, limit=10)

    assert during_lease == []
    assert _bodies(after_lease) == ["ann-1", "ann-2", "ann-3"]
    assert [item.attempts for item in after_lease] == [2, 1, 1]


def test_released_clicks_are_claimed_again_at_once_and_in_order(
        two_stores: tuple[InboxStore, InboxStore]) -> None:
    first, second = two_stores
    first.add_many([(FORM, "ann-1", "T1:UANN"), (FORM, "ann-2", "T1:UANN")], NOW)
    claimed = first.claim(NOW, LEASE, limit=10)

    first.release([item.seq for item in claimed])
    again = second.claim(NOW, LEASE, limit=10)

    assert _bodies(again) == ["ann-1", "ann-2"]


def test_concurrent_claims_from_two_processes_never_hold_one_lane_at_once(
        two_stores: tuple[InboxStore, InboxStore]) -> None:
    lanes = [f"T1:U{n}" for n in range(6)]
    rng = random.Random(7)
    order = [rng.choice(lanes) for _ in range(240)]
    two_stores[0].add_many([(FORM, f"{lane}#{i}", lane) for i, lane in enumerate(order)], NOW)
    holding: dict[str, str] = {}
    handled: list[str] = []
    clashes: list[str] = []
    guard = threading.Lock()

    def work(name: str, store: InboxStore) -> None:
        idle = 0
        while idle < 20:
            items = store.claim(NOW, LEASE, limit=rng.randint(1, 8))
            if not items:
                idle += 1
                time.sleep(0.002)
                continue
            idle = 0
            mine = {item.lane for item in items}
            with guard:
                clashes.extend(lane for lane in mine if lane in holding)
                holding.update(dict.fromkeys(mine, name))
                handled.extend(item.body for item in items)
            time.sleep(0.001)
            with guard:
                for lane in mine:
                    holding.pop(lane, None)
            store.done([item.seq for item in items])

    threads = [threading.Thread(target=work, args=(f"p{n}", store))
               for n, store in enumerate(two_stores)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert clashes == []
    assert sorted(handled) == sorted(f"{lane}#{i}" for i, lane in enumerate(order))
    for lane in lanes:
        mine = [int(body.split("#")[1]) for body in handled if body.startswith(lane + "#")]
        assert mine == sorted(mine), f"{lane} handled out of order"
