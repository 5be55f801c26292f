"""Stopping an onboarding: by the new hire or an admin, for good, and restarting it later."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.actions import ActionId
from teamwell.core.clock import FakeClock
from teamwell.core.errors import NotAllowed, UnknownPerson
from teamwell.core.onboarding import Onboarding, OnboardingStatus, StepStatus
from teamwell.handlers.onboarding import (
    complete_task,
    run_due_steps,
    send_due_reminders,
    start_onboarding,
    stop_onboarding,
    stop_onboarding_for,
)
from teamwell.surveys.onboarding import SequenceLibrary, load_library
from tests.handlers.onboarding_world import World, build_world, buttons, utc


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> World:
    return build_world(uow_factory, clock)


def _start_team(world: World) -> tuple[Onboarding, Onboarding]:
    """Luis first, so that Dana is busy and Ben becomes Aroha's buddy."""
    return world.start("luis"), world.start("aroha")


def _statuses(world: World, onboarding: Onboarding) -> dict[str, StepStatus]:
    with world.factory() as uow:
        return {s.step_id: s.status for s in uow.onboardings.steps(world.ws, onboarding.id)}


def _about(world: World, onboarding: Onboarding) -> list[str]:
    """Keys of every message about this onboarding, to anyone."""
    return [s.key for s in world.outbox() if onboarding.id in s.key]


def test_a_new_hire_who_stops_hears_nothing_more_and_nobody_is_prompted_about_them(
        world: World) -> None:
    luis, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 9))  # Aroha's checklist went out, its reminders are scheduled
    before = _about(world, aroha)

    reply = stop_onboarding(world.deps, world.ws, "aroha")
    world.run_until(utc(2026, 6, 10), every=timedelta(hours=6))

    assert "stopped" in reply and "ask your manager or HR team" in reply
    assert f"onb:{aroha.id}:setup-checklist" in before
    assert _about(world, aroha) == before
    assert f"onb:{luis.id}:manager-day-90" in _about(world, luis)  # Luis carries on
    with world.factory() as uow:
        stored = uow.onboardings.get(world.ws, aroha.id)
        tasks = uow.onboardings.tasks(world.ws, aroha.id)
    assert stored is not None and stored.status is OnboardingStatus.CANCELLED
    assert StepStatus.PENDING not in _statuses(world, aroha).values()
    assert _statuses(world, aroha)["manager-day-30"] is StepStatus.SKIPPED
    assert all(t.next_reminder_at is None for t in tasks)


def test_buttons_on_a_stopped_onboarding_change_nothing(world: World) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 9))
    done = [b.value for b in buttons(world.one(f"onb:{aroha.id}:setup-checklist").message)
            if b.action is ActionId.TASK_DONE]
    stop_onboarding(world.deps, world.ws, "aroha")

    with pytest.raises(NotAllowed, match="stopped"):
        complete_task(world.deps, world.ws, "aroha", done[0])


def test_stopping_without_an_onboarding_running_is_answered_kindly(world: World) -> None:
    world.start("aroha")
    stop_onboarding(world.deps, world.ws, "aroha")

    again = stop_onboarding(world.deps, world.ws, "aroha")
    never = stop_onboarding(world.deps, world.ws, "kai")

    assert again == never
    assert "no onboarding messages running" in never
    with pytest.raises(UnknownPerson):
        stop_onboarding(world.deps, world.ws, "nobody")


def test_an_admin_can_stop_someones_onboarding_and_is_told_when_there_was_none(
        world: World) -> None:
    aroha = world.start("aroha")

    stopped = stop_onboarding_for(world.deps, world.ws, "aroha")
    again = stop_onboarding_for(world.deps, world.ws, "aroha")
    world.run_until(utc(2026, 3, 20))

    assert (stopped, again) == (True, False)
    assert _about(world, aroha) == []
    with pytest.raises(UnknownPerson):
        stop_onboarding_for(world.deps, world.ws, "nobody")


def test_a_stopped_onboarding_restarts_where_it_was_and_sends_nothing_twice(
        world: World) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 10, 17))
    stop_onboarding(world.deps, world.ws, "aroha")
    sent_before = _about(world, aroha)
    world.clock.set(utc(2026, 3, 11))  # the day-3 check-in is due at 02:00

    restarted = world.start("aroha")  # same person, sequence and start date
    world.run_until(utc(2026, 3, 11, 3))

    assert restarted.id == aroha.id and restarted.status is OnboardingStatus.ACTIVE
    assert _about(world, aroha) == [*sent_before, f"onb:{aroha.id}:checkin-day-3"]
    statuses = _statuses(world, aroha)
    assert statuses["welcome"] is StepStatus.SENT
    assert statuses["checkin-week-1"] is StepStatus.PENDING
    assert statuses["buddy-heads-up"] is StepStatus.SENT


def test_steps_and_reminders_of_an_onboarding_cancelled_behind_the_jobs_back_are_not_sent(
        world: World) -> None:
    aroha = world.start("aroha")
    world.run_until(utc(2026, 3, 9))
    before = _about(world, aroha)
    with world.factory() as uow:  # cancelled without touching its steps or reminders
        uow.onboardings.set_status(world.ws, aroha.id, OnboardingStatus.CANCELLED.value)
        uow.commit()

    world.clock.set(utc(2026, 6, 10))  # every remaining step and reminder is due
    sent = (run_due_steps(world.deps), send_due_reminders(world.deps))

    assert sent == (0, 0)
    assert _about(world, aroha) == before
    assert StepStatus.PENDING not in _statuses(world, aroha).values()
    with world.factory() as uow:
        assert all(t.next_reminder_at is None for t in uow.onboardings.tasks(world.ws, aroha.id))


def test_stopping_after_a_short_sequence_finished_also_ends_its_checklist_reminders(
        world: World) -> None:
    default = load_library().default()
    short = replace(default, id="short", steps=tuple(
        s for s in default.steps if s.id in {"welcome", "setup-checklist"}))
    world.deps = replace(world.deps, sequences=SequenceLibrary([default, short]))
    onboarding = start_onboarding(world.deps, world.ws, "aroha", sequence_id="short")
    world.run_until(utc(2026, 3, 9))  # both steps sent: finished, reminders still to come

    reply = stop_onboarding(world.deps, world.ws, "aroha")
    world.run_until(utc(2026, 3, 20), every=timedelta(hours=1))

    assert "stopped" in reply
    assert not [s for s in world.outbox("aroha") if s.key.startswith("onb-rem:")]
    with world.factory() as uow:
        stored = uow.onboardings.get(world.ws, onboarding.id)
    assert stored is not None and stored.status is OnboardingStatus.CANCELLED
