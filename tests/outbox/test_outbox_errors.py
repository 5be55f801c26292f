"""Permanent failures, in-place updates and recipients found by email."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.outbox_store import retry_failed, status_counts
from teamwell.core.clock import FakeClock

from .conftest import Org

FAST = SenderSettings(lease_seconds=30, backoff_base=0.05, backoff_cap=0.2, original_wait=0.05)


async def test_a_permanent_error_fails_only_its_row_keeps_the_error_and_logs_it_once(
    org: Org, client: AsyncWebClient, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    ana = org.person(1)
    org.queue(org.item("bad-blocks", to=ana), org.item("to-nowhere", channel="C404"),
              org.item("gone", to="p999"), org.item("fine", to=ana))
    org.fake.fail_next("chat.postMessage", 1, status=200, error="invalid_blocks")
    sender = SlackSender(org.uow, client, clock, FAST)

    with caplog.at_level(logging.WARNING, logger="teamwell.bot.slack.sender"):
        delivered = await sender.drain()
        clock.advance(timedelta(hours=1))
        later = await sender.drain()

    rows = org.rows()
    assert (delivered, later) == (1, 0)
    assert {k: r.status for k, r in rows.items()} == {
        "bad-blocks": "failed", "to-nowhere": "failed", "gone": "failed", "fine": "sent"}
    assert rows["bad-blocks"].last_error == "invalid_blocks"
    assert rows["to-nowhere"].last_error == "channel_not_found"
    assert rows["gone"].last_error == "recipient p999 is not in the directory"
    for key in ("bad-blocks", "to-nowhere", "gone"):
        assert sum(rows[key].id in r.getMessage() for r in caplog.records) == 1
    assert org.fake.posted_outbox_ids() == [rows["fine"].id]
    assert status_counts(org.uow, org.workspace_id) == {"failed": 3, "sent": 1}


async def test_failed_rows_can_be_queued_again(org: Org, client: AsyncWebClient,
                                              clock: FakeClock) -> None:
    ana = org.person(1)
    org.queue(org.item("once-broken", to=ana))
    org.fake.fail_next("chat.postMessage", 1, status=200, error="invalid_blocks")
    sender = SlackSender(org.uow, client, clock, FAST)
    await sender.drain()

    requeued = retry_failed(org.uow)
    delivered = await sender.drain()

    assert (requeued, delivered) == (1, 1)
    assert org.rows()["once-broken"].status == "sent"


async def test_a_failed_message_that_may_have_been_posted_is_looked_up_before_a_retry(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(org.item("maybe-posted", to=ana))
    # Slack posts it, but the answer is lost; with one attempt allowed, the row fails.
    org.fake.fail_next("chat.postMessage", 1, status=502, after_effect=True)
    sender = SlackSender(org.uow, client, clock, replace(FAST, max_attempts=1))
    await sender.drain()
    failed = org.rows()["maybe-posted"]

    requeued = retry_failed(org.uow)
    delivered = await sender.drain()

    row = org.rows()["maybe-posted"]
    channel = org.fake.dm_channel("U0001")
    assert channel is not None
    assert failed.status == "failed"
    assert failed.last_error is not None and "may have been delivered" in failed.last_error
    assert (requeued, delivered) == (1, 1)
    assert org.fake.posted_outbox_ids() == [row.id]
    assert (row.status, row.message_ref) == ("sent", org.fake.messages_in(channel)[0]["ts"])
    assert org.fake.calls_to("conversations.history")


async def test_an_update_edits_the_delivered_message_in_place(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(org.item("checklist", to=ana, words="0 of 3 done"))
    sender = SlackSender(org.uow, client, clock, FAST)
    await sender.drain()

    org.queue(org.item("checklist:v2", to=ana, replaces="checklist", words="1 of 3 done"))
    delivered = await sender.drain()

    channel = org.fake.dm_channel("U0001")
    assert channel is not None
    messages = org.fake.messages_in(channel)
    rows = org.rows()
    assert delivered == 1
    assert [m["text"] for m in messages] == ["1 of 3 done"]
    assert "edited" in messages[0]
    update = org.fake.calls_to("chat.update")[0].params
    assert (update["channel"], update["ts"]) == (channel, rows["checklist"].message_ref)
    assert rows["checklist:v2"].status == "sent"
    assert rows["checklist:v2"].message_ref == rows["checklist"].message_ref


async def test_an_update_waits_for_its_original_when_that_one_has_to_be_retried(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(org.item("checklist", to=ana, words="0 of 3 done"),
              org.item("checklist:v2", to=ana, replaces="checklist", words="1 of 3 done"))
    org.fake.fail_next("chat.postMessage", 1, status=500)
    sender = SlackSender(org.uow, client, clock, FAST)

    first = await sender.drain()
    clock.advance(timedelta(seconds=1))
    second = await sender.drain()

    assert (first, second) == (0, 2)
    methods = [c.method for c in org.fake.calls if c.method.startswith("chat.")]
    assert methods == ["chat.postMessage", "chat.postMessage", "chat.update"]
    channel = org.fake.dm_channel("U0001")
    assert channel is not None
    assert [m["text"] for m in org.fake.messages_in(channel)] == ["1 of 3 done"]


async def test_an_update_of_something_never_queued_fails_with_a_clear_error(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    ana = org.person(1)
    org.queue(org.item("orphan", to=ana, replaces="never-queued"))

    await SlackSender(org.uow, client, clock, FAST).drain()

    row = org.rows()["orphan"]
    assert (row.status, row.last_error) == (
        "failed", "nothing to update: no outbox item 'never-queued'")
    assert org.fake.calls_to("chat.update") == []


async def test_a_person_without_a_linked_account_is_found_by_email_and_linked(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    cy = org.person(7, linked=False)
    org.queue(org.item("hello", to=cy), org.item("again", to=cy))

    delivered = await SlackSender(org.uow, client, clock, FAST).drain()

    assert delivered == 2
    with org.uow() as uow:
        assert uow.people.account_of(org.workspace_id, cy, "slack") == "U0007"
    assert len(org.fake.calls_to("users.lookupByEmail")) == 1
    channel = org.fake.dm_channel("U0007")
    assert channel is not None
    assert len(org.fake.messages_in(channel)) == 2


async def test_a_person_slack_does_not_know_is_retried_then_failed_with_a_clear_error(
    org: Org, client: AsyncWebClient, clock: FakeClock
) -> None:
    stranger = org.person(8, linked=False, in_slack=False)
    org.queue(org.item("hello", to=stranger))
    sender = SlackSender(org.uow, client, clock, replace(FAST, max_attempts=3))

    await sender.drain()
    waiting = org.rows()["hello"]
    for _ in range(5):
        clock.advance(timedelta(seconds=1))
        await sender.drain()

    row = org.rows()["hello"]
    assert (waiting.status, waiting.attempts) == ("pending", 1)
    assert waiting.last_error is not None and "no Slack user has their email" in waiting.last_error
    assert (row.status, row.attempts) == ("failed", 3)
    assert row.last_error == ("gave up after 3 attempts: person p008 has no Slack account "
                              "linked and no Slack user has their email")
    assert len(org.fake.calls_to("users.lookupByEmail")) == 3
    assert org.fake.calls_to("chat.postMessage") == []
