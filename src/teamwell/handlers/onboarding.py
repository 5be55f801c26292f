"""Onboarding use cases: start a sequence, run it on schedule, act on its buttons, show progress.

The Slack edge, the CLI, the CSV import and the scheduler all come in through this module.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace
from datetime import date

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
from teamwell.handlers.onboarding_jobs import run_due_steps, send_due_reminders

__all__ = [
    "checkin_comment_form", "complete_task", "home_blocks", "progress_message",
    "record_checkin_comment", "record_checkin_score", "request_help", "run_due_steps",
    "send_due_reminders", "start_onboarding",
]


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

    The start date defaults to the person's, then to today in their time zone. A start date in
    the future simply schedules everything from then on. Raises UnknownPerson, and
    UnknownSequence (an InvalidSequence) for a sequence id nobody defined.
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
        start = start_date or person.start_date or now.astimezone(person.zone).date()
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


def _view(deps: Deps, uow: UnitOfWork, person: Person, active_only: bool) -> ProgressView | None:
    find = uow.onboardings.active_for if active_only else uow.onboardings.latest_for
    onboarding = find(person.workspace_id, person.id)
    sequence = sequence_of(deps, onboarding) if onboarding else None
    if onboarding is None or sequence is None:
        return None
    return ProgressView(person, progress_of(uow, onboarding), sequence)


def home_blocks(deps: Deps, workspace_id: str, person_id: str) -> tuple[Block, ...]:
    """The App Home tab: the person's own onboarding and, for a manager, each report's."""
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        if person is None:
            raise UnknownPerson("I couldn't find you in the directory yet.")
        own = _view(deps, uow, person, active_only=False)
        reports = [v for r in uow.people.reports_of(workspace_id, person_id)
                   if (v := _view(deps, uow, r, active_only=True))]
    return progress_blocks(own, reports)


def progress_message(deps: Deps, workspace_id: str, person_id: str) -> Message:
    """Onboarding progress as a message, for `/teamwell onboarding`."""
    return Message(fallback="Your onboarding progress",
                   blocks=home_blocks(deps, workspace_id, person_id))
