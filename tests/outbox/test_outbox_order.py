"""Each person's messages arrive in queue order, through rate limits, restarts and rival senders."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock, SystemClock

from .conftest import Org

FAST = SenderSettings(lease_seconds=30, backoff_base=0.05, backoff_cap=0.2, batch_size=7,
                      original_wait=0.05)


def _texts(org: Org, user_id: str) -> list[str]:
    channel = org.fake.dm_channel(user_id)
    return [m["text"] for m in org.fake.messages_in(channel)] if channel else []


async def test_a_rate_limited_first_message_still_goes_out_first_after_a_restart(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(org.item("intro", to=ana))
    org.fake.fail_next("chat.postMessage", 1, status=429, retry_after=5)
    await SlackSender(org.uow, client, clock, FAST).drain()
    org.queue(org.item("welcome", to=ana))
    restarted = SlackSender(org.uow, client, clock, FAST)

    while_limited = await restarted.drain()
    clock.advance(timedelta(seconds=6))
    after_the_limit = await restarted.drain()

    assert (while_limited, after_the_limit) == (0, 2)
    assert _texts(org, "U0001") == ["message intro", "message welcome"]


class _RivalTakesOver:
    """A clock that, read a second time, jumps past the lease while a rival claims one row."""

    def __init__(self, store: OutboxStore, start: datetime) -> None:
        self.store, self.at, self.readings = store, start, 0

    def now(self) -> datetime:
        self.readings += 1
        if self.readings == 2:
            self.at += timedelta(seconds=FAST.lease_seconds + 1)
            self.store.claim_due(self.at, timedelta(seconds=FAST.lease_seconds), 1)
        return self.at


async def test_a_sender_that_lost_a_row_to_a_rival_hands_back_the_rest_of_its_lane(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(org.item("first", to=ana), org.item("second", to=ana))
    slow = SlackSender(org.uow, client, _RivalTakesOver(OutboxStore(org.uow), clock.now()), FAST)

    delivered = await slow.drain()

    rows = org.rows()
    assert delivered == 0
    assert org.fake.calls_to("chat.postMessage") == []
    assert (rows["first"].status, rows["second"].status) == ("sending", "pending")


async def test_two_senders_at_once_deliver_each_message_once_and_each_persons_in_order(
    any_org: Org, client: AsyncWebClient
) -> None:
    org, people = any_org, [any_org.person(n) for n in range(1, 7)]
    # Six people, their messages unevenly interleaved.
    org.queue(*(org.item(f"m{i:03d}", to=people[i * 7 % 11 % 6]) for i in range(90)))
    org.fake.latency = 0.002
    settings = replace(FAST, batch_size=4)
    engines = [make_engine(org.uow.engine.url.render_as_string(hide_password=False))
               for _ in range(2)]
    senders = [SlackSender(SqlUnitOfWorkFactory(e), client, SystemClock(), settings)
               for e in engines]
    try:
        delivered = await asyncio.gather(*(s.drain_until_empty(max_seconds=60) for s in senders))
    finally:
        for e in engines:
            e.dispose()

    posted = org.fake.posted_outbox_ids()
    assert len(posted) == len(set(posted)) == sum(delivered) == 90
    assert all(delivered), "one sender did all the work"
    for n in range(1, 7):
        texts = _texts(org, f"U{n:04d}")
        assert texts == sorted(texts) and texts


async def test_draining_until_empty_waits_for_retries_and_rate_limits(
    org: Org, client: AsyncWebClient
) -> None:
    people = [org.person(n) for n in range(1, 4)]
    org.queue(*(org.item(f"m{i}", to=people[i % 3]) for i in range(6)))
    org.fake.fail_next("chat.postMessage", 1, status=500)
    org.fake.fail_next("chat.postMessage", 1, status=429, retry_after=1)
    sender = SlackSender(org.uow, client, SystemClock(), FAST)

    delivered = await sender.drain_until_empty(max_seconds=20)

    assert delivered == 6
    assert {r.status for r in org.rows().values()} == {"sent"}


async def test_draining_until_empty_stops_after_max_seconds_or_when_asked(
    org: Org, client: AsyncWebClient
) -> None:
    ana, bo = org.person(1), org.person(2)
    later = SystemClock().now() + timedelta(hours=1)
    org.queue(org.item("now", to=ana), replace(org.item("later", to=bo), not_before=later))
    sender = SlackSender(org.uow, client, SystemClock(), FAST)
    stop = asyncio.Event()
    stop.set()

    started = time.monotonic()
    delivered = await sender.drain_until_empty(max_seconds=0.5)
    took = time.monotonic() - started
    stopped = await sender.drain_until_empty(stop)

    assert (delivered, stopped) == (1, 0)
    assert 0.5 <= took < 3
    assert org.rows()["later"].status == "pending"
