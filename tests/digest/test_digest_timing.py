"""When digests go: Monday from 09:00 local, catching up until Wednesday, never before the
first pulse has closed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.handlers.digest import send_due_digests
from tests.digest.digest_world import DigestWorld, build_digest_world, declining, stressed_comments


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory) -> DigestWorld:
    return build_digest_world(uow_factory)


def test_nobody_gets_a_digest_before_the_first_pulse_has_closed(world: DigestWorld) -> None:
    world.monday_nine(1)

    assert send_due_digests(world.deps) == 0


def test_monday_before_nine_is_too_early_and_nine_is_on_time(world: DigestWorld) -> None:
    world.run_week(0, declining, stressed_comments)
    world.monday_nine(1, minutes=-1)
    early = send_due_digests(world.deps)
    world.monday_nine(1)

    assert early == 0
    assert send_due_digests(world.deps) == 4


def test_a_digest_missed_until_thursday_waits_for_next_week(world: DigestWorld) -> None:
    world.run_week(0, declining, stressed_comments)
    world.monday_nine(1)
    world.clock.advance(timedelta(days=3))  # Thursday 09:00

    assert send_due_digests(world.deps) == 0
