"""Onboarding storage on SQLite and PostgreSQL: check-in answers and reopening skipped steps."""

from __future__ import annotations

import threading
import time
from datetime import UTC, date, datetime, timedelta

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.onboarding import CheckIn, Onboarding, OnboardingStatus, StepRun, StepStatus

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _onboarding(factory: SqlUnitOfWorkFactory) -> str:
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.onboardings.add(Onboarding("o1", ws, "p1", "default", date(2026, 3, 2),
                                       OnboardingStatus.ACTIVE, NOW))
        uow.commit()
    return ws


def test_answering_again_replaces_the_score_and_the_comment_independently(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _onboarding(any_uow_factory)
    later = NOW + timedelta(minutes=5)

    with any_uow_factory() as uow:
        uow.onboardings.save_checkin(ws, CheckIn("o1", "day-3", NOW, score=2))
        uow.onboardings.save_checkin(ws, CheckIn("o1", "day-3", NOW, comment="Busy week"))
        uow.commit()
    with any_uow_factory() as uow:
        uow.onboardings.save_checkin(ws, CheckIn("o1", "day-3", later, score=4))
        uow.commit()

    with any_uow_factory() as uow:
        (answer,) = uow.onboardings.checkins(ws, "o1")
    assert (answer.score, answer.comment, answer.answered_at) == (4, "Busy week", later)


def test_two_answers_to_a_new_check_in_at_once_both_land_without_an_error(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _onboarding(any_uow_factory)
    errors: list[BaseException] = []

    def second_click() -> None:
        try:
            with any_uow_factory() as uow:
                uow.onboardings.save_checkin(ws, CheckIn("o1", "day-3", NOW, comment="Hi"))
                uow.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    with any_uow_factory() as first:
        first.onboardings.save_checkin(ws, CheckIn("o1", "day-3", NOW, score=5))
        other = threading.Thread(target=second_click)
        other.start()
        time.sleep(0.5)  # the second click now waits on the first one's row
        first.commit()
    other.join(timeout=30)

    assert errors == []
    with any_uow_factory() as uow:
        (answer,) = uow.onboardings.checkins(ws, "o1")
    assert (answer.score, answer.comment) == (5, "Hi")


def test_a_skipped_step_can_be_reopened_once_and_a_sent_one_never(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _onboarding(any_uow_factory)
    later = NOW + timedelta(days=2)
    with any_uow_factory() as uow:
        uow.onboardings.add_steps(ws, [
            StepRun("o1", "welcome", "p1", NOW, StepStatus.SENT, NOW),
            StepRun("o1", "day-3", "", NOW, StepStatus.SKIPPED, NOW),
        ])
        uow.commit()

    with any_uow_factory() as uow:
        reopened = uow.onboardings.reopen_step(ws, StepRun("o1", "day-3", "p1", later))
        again = uow.onboardings.reopen_step(ws, StepRun("o1", "day-3", "p1", later))
        sent = uow.onboardings.reopen_step(ws, StepRun("o1", "welcome", "p1", later))
        uow.commit()

    assert (reopened, again, sent) == (True, False, False)
    with any_uow_factory() as uow:
        steps = {s.step_id: s for s in uow.onboardings.steps(ws, "o1")}
    assert steps["day-3"] == StepRun("o1", "day-3", "p1", later, StepStatus.PENDING, None)
    assert steps["welcome"] == StepRun("o1", "welcome", "p1", NOW, StepStatus.SENT, NOW)
