"""A step that keeps failing is retried a few times, then given up with one clear log line."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select, text

from teamwell.bot.storage.tables import OnboardingStepRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.handlers.onboarding import run_due_steps
from teamwell.handlers.onboarding_jobs import MAX_STEP_FAILURES
from tests.handlers.onboarding_world import FRIDAY, build_world, utc


def test_a_step_that_keeps_failing_is_skipped_after_five_tries(
        uow_factory: SqlUnitOfWorkFactory, clock: FakeClock,
        caplog: pytest.LogCaptureFixture) -> None:
    world = build_world(uow_factory, clock)
    world.start("noor", FRIDAY)
    clock.set(utc(2026, 3, 6, 9, 45))  # Friday: Noor's welcome (09:00 London) is due
    with uow_factory() as uow:
        uow.session.execute(text("DROP TABLE outbox"))  # every send now fails
        uow.commit()

    with caplog.at_level(logging.WARNING, logger="teamwell.handlers.onboarding"):
        for _ in range(MAX_STEP_FAILURES):
            assert run_due_steps(world.deps) == 0

    with uow_factory() as uow:
        statuses = dict(uow.session.execute(select(OnboardingStepRow.step_id,
                                                   OnboardingStepRow.status)).all())
        failures = dict(uow.session.execute(select(OnboardingStepRow.step_id,
                                                   OnboardingStepRow.failures)).all())
    assert statuses["welcome"] == "skipped" and failures["welcome"] == MAX_STEP_FAILURES
    tracebacks = [r for r in caplog.records if r.exc_info and "welcome" in r.getMessage()]
    assert len(tracebacks) == 1  # the first failure in full, then one line each
    assert any("skipped after 5 failures" in r.getMessage() for r in caplog.records)
