"""The Slack sender delivers each outbox row once: in order, through faults and restarts."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import update

from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.outbox_store import OutboxStore
from teamwell.bot.storage.tables import OutboxRow
from teamwell.core.clock import FakeClock, SystemClock
from teamwell.core.messages import Mention, Message, Section, text
from teamwell.core.outbox import OutboundItem

from .conftest import Org

FAST = SenderSettings(lease_seconds=30, backoff_base=0.05, backoff_cap=0.2, batch_size=7,
                      original_wait=0.05)


async def _until(done: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out waiting for the outbox"
        await asyncio.sleep(0.02)


def _no_duplicates_and_all(posted: list[str], expected: set[str]) -> None:
    assert len(posted) == len(set(posted)), "a message was posted twice"
    assert set(posted) == expected


async def test_each_message_is_posted_once_to_the_persons_dm_with_mentions_resolved(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana, bo = org.person(1), org.person(2)
    org.queue(
        OutboundItem(org.workspace_id, "welcome", Message("Meet your buddy", (
            Section(text("Hi! Your buddy is ", Mention(bo), ".")),)), recipient_id=ana),
        org.item("second", to=ana),
        org.item("to-bo", to=bo),
    )
    sender = SlackSender(org.uow, client, clock, FAST)

    delivered = await sender.drain()
    again = await sender.drain()

    assert (delivered, again) == (3, 0)
    channel = org.fake.dm_channel("U0001")
    assert channel is not None
    messages = org.fake.messages_in(channel)
    assert [m["text"] for m in messages] == ["Meet your buddy", "message second"]
    assert messages[0]["blocks"][0]["text"]["text"] == "Hi! Your buddy is <@U0002>."
    rows = org.rows()
    assert {r.status for r in rows.values()} == {"sent"}
    assert (rows["welcome"].conversation_id, rows["welcome"].message_ref) == (
        channel, messages[0]["ts"])
    _no_duplicates_and_all(org.fake.posted_outbox_ids(), {r.id for r in rows.values()})
    # A first message names the person's user id (Slack opens the DM); the DM's id it answers
    # is remembered for the next one. No conversations.open.
    assert org.fake.calls_to("conversations.open") == []
    posts = org.fake.calls_to("chat.postMessage")
    assert [c.params["channel"] for c in posts[:2]] == ["U0001", channel]
    post = posts[0].params
    assert (post["unfurl_links"], post["unfurl_media"]) == (False, False)


async def test_rows_claimed_by_a_sender_that_died_are_looked_up_before_posting(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(*(org.item(f"k{i}", to=ana) for i in range(3)))
    dead = OutboxStore(org.uow).claim_due(clock.now(), timedelta(seconds=60), 10)
    channel = (await client.conversations_open(users="U0001"))["channel"]["id"]
    before_crash = await client.chat_postMessage(channel=channel, text="message k0", metadata={
        "event_type": "teamwell_outbox", "event_payload": {"outbox_id": dead[0].id}})
    sender = SlackSender(org.uow, client, clock, FAST)

    during_lease = await sender.drain()
    clock.advance(timedelta(seconds=61))
    after_lease = await sender.drain()

    assert (during_lease, after_lease) == (0, 3)
    _no_duplicates_and_all(org.fake.posted_outbox_ids(), {c.id for c in dead})
    assert org.rows()["k0"].message_ref == before_crash["ts"]
    assert org.fake.calls_to("conversations.history")
    assert [m["text"] for m in org.fake.messages_in(channel)] == [
        "message k0", "message k1", "message k2"]


async def test_rate_limits_and_server_errors_delay_delivery_but_lose_and_repeat_nothing(
    org: Org, client: AsyncWebClient
) -> None:
    people = [org.person(i) for i in range(1, 11)]
    org.queue(*(org.item(f"k{i:02d}", to=people[i % 10]) for i in range(30)))
    fake = org.fake
    fake.fail_next("conversations.open", 2, status=503)
    fake.fail_next("conversations.open", 1, status=429, retry_after=1)
    fake.fail_next("chat.postMessage", 1, status=500)
    # This one is posted, but the answer is lost: only the history check prevents a repeat.
    fake.fail_next("chat.postMessage", 1, status=502, after_effect=True)
    fake.fail_next("chat.postMessage", 1, status=429, retry_after=1)
    sender = SlackSender(org.uow, client, SystemClock(), FAST)
    stop = asyncio.Event()

    task = asyncio.create_task(sender.run(stop, idle_seconds=0.05))
    await _until(lambda: {r.status for r in org.rows().values()} == {"sent"})
    stop.set()
    await asyncio.wait_for(task, 5)

    _no_duplicates_and_all(fake.posted_outbox_ids(), {r.id for r in org.rows().values()})
    assert fake.calls_to("conversations.history"), "the lost answer was not checked"
    calls = fake.calls
    limited = [i for i, c in enumerate(calls) if c.status == 429]
    assert len(limited) == 2
    for i in limited:
        # Nothing at all reached the workspace until Retry-After had passed.
        assert calls[i + 1].monotonic - calls[i].monotonic >= 0.98
    rows = org.rows().values()
    assert sum(r.attempts for r in rows) == 4  # two 503s, one 500, one 502; 429s do not count


async def test_a_sender_stopped_mid_batch_hands_its_other_claimed_rows_back_at_once(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(*(org.item(f"k{i}", to=ana) for i in range(5)))
    org.fake.latency = 0.05
    stop = asyncio.Event()
    sender = SlackSender(org.uow, client, clock, FAST)

    async def stop_after_first_post() -> None:
        await _until(lambda: len(org.fake.posted_outbox_ids()) >= 1)
        stop.set()

    stopper = asyncio.create_task(stop_after_first_post())
    delivered = await sender.drain(stop)
    await stopper
    claimed_again = OutboxStore(org.uow).claim_due(clock.now(), timedelta(seconds=5), 10)

    assert 1 <= delivered < 5
    assert len(claimed_again) == 5 - delivered
    assert not any(c.in_doubt for c in claimed_again)


class _TickingClock:
    """A clock that moves 0.3 s each time it is read: a batch that outlasts its lease."""

    def __init__(self) -> None:
        self._clock = FakeClock(SystemClock().now() - timedelta(hours=1))

    def now(self) -> datetime:
        return self._clock.advance(timedelta(seconds=0.3))


async def test_a_batch_that_outlasts_its_lease_renews_it_and_keeps_its_rows(
    org: Org, client: AsyncWebClient, caplog: pytest.LogCaptureFixture
) -> None:
    people = [org.person(n) for n in range(1, 6)]
    org.queue(*(org.item(f"k{i}", to=people[i % 5]) for i in range(10)))
    sender = SlackSender(org.uow, client, _TickingClock(),
                         replace(FAST, lease_seconds=1, batch_size=10))

    with caplog.at_level(logging.WARNING, logger="teamwell.bot.slack.sender"):
        delivered = await sender.drain()

    assert delivered == 10
    _no_duplicates_and_all(org.fake.posted_outbox_ids(), {r.id for r in org.rows().values()})
    assert not [r for r in caplog.records if "claim" in r.getMessage()]


async def test_a_row_that_always_breaks_fails_after_its_attempts_without_blocking_others(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana, bo = org.person(1), org.person(2)
    org.queue(org.item("corrupt", to=ana), org.item("fine", to=bo))
    with org.uow() as uow:
        # Bold(text=5) decodes, but cannot be rendered.
        uow.session.execute(update(OutboxRow).where(OutboxRow.idempotency_key == "corrupt").values(
            payload='{"_":"Message","fallback":"x","blocks":[{"_":"Section","button":null,'
                    '"body":{"_":"Text","parts":[{"_":"Bold","text":5}]}}]}'))
        uow.commit()
    sender = SlackSender(org.uow, client, clock, replace(FAST, max_attempts=2))

    first = await sender.drain()
    clock.advance(timedelta(seconds=1))
    second = await sender.drain()

    rows = org.rows()
    assert (first, second) == (1, 0)
    assert (rows["fine"].status, rows["corrupt"].status) == ("sent", "failed")
    assert rows["corrupt"].last_error is not None
    assert rows["corrupt"].last_error.startswith("gave up after 2 attempts: unexpected error")


def test_the_sender_turns_off_slack_sdk_retries_without_touching_a_shared_client(
    org: Org, clock: FakeClock
) -> None:
    shared = AsyncWebClient(token="xoxb-test", base_url=org.fake.base_url + "/api/")
    handlers_before = list(shared.retry_handlers)

    sender = SlackSender(org.uow, shared, clock)

    assert handlers_before, "slack_sdk's default retry handlers changed"
    assert sender.client.retry_handlers == []
    assert shared.retry_handlers == handlers_before
