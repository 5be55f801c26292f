"""The outbox gauges' query: rows and oldest age per platform and status, on each database."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from teamwell.bot.storage.outbox_depth import Depth, outbox_depth
from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.messages import Message, Section, text
from teamwell.core.outbox import OutboundItem


def _queue(uow: SqlUnitOfWorkFactory, platform: str, key: str, clock: FakeClock) -> None:
    with uow() as tx:
        ws = tx.workspaces.ensure(platform, f"{platform}-org", "Acme")
        tx.outbox.add(OutboundItem(ws, key, Message(key, (Section(text(key)),)),
                                   channel="C1"), clock.now())
        tx.commit()


def test_each_platform_with_a_workspace_gets_every_status_with_its_oldest_row(
        any_uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> None:
    first = clock.now()
    _queue(any_uow_factory, "slack", "s1", clock)
    clock.advance(timedelta(minutes=5))
    _queue(any_uow_factory, "slack", "s2", clock)
    _queue(any_uow_factory, "slack", "s3", clock)
    _queue(any_uow_factory, "teams", "t1", clock)
    with any_uow_factory() as tx:
        tx.session.execute(update(OutboxRow).where(OutboxRow.idempotency_key == "s3")
                           .values(status="failed"))
        tx.session.execute(update(OutboxRow).where(OutboxRow.idempotency_key == "t1")
                           .values(status="sent"))
        tx.commit()

    depths = outbox_depth(any_uow_factory.engine)

    later = first + timedelta(minutes=5)
    assert depths == [
        Depth("slack", "pending", 2, first), Depth("slack", "sending", 0, None),
        Depth("slack", "failed", 1, later),
        Depth("teams", "pending", 0, None), Depth("teams", "sending", 0, None),
        Depth("teams", "failed", 0, None),
    ]


def test_an_empty_database_has_no_outbox_gauges(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    assert outbox_depth(any_uow_factory.engine) == []
