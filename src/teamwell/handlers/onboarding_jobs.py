"""Scheduled onboarding work: send steps that are due, and gentle reminders for open tasks.

Jobs only ask the database what is due now. Each step is claimed with a compare-and-set
(mark_step, record_reminder) in the same unit of work that queues its message under a
deterministic key, so a job that fires twice, or two workers at once, send nothing twice.
"""

from __future__ import annotations

import logging

from teamwell.core.onboarding import Onboarding, OnboardingStatus, StepRun, StepStatus
from teamwell.core.onboarding_plan import MAX_REMINDERS, reminder_moment
from teamwell.core.onboarding_views import StepContext, reminder_message, step_message
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for
from teamwell.handlers.onboarding_context import (
    active_person,
    cast_of,
    progress_of,
    sequence_of,
    step_key,
    step_tasks,
)
from teamwell.surveys.onboarding import StepKind

log = logging.getLogger("teamwell.handlers.onboarding")


# Each batch holds the (on SQLite, single) database thread; keep it short so clicks interleave.
STEP_BATCH = 50
MAX_STEP_FAILURES = 5


def run_due_steps(deps: Deps, limit: int = STEP_BATCH) -> int:
    """Send up to limit due steps, across workspaces; returns how many were sent (not tried)."""
    # Skipped and failed steps use up the limit but are not counted: callers loop on
    # due_steps_left (with a cap, since a step that keeps failing stays due).
    with deps.uow() as uow:
        due = uow.onboardings.due_steps(deps.clock.now(), limit)
    sent = 0
    for workspace_id, run in due:
        try:
            sent += send_step(deps, workspace_id, run)
        except Exception as exc:  # noqa: BLE001 - counted and logged in _step_failed
            # One broken row must not hold up everyone else's onboarding; it is retried next tick.
            _step_failed(deps, workspace_id, run, exc)
    return sent


def _step_failed(deps: Deps, workspace_id: str, run: StepRun, exc: Exception) -> None:
    """Count a failure; the first is logged in full, the fifth gives the step up."""
    where = f"onboarding step {run.onboarding_id}/{run.step_id}"
    with deps.uow() as uow:
        failures = uow.onboardings.record_step_failure(workspace_id, run.onboarding_id,
                                                       run.step_id)
        if failures >= MAX_STEP_FAILURES:
            uow.onboardings.mark_step(workspace_id, run.onboarding_id, run.step_id,
                                      StepStatus.SKIPPED, deps.clock.now())
        uow.commit()
    if failures <= 1:
        log.error("%s failed; it is retried at the next tick", where, exc_info=exc)
    elif failures >= MAX_STEP_FAILURES:
        log.error("%s skipped after %d failures: %s", where, failures, exc)
    else:
        log.warning("%s failed again (%d): %s", where, failures, exc)


def due_steps_left(deps: Deps) -> bool:
    """True when some onboarding step is due now and still pending (failed ones included)."""
    with deps.uow() as uow:
        return bool(uow.onboardings.due_steps(deps.clock.now(), 1))


def _finish_if_done(uow: UnitOfWork, onboarding: Onboarding) -> None:
    steps = uow.onboardings.steps(onboarding.workspace_id, onboarding.id)
    if onboarding.status is OnboardingStatus.ACTIVE and all(
            s.status is not StepStatus.PENDING for s in steps):
        uow.onboardings.set_status(onboarding.workspace_id, onboarding.id,
                                   OnboardingStatus.COMPLETED.value)


def _context(deps: Deps, uow: UnitOfWork, onboarding: Onboarding | None,
             run: StepRun) -> tuple[StepContext, Person] | None:
    """What to send and to whom, or None when the step should be skipped."""
    if onboarding is None or onboarding.status is not OnboardingStatus.ACTIVE:
        return None
    sequence = sequence_of(deps, onboarding)
    step = sequence.step(run.step_id) if sequence else None
    recipient = active_person(uow, onboarding.workspace_id, run.recipient_id)
    if sequence is None or step is None or recipient is None:
        log.warning("skipping onboarding step %s/%s: sequence, step or recipient is gone",
                    onboarding.id, run.step_id)
        return None
    cast = cast_of(uow, onboarding)
    if not cast.hire.active:
        # Someone who left is not onboarded any further, and nobody is prompted about them.
        uow.onboardings.set_status(onboarding.workspace_id, onboarding.id,
                                   OnboardingStatus.CANCELLED.value)
        return None
    return StepContext(onboarding, step, cast, step_tasks(uow, onboarding, step),
                       progress_of(uow, onboarding), sequence), recipient


def send_step(deps: Deps, workspace_id: str, run: StepRun) -> bool:
    """Send one due step in its own unit of work; False when skipped or already sent."""
    now = deps.clock.now()
    with deps.uow() as uow:
        onboarding = uow.onboardings.get(workspace_id, run.onboarding_id)
        prepared = _context(deps, uow, onboarding, run)
        if prepared is None:
            if uow.onboardings.mark_step(workspace_id, run.onboarding_id, run.step_id,
                                         StepStatus.SKIPPED, now):
                if onboarding:
                    _finish_if_done(uow, onboarding)
                uow.commit()
            return False
        ctx, recipient = prepared
        if not uow.onboardings.mark_step(workspace_id, run.onboarding_id, run.step_id,
                                         StepStatus.SENT, now):
            return False  # another tick sent it first
        queue_for(uow, now, recipient, step_key(run.onboarding_id, run.step_id),
                  step_message(ctx))
        if ctx.step.kind is StepKind.CHECKLIST:
            first = reminder_moment(now, ctx.step.at, recipient.zone, 1)
            for task in ctx.tasks:
                uow.onboardings.set_task_reminder(workspace_id, run.onboarding_id, run.step_id,
                                                  task.task_id, first)
        _finish_if_done(uow, ctx.onboarding)
        uow.commit()
        return True


def send_due_reminders(deps: Deps, limit: int = STEP_BATCH) -> int:
    """Nudge new hires about checklist tasks still open; returns how many reminders were queued."""
    with deps.uow() as uow:
        due = uow.onboardings.due_reminders(deps.clock.now(), limit)
    # One reminder per checklist lists all of its open tasks, rather than one message per task.
    checklists = sorted({(ws, t.onboarding_id, t.step_id) for ws, t in due})
    sent = 0
    for workspace_id, onboarding_id, step_id in checklists:
        try:
            sent += _remind(deps, workspace_id, onboarding_id, step_id)
        except Exception:
            log.exception("onboarding reminder %s/%s failed", onboarding_id, step_id)
    return sent


def _stop_reminders(uow: UnitOfWork, workspace_id: str, onboarding_id: str, step_id: str) -> None:
    for task in uow.onboardings.tasks(workspace_id, onboarding_id):
        if task.step_id == step_id and task.done_at is None:
            uow.onboardings.set_task_reminder(workspace_id, onboarding_id, step_id,
                                              task.task_id, None)
    uow.commit()


def _remind(deps: Deps, workspace_id: str, onboarding_id: str, step_id: str) -> bool:
    now = deps.clock.now()
    with deps.uow() as uow:
        onboarding = uow.onboardings.get(workspace_id, onboarding_id)
        sequence = sequence_of(deps, onboarding) if onboarding else None
        step = sequence.step(step_id) if sequence else None
        run = next((r for r in uow.onboardings.steps(workspace_id, onboarding_id)
                    if r.step_id == step_id), None)
        hire = active_person(uow, workspace_id, onboarding.person_id) if onboarding else None
        if (onboarding is None or onboarding.status is OnboardingStatus.CANCELLED
                or step is None or run is None or run.sent_at is None or hire is None):
            _stop_reminders(uow, workspace_id, onboarding_id, step_id)
            return False
        won = []
        for task in step_tasks(uow, onboarding, step):
            if (task.done_at is not None or task.next_reminder_at is None or task.next_reminder_at > now):
                continue
            number = task.reminders_sent + 1
            following = reminder_moment(run.sent_at, step.at, hire.zone, number + 1)
            if number > MAX_REMINDERS:
                uow.onboardings.set_task_reminder(workspace_id, onboarding_id, step_id,
                                                  task.task_id, None)
            elif uow.onboardings.record_reminder(workspace_id, onboarding_id, step_id,
                                                 task.task_id, task.reminders_sent, following):
                won.append((number, task))
        if won:
            number = max(n for n, _ in won)
            ctx = StepContext(onboarding, step, cast_of(uow, onboarding), sequence=sequence)
            queue_for(uow, now, hire, f"onb-rem:{onboarding_id}:{step_id}:{number}",
                      reminder_message(ctx, tuple(t for _, t in won), number))
        uow.commit()
        return bool(won)
