"""A new hire's onboarding from start to day 90, driven by a fake clock like the scheduler would."""

from __future__ import annotations

import inspect
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.copy import intro_message
from teamwell.core.errors import InvalidSequence, UnknownPerson
from teamwell.core.onboarding import OnboardingStatus, StepStatus
from teamwell.handlers.onboarding import (
    due_steps_left,
    run_due_steps,
    send_due_reminders,
    start_onboarding,
)
from teamwell.handlers.onboarding_jobs import send_step
from tests.handlers.onboarding_world import AUCKLAND, LOS_ANGELES, World, build_world, utc


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> World:
    return build_world(uow_factory, clock)


def test_a_ninety_day_onboarding_reaches_the_right_people_at_their_local_times(
        world: World) -> None:
    luis = world.start("luis")  # starts on a Saturday in Los Angeles, so day 0 is Monday
    aroha = world.start("aroha")  # starts on a Friday in Auckland

    world.run_until(utc(2026, 3, 20))
    # From here on every step is due on the hour in UTC, so hourly ticks are still exact.
    world.run_until(utc(2026, 6, 9), every=timedelta(hours=1))

    expected = [
        (aroha.id, "prepare-first-week", "maya", utc(2026, 3, 3, 10)),  # Tue 10:00 London
        (aroha.id, "welcome", "aroha", utc(2026, 3, 5, 20)),  # Fri 09:00 Auckland (NZDT)
        (aroha.id, "buddy-heads-up", "ben", utc(2026, 3, 5, 20)),
        (aroha.id, "meet-your-people", "aroha", utc(2026, 3, 5, 20, 30)),
        (aroha.id, "setup-checklist", "aroha", utc(2026, 3, 8, 20)),  # Mon, weekend skipped
        (aroha.id, "useful-links", "aroha", utc(2026, 3, 9, 1)),
        (aroha.id, "checkin-day-3", "aroha", utc(2026, 3, 11, 2)),  # Wed 15:00
        (aroha.id, "checkin-week-1", "aroha", utc(2026, 3, 17, 2)),  # Tue 15:00
        (aroha.id, "manager-day-30", "maya", utc(2026, 4, 6, 9)),  # Mon 10:00 BST
        (aroha.id, "checkin-day-30", "aroha", utc(2026, 4, 6, 3)),  # Sun 5 Apr -> Mon, NZST
        (aroha.id, "checkin-day-60", "aroha", utc(2026, 5, 5, 3)),
        (aroha.id, "manager-day-90", "maya", utc(2026, 6, 4, 9)),
        (aroha.id, "checkin-day-90", "aroha", utc(2026, 6, 4, 3)),
        (luis.id, "prepare-first-week", "maya", utc(2026, 3, 4, 10)),
        (luis.id, "welcome", "luis", utc(2026, 3, 9, 16)),  # Mon 09:00 PDT (DST began Sunday)
        (luis.id, "buddy-heads-up", "dana", utc(2026, 3, 9, 16)),
        (luis.id, "setup-checklist", "luis", utc(2026, 3, 10, 16)),
        (luis.id, "checkin-day-30", "luis", utc(2026, 4, 8, 22)),
        (luis.id, "checkin-day-90", "luis", utc(2026, 6, 8, 22)),  # Sun 7 Jun -> Mon
    ]
    for onboarding_id, step_id, recipient, moment in expected:
        sent = world.one(f"onb:{onboarding_id}:{step_id}")
        assert (step_id, sent.recipient_id, sent.created_at) == (step_id, recipient, moment)
    to_aroha = world.outbox("aroha")
    assert [s.key.replace(aroha.id, "A") for s in to_aroha] == [
        "intro:aroha", "onb:A:welcome", "onb:A:meet-your-people", "onb:A:setup-checklist",
        "onb:A:useful-links", "onb-rem:A:setup-checklist:1", "onb:A:checkin-day-3",
        "onb-rem:A:setup-checklist:2", "onb:A:checkin-week-1", "onb:A:checkin-day-30",
        "onb:A:checkin-day-60", "onb:A:checkin-day-90",
    ]
    assert all(s.created_at.astimezone(AUCKLAND).weekday() < 5 for s in to_aroha)
    assert all(s.created_at.astimezone(LOS_ANGELES).weekday() < 5 for s in world.outbox("luis"))
    with world.factory() as uow:
        for onboarding in (aroha, luis):
            steps = uow.onboardings.steps(world.ws, onboarding.id)
            assert {s.status for s in steps} == {StepStatus.SENT}
            stored = uow.onboardings.get(world.ws, onboarding.id)
            assert stored is not None and stored.status is OnboardingStatus.COMPLETED


def test_the_first_message_anyone_gets_is_the_bots_introduction(world: World) -> None:
    world.start("luis")
    world.start("aroha")
    world.start("noor")

    world.run_until(utc(2026, 3, 11))

    recipients = {s.recipient_id for s in world.outbox()}
    assert recipients == {"maya", "ben", "dana", "aroha", "luis", "noor"}
    for person_id in recipients:
        first = world.outbox(person_id)[0]
        assert first.key == f"intro:{person_id}"
        assert first.message == intro_message()
        assert sum(s.key.startswith("intro:") for s in world.outbox(person_id)) == 1


def test_running_a_tick_twice_sends_nothing_twice(world: World) -> None:
    aroha = world.start("aroha")
    world.clock.set(utc(2026, 3, 5, 20))

    first = run_due_steps(world.deps)
    queued = world.outbox()
    second = run_due_steps(world.deps)

    # The manager's prompt (overdue after the jump) and the welcome; the buddy (Dana, in Los
    # Angeles) gets her heads-up at 09:00 her time.
    assert first == 2
    assert second == 0
    assert world.outbox() == queued
    world.clock.set(utc(2026, 3, 8, 20))  # the checklist goes out on time
    run_due_steps(world.deps)
    world.clock.set(utc(2026, 3, 10, 20))  # two business days later, 09:00 in Auckland
    assert (send_due_reminders(world.deps), send_due_reminders(world.deps)) == (1, 0)
    assert [s.key for s in world.outbox() if s.key.startswith("onb-rem:")] == [
        f"onb-rem:{aroha.id}:setup-checklist:1"]


def test_two_ticks_at_once_in_two_units_of_work_send_each_step_once(world: World) -> None:
    world.start("luis")
    world.start("aroha")
    world.clock.set(utc(2026, 3, 10, 17))
    with world.factory() as uow:
        due = uow.onboardings.due_steps(world.clock.now())  # both ticks saw the same list
    start = threading.Barrier(2)

    def tick() -> list[bool]:
        start.wait()
        return [send_step(world.deps, ws, run) for ws, run in due]

    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(lambda _: tick(), range(2))

    assert len(due) >= 8
    assert [a != b for a, b in zip(first, second, strict=True)] == [True] * len(due)
    keys = [s.key for s in world.outbox()]
    assert len(keys) == len(set(keys))
    assert sum(k.startswith("onb:") for k in keys) == len(due)


def test_due_steps_go_out_in_small_batches_and_the_caller_can_tell_when_none_are_left(
        world: World) -> None:
    world.start("luis")
    world.start("aroha")
    world.clock.set(utc(2026, 3, 10, 17))
    batches = []

    while due_steps_left(world.deps):
        batches.append(run_due_steps(world.deps, limit=3))

    assert inspect.signature(run_due_steps).parameters["limit"].default == 50
    assert len(batches) > 2 and all(0 < sent <= 3 for sent in batches)
    assert sum(batches) == sum(s.key.startswith("onb:") for s in world.outbox())
    assert run_due_steps(world.deps) == 0


def test_starting_twice_returns_the_same_onboarding_and_schedules_once(world: World) -> None:
    first = world.start("aroha")
    second = world.start("aroha", date(2026, 4, 1))

    assert second == first
    with world.factory() as uow:
        assert len(uow.onboardings.steps(world.ws, first.id)) == 13
        assert uow.people.get(world.ws, "aroha").buddy_id == first.buddy_id


def test_a_buddy_is_chosen_from_the_team_least_busy_first_and_never_the_manager(
        world: World) -> None:
    luis = world.start("luis")  # Dana is Luis's buddy now
    aroha = world.start("aroha")
    noor = world.start("noor")  # alone in her team

    assert (luis.buddy_id, aroha.buddy_id, noor.buddy_id) == ("dana", "ben", None)
    assert {luis.manager_id, aroha.manager_id, noor.manager_id} == {"maya"}
    with world.factory() as uow:
        skipped = {s.step_id for s in uow.onboardings.steps(world.ws, noor.id)
                   if s.status is StepStatus.SKIPPED}
    assert skipped == {"buddy-heads-up"}


def test_without_a_start_date_onboarding_starts_today_in_the_hires_zone(world: World) -> None:
    with world.factory() as uow:
        kai = uow.people.get(world.ws, "kai")
        assert kai is not None and kai.start_date is None
        uow.people.save(replace(kai, timezone="Pacific/Auckland"))
        uow.commit()
    world.clock.set(utc(2026, 3, 2, 12))  # Monday noon in UTC is Tuesday 01:00 in Auckland

    onboarding = world.start("kai")

    assert onboarding.start_date == date(2026, 3, 3)


def test_unknown_people_and_sequences_are_refused(world: World) -> None:
    with pytest.raises(UnknownPerson):
        world.start("nobody")
    with pytest.raises(InvalidSequence, match="'engineering'"):
        start_onboarding(world.deps, world.ws, "aroha", sequence_id="engineering")


def test_a_late_start_sends_the_welcome_and_the_checklist_at_once_and_skips_stale_steps(
        world: World) -> None:
    onboarding = world.start("aroha", date(2026, 2, 23))  # a week ago, a Monday

    world.run_until(utc(2026, 3, 2, 9))

    with world.factory() as uow:
        status = {s.step_id: s.status for s in uow.onboardings.steps(world.ws, onboarding.id)}
    assert status["welcome"] is StepStatus.SENT
    assert status["meet-your-people"] is StepStatus.SENT
    assert status["setup-checklist"] is StepStatus.SENT  # its tasks are still worth doing
    assert status["useful-links"] is StepStatus.SKIPPED
    assert status["checkin-day-3"] is StepStatus.SKIPPED
    assert status["prepare-first-week"] is StepStatus.SKIPPED  # day 0 has long begun
    assert status["checkin-week-1"] is StepStatus.PENDING  # Wednesday 4 March, still ahead
    assert [s.key for s in world.outbox("aroha")] == [
        "intro:aroha", f"onb:{onboarding.id}:welcome", f"onb:{onboarding.id}:meet-your-people",
        f"onb:{onboarding.id}:setup-checklist"]
    assert all(s.created_at == utc(2026, 3, 2, 8, 30) for s in world.outbox("aroha"))


def test_an_import_two_days_before_the_start_still_prompts_the_manager_at_the_next_tick(
        world: World) -> None:
    world.clock.set(utc(2026, 3, 6, 12))  # Friday; the prompt was due Wednesday in London

    luis = world.start("luis")  # day 0 is Monday 9 March
    world.run_until(utc(2026, 3, 6, 12, 30))

    prompt = world.one(f"onb:{luis.id}:prepare-first-week")
    assert (prompt.recipient_id, prompt.created_at) == ("maya", utc(2026, 3, 6, 12, 30))
    assert "Luis starts soon" in prompt.text
