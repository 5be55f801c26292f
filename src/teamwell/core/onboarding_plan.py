"""Pure onboarding schedule rules: business days, day 0, due moments, lateness, reminders, progress.

No holiday calendar yet: a business day is Monday to Friday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from teamwell.core.onboarding import (
    CheckIn,
    Onboarding,
    OnboardingStatus,
    StepRun,
    StepStatus,
    TaskState,
)
from teamwell.core.people import Person
from teamwell.surveys.onboarding import Audience, Step, StepKind

SATURDAY = 5
# Recipient id of a step stored as skipped because nobody fills its role (no manager, no buddy).
NOBODY = ""
LATE_GRACE = timedelta(hours=24)
MAX_REMINDERS = 2
REMINDER_GAP_BUSINESS_DAYS = 2


def is_business_day(day: date) -> bool:
    """True from Monday to Friday."""
    return day.weekday() < SATURDAY


def next_business_day(day: date) -> date:
    """The day itself when it is a business day, otherwise the Monday after."""
    while not is_business_day(day):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int) -> date:
    """Move count business days forward (or back when negative), skipping weekends."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    while remaining:
        day += timedelta(days=step)
        if is_business_day(day):
            remaining -= 1
    return day


def day_zero(start: date) -> date:
    """Day 0 of an onboarding: the start date, moved to Monday when it falls on a weekend."""
    return next_business_day(start)


def step_date(day0: date, offset: int, calendar: bool) -> date:
    """The local date of a step offset days from day 0 (calendar days land on a business day)."""
    if calendar:
        return next_business_day(day0 + timedelta(days=offset))
    return add_business_days(day0, offset)


def local_moment(day: date, at: time, zone: tzinfo) -> datetime:
    """The UTC moment of wall-clock time at on day in zone.

    A wall time skipped by a daylight-saving jump (02:30 when clocks go from 02:00 to 03:00)
    moves forward by the size of the jump; a repeated one (clocks going back) means the first.
    """
    # fold=0 reads a skipped time with the offset in force before the jump: later, never earlier.
    return datetime.combine(day, at, tzinfo=zone).replace(fold=0).astimezone(UTC)


def due_moment(start: date, offset: int, calendar: bool, at: time, zone: tzinfo) -> datetime:
    """When a step is due: its local date at its local time in the recipient's zone, as UTC."""
    return local_moment(step_date(day_zero(start), offset, calendar), at, zone)


def skipped_for_lateness(due_at: datetime, now: datetime, always_send: bool) -> bool:
    """True when a step was due so long ago that sending it now would confuse more than help."""
    return not always_send and due_at < now - LATE_GRACE


def worth_sending_late(step: Step, day0: date, now: datetime, zone: tzinfo) -> bool:
    """True for steps that still help when an onboarding starts more than a day after them."""
    # The new hire's day-0 steps (the welcome always arrives), checklists (their tasks stay
    # useful), and pre-start prompts while day 0 has not begun in the recipient's zone.
    if step.kind is StepKind.CHECKLIST or (step.to is Audience.NEW_HIRE and step.day == 0):
        return True
    return step.day < 0 and now.astimezone(zone).date() < day0


def reminder_moment(sent_at: datetime, at: time, zone: tzinfo, number: int) -> datetime | None:
    """When reminder number (1-based) of a checklist sent at sent_at is due; None past the cap."""
    if not 1 <= number <= MAX_REMINDERS:
        return None
    sent_day = sent_at.astimezone(zone).date()
    return local_moment(add_business_days(sent_day, REMINDER_GAP_BUSINESS_DAYS * number), at, zone)


@dataclass(frozen=True, slots=True)
class Progress:
    """How far a new hire is through their onboarding."""

    onboarding_id: str
    status: OnboardingStatus
    day0: date
    steps_sent: int
    steps_planned: int
    tasks_done: int
    tasks_total: int
    open_tasks: tuple[TaskState, ...]
    checkins: tuple[CheckIn, ...]
    next_step: StepRun | None

    @property
    def finished(self) -> bool:
        """True when every planned step has been sent."""
        return self.status is OnboardingStatus.COMPLETED or self.steps_sent == self.steps_planned

    @property
    def percent(self) -> int:
        """Share of planned steps sent, 0 to 100."""
        return 100 if not self.steps_planned else round(100 * self.steps_sent / self.steps_planned)


def summarize(onboarding: Onboarding, steps: Iterable[StepRun], tasks: Iterable[TaskState],
              checkins: Iterable[CheckIn]) -> Progress:
    """Summarize an onboarding's stored steps, tasks and check-ins (skipped steps do not count)."""
    planned = [s for s in steps if s.status is not StepStatus.SKIPPED]
    live_steps = {s.step_id for s in planned}
    sent_steps = {s.step_id for s in planned if s.status is StepStatus.SENT}
    live_tasks = [t for t in tasks if t.step_id in live_steps]
    # "Next" is what the new hire will get next; prompts to their manager are not theirs.
    pending = sorted((s for s in planned if s.status is StepStatus.PENDING
                      and s.recipient_id == onboarding.person_id),
                     key=lambda s: (s.due_at, s.step_id))
    return Progress(
        onboarding_id=onboarding.id,
        status=onboarding.status,
        day0=day_zero(onboarding.start_date),
        steps_sent=sum(1 for s in planned if s.status is StepStatus.SENT),
        steps_planned=len(planned),
        tasks_done=sum(1 for t in live_tasks if t.done_at is not None),
        tasks_total=len(live_tasks),
        # Tasks of checklists not yet sent are planned, not open: the hire has not seen them.
        open_tasks=tuple(t for t in live_tasks if t.done_at is None and t.step_id in sent_steps),
        checkins=tuple(sorted(checkins, key=lambda c: c.answered_at)),
        next_step=pending[0] if pending else None,
    )


def plan_steps(onboarding: Onboarding, steps: Iterable[Step], hire: Person,
               manager: Person | None, buddy: Person | None, now: datetime) -> tuple[StepRun, ...]:
    """Schedule every step of a sequence, skipping those nobody can receive or that are stale.

    A step is due on its local date at its local time in its recipient's zone. Steps due more
    than a day before now are skipped unless worth_sending_late; the rest go at the next tick.
    """
    recipients = {Audience.NEW_HIRE: hire, Audience.MANAGER: manager, Audience.BUDDY: buddy}
    day0 = day_zero(onboarding.start_date)
    runs: list[StepRun] = []
    for step in steps:
        recipient = recipients[step.to]
        zone = (recipient or hire).zone
        due = due_moment(onboarding.start_date, step.day, step.calendar, step.at, zone)
        keep = worth_sending_late(step, day0, now, zone)
        skip = recipient is None or skipped_for_lateness(due, now, always_send=keep)
        runs.append(StepRun(onboarding.id, step.id, recipient.id if recipient else NOBODY, due,
                            StepStatus.SKIPPED if skip else StepStatus.PENDING))
    return tuple(runs)


def planned_tasks(onboarding: Onboarding, steps: Iterable[Step],
                  runs: Iterable[StepRun]) -> tuple[TaskState, ...]:
    """The checklist tasks of every step that will be sent."""
    live = {r.step_id for r in runs if r.status is StepStatus.PENDING}
    return tuple(TaskState(onboarding.id, step.id, task.id, task.label)
                 for step in steps if step.kind is StepKind.CHECKLIST and step.id in live
                 for task in step.tasks)
