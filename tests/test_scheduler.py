"""The scheduler only ticks; a tick that fires twice, even at once, sends nothing twice."""

from __future__ import annotations

import asyncio

from teamwell.bot.scheduler import build_scheduler, onboarding_tick
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from tests.digest.digest_world import KeywordModel
from tests.handlers.onboarding_world import FRIDAY, build_world, utc


async def test_the_tick_job_coalesces_missed_runs_and_tolerates_hours_of_delay(uow_factory: SqlUnitOfWorkFactory,
                                                         clock: FakeClock) -> None:
    world = build_world(uow_factory, clock)
    scheduler = build_scheduler(world.deps, sentiment=KeywordModel())
    scheduler.start(paused=True)
    jobs = scheduler.get_jobs()
    scheduler.shutdown(wait=False)
    assert {job.id for job in jobs} == {"onboarding_tick", "recognition_tick", "digest_tick",
                                        "sentiment_tick", "retention"}
    for job in jobs:
        assert job.coalesce is True
        assert job.max_instances == 1
        assert job.misfire_grace_time >= 3600  # APScheduler's default of 1 s would skip it


async def test_two_ticks_at_the_same_moment_queue_each_message_once(
        uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> None:
    world = build_world(uow_factory, clock)
    world.start("noor", FRIDAY)
    clock.set(utc(2026, 3, 6, 12))  # Friday noon in London: Noor's day-0 steps are due
    first, second = await asyncio.gather(onboarding_tick(world.deps),
                                         onboarding_tick(world.deps))
    step_keys = [sent.key for sent in world.outbox() if sent.key.startswith("onb:")]
    # Each tick reports only the steps it won: together they account for each step once.
    assert first + second == len(step_keys) >= 1
    assert len(step_keys) == len(set(step_keys))
    assert await onboarding_tick(world.deps) == 0
