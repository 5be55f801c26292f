"""The sender's storage side behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from teamwell.bot.storage.outbox_store import OutboxStore, retry_failed, status_counts
from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.messages import Message
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


def _seed(f: SqlUnitOfWorkFactory, count: int, platform: str = "slack", people: int = 1) -> str:
    with f() as uow:
        ws = uow.workspaces.ensure(platform, f"{platform}-team", "Acme")
        uow.people.save(Person(id="p1", workspace_id=ws, name="Ana", email="ana@example.com"))
        for i in range(count):
            uow.outbox.add(OutboundItem(ws, f"{platform}-{i}", Message(f"m{i}"),
                                        recipient_id=f"p{1 + i % people}"), NOW)
        uow.commit()
    return ws


def test_due_rows_are_claimed_in_queue_order_once_until_their_lease_ends(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    _seed(any_uow_factory, 3)
    with any_uow_factory() as uow:
        uow.outbox.add(OutboundItem(_seed(any_uow_factory, 0), "later", Message("later"),
                                    recipient_id="p1", not_before=NOW + timedelta(hours=1)), NOW)
        uow.commit()
    store = OutboxStore(any_uow_factory)

    first = store.claim_due(NOW, LEASE, 10)
    while_leased = store.claim_due(NOW + timedelta(seconds=29), LEASE, 10)
    after_lease = store.claim_due(NOW + timedelta(seconds=31), LEASE, 10)

    assert [c.idempotency_key for c in first] == ["slack-0", "slack-1", "slack-2"]
    assert [c.seq for c in first] == sorted(c.seq for c in first)
    assert not any(c.in_doubt for c in first)
    assert while_leased == []
    assert [c.idempotency_key for c in after_lease] == ["slack-0", "slack-1", "slack-2"]
    assert all(c.in_doubt for c in after_lease)
    assert status_counts(any_uow_factory) == {"pending": 1, "sending": 3}


def test_rows_of_other_platforms_workspaces_are_left_alone(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    _seed(any_uow_factory, 2, platform="teams")
    slack_ws = _seed(any_uow_factory, 1)

    claimed = OutboxStore(any_uow_factory).claim_due(NOW, LEASE, 10)
    skipped = OutboxStore(any_uow_factory).claim_due(NOW, LEASE, 10, [slack_ws])

    assert [c.workspace_id for c in claimed] == [slack_ws]
    assert skipped == []


def test_a_claim_taken_over_after_its_lease_can_no_longer_change_the_row(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    _seed(any_uow_factory, 1)
    store = OutboxStore(any_uow_factory)
    [stale] = store.claim_due(NOW, LEASE, 10)
    [fresh] = store.claim_due(NOW + timedelta(minutes=1), LEASE, 10)

    stale_marked = store.mark_sent(stale, "D1", "1.000001", NOW)
    stale_renewed = store.renew([stale], NOW + timedelta(hours=1))
    fresh_marked = store.mark_sent(fresh, "D1", "1.000002", NOW + timedelta(minutes=1))

    assert (stale_marked, stale_renewed, fresh_marked) == (False, set(), True)
    delivered = store.delivered(fresh.workspace_id, "slack-0")
    assert delivered is not None
    assert (delivered.status, delivered.message_ref) == ("sent", "1.000002")


def test_rescheduled_rows_wait_and_in_doubt_rows_stay_in_doubt(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    _seed(any_uow_factory, 2)
    store = OutboxStore(any_uow_factory)
    plain, doubtful = store.claim_due(NOW, LEASE, 10)
    at = NOW + timedelta(seconds=10)

    store.reschedule(plain, at, "HTTP 503", count=True, in_doubt=False)
    store.reschedule(doubtful, at, "HTTP 502", count=True, in_doubt=True)
    early = store.claim_due(at - timedelta(seconds=1), LEASE, 10)
    due = store.claim_due(at + timedelta(microseconds=1), LEASE, 10)

    assert early == []
    assert [(c.idempotency_key, c.in_doubt, c.attempts) for c in due] == [
        ("slack-0", False, 1), ("slack-1", True, 1)]
    # An in-doubt row keeps its original not_before: the earliest its message can be posted.
    assert due[1].not_before == NOW


def test_a_later_row_for_the_same_person_waits_while_an_earlier_one_is_unfinished(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    ws = _seed(any_uow_factory, 2)
    store = OutboxStore(any_uow_factory)
    [first] = store.claim_due(NOW, LEASE, 1)
    with any_uow_factory() as uow:
        uow.outbox.add(OutboundItem(ws, "other-person", Message("x"), recipient_id="p2"), NOW)
        uow.commit()

    behind_a_claim = store.claim_due(NOW, LEASE, 10)
    store.reschedule(first, NOW + timedelta(seconds=5), "HTTP 500", count=True, in_doubt=False)
    behind_a_retry = store.claim_due(NOW + timedelta(seconds=1), LEASE, 10)
    in_order = store.claim_due(NOW + timedelta(seconds=6), LEASE, 10)

    assert [c.idempotency_key for c in behind_a_claim] == ["other-person"]
    assert behind_a_retry == []
    assert [c.idempotency_key for c in in_order] == ["slack-0", "slack-1"]


def test_a_row_put_off_without_counting_an_attempt_still_holds_back_its_lane(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    ws = _seed(any_uow_factory, 1)
    store = OutboxStore(any_uow_factory)
    [intro] = store.claim_due(NOW, LEASE, 10)
    store.reschedule(intro, NOW + timedelta(seconds=5), "rate limited", count=False,
                     in_doubt=False)
    with any_uow_factory() as uow:
        uow.outbox.add(OutboundItem(ws, "welcome", Message("w"), recipient_id="p1"), NOW)
        uow.commit()

    held_back = store.claim_due(NOW + timedelta(seconds=1), LEASE, 10)
    in_order = store.claim_due(NOW + timedelta(seconds=6), LEASE, 10)

    assert held_back == []
    assert [c.idempotency_key for c in in_order] == ["slack-0", "welcome"]


def test_a_lane_whose_first_row_another_sender_is_claiming_is_left_whole_to_it(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    if any_uow_factory.engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one claim at a time")
    _seed(any_uow_factory, 4, people=2)  # p1: slack-0, slack-2; p2: slack-1, slack-3

    with any_uow_factory() as other_sender:
        # Another sender's claim holds p1's first row and has not committed yet.
        other_sender.session.execute(select(OutboxRow).where(
            OutboxRow.idempotency_key == "slack-0").with_for_update())
        claimed = OutboxStore(any_uow_factory).claim_due(NOW, LEASE, 10)

    assert [c.idempotency_key for c in claimed] == ["slack-1", "slack-3"]


def test_failed_rows_keep_their_error_and_can_be_queued_again(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    ws = _seed(any_uow_factory, 2)
    store = OutboxStore(any_uow_factory)
    broken, _ = store.claim_due(NOW, LEASE, 10)

    store.fail(broken, "channel_not_found")
    counts = status_counts(any_uow_factory, ws)
    requeued = retry_failed(any_uow_factory, ws)
    again = store.claim_due(NOW + timedelta(minutes=1), LEASE, 10)

    assert counts == {"failed": 1, "sending": 1}
    assert requeued == 1
    assert [c.idempotency_key for c in again] == ["slack-0", "slack-1"]
    assert status_counts(any_uow_factory, "another-workspace") == {}


def test_recipients_accounts_and_dm_channels_are_looked_up_and_remembered(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    ws = _seed(any_uow_factory, 0)
    store = OutboxStore(any_uow_factory)

    before = store.recipient(ws, "p1")
    linked = store.link_account(ws, "p1", "U0001")
    store.remember_conversation(ws, "U0001", "D0001")
    after = store.recipient(ws, "p1")
    taken = store.link_account(ws, "p2", "U0001")

    assert before is not None and (before.slack_user_id, before.email) == (None, "ana@example.com")
    assert linked is True and taken is False
    assert after is not None and (after.slack_user_id, after.conversation_id) == ("U0001", "D0001")
    assert store.account_ids(ws, {"p1", "p9"}) == {"p1": "U0001"}
    assert store.recipient(ws, "p9") is None


def test_two_senders_claiming_at_once_never_get_the_same_row(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    _seed(any_uow_factory, 40, people=40)
    store = OutboxStore(any_uow_factory)
    barrier = threading.Barrier(2)
    results: list[list[str]] = [[], []]

    def claim(slot: int) -> None:
        barrier.wait()
        for _ in range(10):
            results[slot].extend(c.id for c in store.claim_due(NOW, LEASE, 3))

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)

    assert not set(results[0]) & set(results[1])
    assert len(results[0]) + len(results[1]) == 40


def test_failed_rows_that_may_have_been_posted_are_queued_again_in_doubt(
    any_uow_factory: SqlUnitOfWorkFactory
) -> None:
    ws = _seed(any_uow_factory, 2, people=2)
    store = OutboxStore(any_uow_factory)
    maybe_posted, refused = store.claim_due(NOW, LEASE, 10)
    store.fail(maybe_posted, "gave up after 8 attempts: HTTP 502", in_doubt=True)
    store.fail(refused, "invalid_blocks")

    requeued = retry_failed(any_uow_factory, ws)
    again = store.claim_due(NOW + timedelta(minutes=1), LEASE, 10)

    assert requeued == 2
    assert [(c.idempotency_key, c.in_doubt, c.attempts) for c in again] == [
        ("slack-0", True, 0), ("slack-1", False, 0)]
    # The history check looks back from when the message was first due.
    assert again[0].not_before == NOW
