"""Onboarding schedule rules: business days, local times across zones and DST, lateness, progress."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from teamwell.core.onboarding import (
    CheckIn,
    Onboarding,
    OnboardingStatus,
    StepRun,
    StepStatus,
    TaskState,
)
from teamwell.core.onboarding_plan import (
    NOBODY,
    add_business_days,
    day_zero,
    due_moment,
    local_moment,
    plan_steps,
    planned_tasks,
    reminder_moment,
    skipped_for_lateness,
    step_date,
    summarize,
)
from teamwell.core.people import Person
from teamwell.surveys.onboarding import load_library

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
LONDON = ZoneInfo("Europe/London")
FRI, SAT, SUN, MON = date(2026, 3, 6), date(2026, 3, 7), date(2026, 3, 8), date(2026, 3, 9)


@pytest.mark.parametrize(("start", "count", "expected"), [
    (FRI, 0, FRI),
    (FRI, 1, MON),
    (FRI, 7, date(2026, 3, 17)),
    (MON, -3, date(2026, 3, 4)),
    (SAT, 2, date(2026, 3, 10)),
    (SUN, -1, FRI),
])
def test_business_days_skip_saturdays_and_sundays(start: date, count: int, expected: date) -> None:
    assert add_business_days(start, count) == expected


@pytest.mark.parametrize(("start", "expected"), [(SAT, MON), (SUN, MON), (FRI, FRI)])
def test_day_zero_is_the_start_date_moved_off_the_weekend(start: date, expected: date) -> None:
    assert day_zero(start) == expected


def test_calendar_offsets_count_every_day_then_land_on_a_weekday() -> None:
    assert step_date(FRI, 30, calendar=True) == date(2026, 4, 6)  # Sunday 5 April -> Monday
    assert step_date(FRI, 30, calendar=False) == date(2026, 4, 17)
    assert step_date(FRI, 60, calendar=True) == date(2026, 5, 5)


def test_a_step_is_due_at_its_local_time_in_the_recipients_zone() -> None:
    welcome_auckland = due_moment(FRI, 0, False, time(9, 0), AUCKLAND)
    welcome_la = due_moment(SAT, 0, False, time(9, 0), LOS_ANGELES)

    assert welcome_auckland == datetime(2026, 3, 5, 20, 0, tzinfo=UTC)  # NZDT, UTC+13
    assert welcome_la == datetime(2026, 3, 9, 16, 0, tzinfo=UTC)  # Monday, PDT since Sunday


def test_a_local_time_skipped_by_daylight_saving_moves_forward() -> None:
    moment = local_moment(SUN, time(2, 30), LOS_ANGELES)  # clocks jump 02:00 -> 03:00

    assert moment == datetime(2026, 3, 8, 10, 30, tzinfo=UTC)
    assert moment.astimezone(LOS_ANGELES).time() == time(3, 30)


def test_a_local_time_repeated_by_daylight_saving_means_the_first_one() -> None:
    la = local_moment(date(2026, 11, 1), time(1, 30), LOS_ANGELES)
    auckland = local_moment(date(2026, 4, 5), time(2, 30), AUCKLAND)

    assert la == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)  # still PDT, UTC-7
    assert auckland == datetime(2026, 4, 4, 13, 30, tzinfo=UTC)  # still NZDT, UTC+13


def test_only_steps_more_than_a_day_late_are_skipped_and_never_the_welcome() -> None:
    now = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)

    assert skipped_for_lateness(now - timedelta(hours=25), now, always_send=False)
    assert not skipped_for_lateness(now - timedelta(hours=23), now, always_send=False)
    assert not skipped_for_lateness(now - timedelta(days=9), now, always_send=True)
    assert not skipped_for_lateness(now + timedelta(days=3), now, always_send=False)


def test_reminders_come_two_business_days_apart_at_the_steps_local_time_and_stop_at_two() -> None:
    sent = datetime(2026, 3, 11, 20, 5, tzinfo=UTC)  # Thursday 09:05 in Auckland

    first = reminder_moment(sent, time(9, 0), AUCKLAND, 1)
    second = reminder_moment(sent, time(9, 0), AUCKLAND, 2)

    assert first == datetime(2026, 3, 15, 20, 0, tzinfo=UTC)  # Monday 16th, 09:00 NZDT
    assert second == datetime(2026, 3, 17, 20, 0, tzinfo=UTC)  # Wednesday 18th
    assert reminder_moment(sent, time(9, 0), AUCKLAND, 3) is None


def _person(pid: str, zone: str) -> Person:
    return Person(id=pid, workspace_id="w", name=pid.title(), timezone=zone)


def _onboarding(start: date) -> Onboarding:
    return Onboarding("o1", "w", "hire", "default", start, OnboardingStatus.ACTIVE,
                      datetime(2026, 3, 2, tzinfo=UTC))


def test_a_late_start_keeps_the_welcome_and_recent_steps_and_skips_stale_ones() -> None:
    steps = load_library().default().steps
    onboarding = _onboarding(date(2026, 3, 2))  # a Monday; started late on Friday 6th
    now = datetime(2026, 3, 6, 0, 0, tzinfo=UTC)  # Friday 13:00 in Auckland

    runs = {r.step_id: r for r in plan_steps(onboarding, steps, _person("hire", "Pacific/Auckland"),
                                             _person("boss", "Europe/London"),
                                             _person("pal", "Pacific/Auckland"), now)}

    assert runs["welcome"].status is StepStatus.PENDING
    assert runs["meet-your-people"].status is StepStatus.PENDING
    assert runs["buddy-heads-up"].status is StepStatus.SKIPPED
    assert runs["setup-checklist"].status is StepStatus.PENDING  # its tasks are still useful
    assert runs["useful-links"].status is StepStatus.SKIPPED
    assert runs["checkin-day-3"].status is StepStatus.PENDING  # Thursday 15:00, 11 hours ago
    assert runs["checkin-week-1"].status is StepStatus.PENDING
    assert runs["prepare-first-week"].status is StepStatus.SKIPPED  # day 0 is long past


@pytest.mark.parametrize(("now", "status"), [
    (datetime(2026, 3, 6, 12, 0, tzinfo=UTC), StepStatus.PENDING),  # Friday, two days late
    (datetime(2026, 3, 8, 23, 30, tzinfo=UTC), StepStatus.PENDING),  # still Sunday in London
    (datetime(2026, 3, 9, 0, 30, tzinfo=UTC), StepStatus.SKIPPED),  # Monday in London
])
def test_a_late_import_keeps_the_managers_pre_start_prompt_until_day_zero_begins_for_them(
        now: datetime, status: StepStatus) -> None:
    steps = load_library().default().steps
    onboarding = _onboarding(MON)  # the prompt was due Wednesday 4 March, 10:00 in London

    runs = {r.step_id: r for r in plan_steps(onboarding, steps, _person("hire", "Pacific/Auckland"),
                                             _person("boss", "Europe/London"), None, now)}

    assert runs["prepare-first-week"].due_at == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert runs["prepare-first-week"].status is status


def test_steps_for_a_missing_manager_or_buddy_are_skipped_and_others_use_their_zone() -> None:
    steps = load_library().default().steps
    onboarding = _onboarding(FRI)
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

    runs = {r.step_id: r for r in plan_steps(onboarding, steps, _person("hire", "Pacific/Auckland"),
                                             _person("boss", "Europe/London"), None, now)}

    assert runs["buddy-heads-up"].status is StepStatus.SKIPPED
    assert runs["buddy-heads-up"].recipient_id == NOBODY
    assert runs["prepare-first-week"].recipient_id == "boss"
    assert runs["prepare-first-week"].due_at == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert runs["welcome"].due_at == datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    assert all(r.status is StepStatus.PENDING for k, r in runs.items() if k != "buddy-heads-up")


def test_tasks_are_planned_only_for_checklists_that_will_be_sent() -> None:
    steps = load_library().default().steps
    onboarding = _onboarding(FRI)
    sent = [StepRun("o1", "setup-checklist", "hire", datetime(2026, 3, 8, 20, tzinfo=UTC))]
    skipped = [StepRun("o1", "setup-checklist", "hire", datetime(2026, 3, 8, 20, tzinfo=UTC),
                       StepStatus.SKIPPED)]

    assert [t.task_id for t in planned_tasks(onboarding, steps, sent)] == [
        "laptop", "accounts", "handbook", "payroll", "one-to-one"]
    assert planned_tasks(onboarding, steps, skipped) == ()


def test_progress_counts_planned_steps_tasks_and_answers_and_names_the_hires_next_step() -> None:
    at = datetime(2026, 3, 9, tzinfo=UTC)
    steps = [
        StepRun("o1", "welcome", "hire", at, StepStatus.SENT, at),
        StepRun("o1", "buddy-heads-up", NOBODY, at, StepStatus.SKIPPED),
        StepRun("o1", "setup", "hire", at + timedelta(days=1), StepStatus.SENT, at),
        StepRun("o1", "later", "hire", at + timedelta(days=3)),
        StepRun("o1", "prompt", "boss", at + timedelta(days=2)),
        StepRun("o1", "soon", "hire", at + timedelta(days=2)),
    ]
    tasks = [TaskState("o1", "setup", "a", "A", done_at=at), TaskState("o1", "setup", "b", "B"),
             TaskState("o1", "later", "c", "C")]
    answers = [CheckIn("o1", "soon", at, score=4)]

    progress = summarize(_onboarding(SAT), steps, tasks, answers)

    assert (progress.steps_sent, progress.steps_planned) == (2, 5)
    assert (progress.tasks_done, progress.tasks_total) == (1, 3)
    assert [t.task_id for t in progress.open_tasks] == ["b"]
    assert progress.next_step is not None and progress.next_step.step_id == "soon"
    assert progress.day0 == MON and progress.percent == 40 and not progress.finished
    assert progress.checkins == tuple(answers)
