"""Onboarding use cases: start a sequence, run it on schedule, act on its buttons, show progress.

The Slack edge, the CLI, the CSV import and the scheduler all come in through this module.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import Block, Message
from teamwell.core.onboarding import Onboarding, OnboardingStatus, StepStatus
from teamwell.core.onboarding_plan import plan_steps, planned_tasks
from teamwell.core.onboarding_views import ProgressView, progress_blocks
from teamwell.core.people import Person, choose_buddy
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps
from teamwell.handlers.onboarding_actions import (
    checkin_comment_form,
    complete_task,
    record_checkin_comment,
    record_checkin_score,
    request_help,
)
from teamwell.handlers.onboarding_context import active_person, progress_of, sequence_of
from teamwell.handlers.onboarding_jobs import due_steps_left, run_due_steps, send_due_reminders
from teamwell.surveys.onboarding import Sequence as OnboardingSequence

__all__ = [
    "checkin_comment_form", "complete_task", "due_steps_left", "home_blocks", "progress_message",
    "record_checkin_comment", "record_checkin_score", "request_help", "run_due_steps",
    "send_due_reminders", "start_onboarding", "stop_onboarding", "stop_onboarding_for",
]

log = logging.getLogger("teamwell.handlers.onboarding")


def _pick_buddy(uow: UnitOfWork, hire: Person) -> Person | None:
    """A teammate who is not the manager, with the fewest new hires to look after right now."""
    if not hire.team_id:
        return None
    load = Counter(o.buddy_id for o in uow.onboardings.list_active(hire.workspace_id)
                   if o.buddy_id)
    return choose_buddy(hire, uow.people.in_team(hire.workspace_id, hire.team_id), dict(load))


def start_onboarding(deps: Deps, workspace_id: str, person_id: str,
                     start_date: date | None = None, sequence_id: str = "default") -> Onboarding:
    """Start a person's onboarding (idempotent: an active one is returned as it is).

    The start date defaults to the person's, then to a stopped onboarding's (which resumes),
    then to today in their time zone. Raises UnknownPerson, and UnknownSequence (an
    InvalidSequence) for a sequence id nobody defined.
    """
    sequence = deps.sequences.get(sequence_id)
    now = deps.clock.now()
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        if person is None:
            raise UnknownPerson("I couldn't find that person in the directory.")
        existing = uow.onboardings.active_for(workspace_id, person_id)
        if existing:
            return existing
        latest = uow.onboardings.latest_for(workspace_id, person_id)
        stopped = (latest if latest and latest.status is OnboardingStatus.CANCELLED
                   and latest.sequence_id == sequence.id else None)
        start = (start_date or person.start_date or (stopped.start_date if stopped else None)
                 or now.astimezone(person.zone).date())
        if stopped and stopped.start_date == start:
            return _resume(uow, stopped, sequence, person, now)
        manager = active_person(uow, workspace_id, person.manager_id)
        buddy = (active_person(uow, workspace_id, person.buddy_id)
                 or _pick_buddy(uow, replace(person, start_date=start)))
        onboarding = Onboarding(
            id=uuid.uuid4().hex, workspace_id=workspace_id, person_id=person_id,
            sequence_id=sequence.id, start_date=start, status=OnboardingStatus.ACTIVE,
            created_at=now, buddy_id=buddy.id if buddy else None,
            manager_id=manager.id if manager else None,
        )
        if not uow.onboardings.add(onboarding):
            # The same run (person, sequence, start date) exists already, perhaps finished.
            found = (uow.onboardings.active_for(workspace_id, person_id)
                     or uow.onboardings.latest_for(workspace_id, person_id))
            assert found is not None
            return found
        runs = plan_steps(onboarding, sequence.steps, person, manager, buddy, now)
        uow.onboardings.add_steps(workspace_id, runs)
        uow.onboardings.add_tasks(workspace_id, planned_tasks(onboarding, sequence.steps, runs))
        if buddy and person.buddy_id != buddy.id:
            uow.people.save(replace(person, buddy_id=buddy.id))
        if all(r.status is StepStatus.SKIPPED for r in runs):
            onboarding = replace(onboarding, status=OnboardingStatus.COMPLETED)
            uow.onboardings.set_status(workspace_id, onboarding.id, onboarding.status.value)
        uow.commit()
        return onboarding


def _resume(uow: UnitOfWork, stopped: Onboarding, sequence: OnboardingSequence,
            hire: Person, now: datetime) -> Onboarding:
    """Restart a stopped onboarding: steps it skipped that are still worth sending come back."""
    ws = stopped.workspace_id
    manager = active_person(uow, ws, stopped.manager_id)
    buddy = active_person(uow, ws, stopped.buddy_id)
    runs = plan_steps(stopped, sequence.steps, hire, manager, buddy, now)
    uow.onboardings.add_steps(ws, runs)  # steps added to the sequence since it stopped
    for run in runs:
        if run.status is StepStatus.PENDING:
            uow.onboardings.reopen_step(ws, run)
    uow.onboardings.add_tasks(ws, planned_tasks(stopped, sequence.steps, runs))
    pending = any(s.status is StepStatus.PENDING for s in uow.onboardings.steps(ws, stopped.id))
    status = OnboardingStatus.ACTIVE if pending else OnboardingStatus.COMPLETED
    uow.onboardings.set_status(ws, stopped.id, status.value)
    uow.commit()
    log.info("onboarding %s restarted", stopped.id)
    return replace(stopped, status=status)


STOPPED = ("Okay, I've stopped your onboarding messages: I won't send you any more, and I won't "
           "prompt your manager or buddy about your onboarding. If you'd like them back, ask "
           "your manager or HR team to restart them.")
NOTHING_TO_STOP = ("You have no onboarding messages running, so there's nothing to stop. "
                   "If I'm sending you something else you'd rather not get, ask your HR team.")


def _stop(deps: Deps, workspace_id: str, person_id: str, by: str) -> bool:
    """Cancel the person's active onboardings, skip their pending steps and clear reminders."""
    now = deps.clock.now()
    with deps.uow() as uow:
        if uow.people.get(workspace_id, person_id) is None:
            raise UnknownPerson("I couldn't find that person in the directory.")
        active = [o for o in uow.onboardings.list_active(workspace_id)
                  if o.person_id == person_id]
        # A finished sequence can still have checklist reminders to come: they stop too.
        latest = uow.onboardings.latest_for(workspace_id, person_id)
        if latest and latest.status is OnboardingStatus.COMPLETED and any(
                t.next_reminder_at for t in uow.onboardings.tasks(workspace_id, latest.id)):
            active.append(latest)
        for onboarding in active:
            uow.onboardings.set_status(workspace_id, onboarding.id,
                                       OnboardingStatus.CANCELLED.value)
            for run in uow.onboardings.steps(workspace_id, onboarding.id):
                if run.status is StepStatus.PENDING:
                    uow.onboardings.mark_step(workspace_id, onboarding.id, run.step_id,
                                              StepStatus.SKIPPED, now)
            for task in uow.onboardings.tasks(workspace_id, onboarding.id):
                if task.next_reminder_at is not None:
                    uow.onboardings.set_task_reminder(workspace_id, onboarding.id, task.step_id,
                                                      task.task_id, None)
            log.info("onboarding %s stopped by %s", onboarding.id, by)
        uow.commit()
    return bool(active)


def stop_onboarding(deps: Deps, workspace_id: str, person_id: str) -> str:
    """The new hire stops their own onboarding messages; a kind reply says how to restart."""
    return STOPPED if _stop(deps, workspace_id, person_id, "the new hire") else NOTHING_TO_STOP


def stop_onboarding_for(deps: Deps, workspace_id: str, person_id: str) -> bool:
    """An admin stops someone's onboarding (CLI); False when none was running."""
    return _stop(deps, workspace_id, person_id, "an admin")


def _view(deps: Deps, uow: UnitOfWork, hire: Person,
          onboarding: Onboarding | None) -> ProgressView | None:
    sequence = sequence_of(deps, onboarding) if onboarding else None
    if onboarding is None or sequence is None:
        return None
    return ProgressView(hire, progress_of(uow, onboarding), sequence)


def home_blocks(deps: Deps, workspace_id: str, person_id: str) -> tuple[Block, ...]:
    """The App Home tab: the person's own onboarding, their reports' and their buddies'."""
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        if person is None:
            raise UnknownPerson("I couldn't find you in the directory yet.")
        own = _view(deps, uow, person, uow.onboardings.latest_for(workspace_id, person_id))
        reports = [v for r in uow.people.reports_of(workspace_id, person_id)
                   if (v := _view(deps, uow, r, uow.onboardings.active_for(workspace_id, r.id)))]
        shown = {v.person.id for v in reports}
        # The hires this person is buddy to: the check-in notice promises them this view.
        buddies = [v for o in uow.onboardings.list_active(workspace_id)
                   if o.buddy_id == person_id and o.person_id not in shown
                   and (hire := uow.people.get(workspace_id, o.person_id))
                   and (v := _view(deps, uow, hire, o))]
    return progress_blocks(own, reports, buddies)


def progress_message(deps: Deps, workspace_id: str, person_id: str) -> Message:
    """Onboarding progress as a message, for `/teamwell onboarding`."""
    return Message(fallback="Your onboarding progress",
                   blocks=home_blocks(deps, workspace_id, person_id))
