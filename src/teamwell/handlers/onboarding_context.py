"""Shared loading for the onboarding handlers: who is involved, which step, how far along."""

from __future__ import annotations

from dataclasses import dataclass

from teamwell.core.actions import unpack
from teamwell.core.errors import NotAllowed, UnknownAction, UnknownPerson
from teamwell.core.onboarding import Onboarding, OnboardingStatus, StepRun, StepStatus, TaskState
from teamwell.core.onboarding_cast import Cast
from teamwell.core.onboarding_plan import Progress, summarize
from teamwell.core.onboarding_views import StepContext
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps
from teamwell.surveys.errors import UnknownSequence
from teamwell.surveys.onboarding import Sequence as OnboardingSequence
from teamwell.surveys.onboarding import Step, StepKind

OUT_OF_DATE = "That button looks out of date, so I didn't change anything."


def step_key(onboarding_id: str, step_id: str) -> str:
    """Outbox key of a step's message (also what a checklist update replaces)."""
    return f"onb:{onboarding_id}:{step_id}"


def parse_value(value: str, count: int) -> list[str]:
    """Split an untrusted button value; UnknownAction when it is malformed."""
    try:
        return unpack(value, count)
    except ValueError as exc:
        raise UnknownAction(OUT_OF_DATE) from exc


def step_tasks(uow: UnitOfWork, onboarding: Onboarding, step: Step) -> tuple[TaskState, ...]:
    """A checklist step's stored tasks, in the order the sequence file lists them."""
    order = {task.id: i for i, task in enumerate(step.tasks)}
    found = [t for t in uow.onboardings.tasks(onboarding.workspace_id, onboarding.id)
             if t.step_id == step.id]
    return tuple(sorted(found, key=lambda t: (order.get(t.task_id, len(order)), t.task_id)))


def active_person(uow: UnitOfWork, workspace_id: str, person_id: str | None) -> Person | None:
    """The person when they exist and are active, else None."""
    person = uow.people.get(workspace_id, person_id) if person_id else None
    return person if person and person.active else None


def cast_of(uow: UnitOfWork, onboarding: Onboarding) -> Cast:
    """The new hire and the manager and buddy recorded when their onboarding started."""
    ws = onboarding.workspace_id
    hire = uow.people.get(ws, onboarding.person_id)
    if hire is None:
        raise UnknownPerson("I couldn't find that person in the directory.")
    return Cast(hire, active_person(uow, ws, onboarding.manager_id),
                active_person(uow, ws, onboarding.buddy_id))


def sequence_of(deps: Deps, onboarding: Onboarding) -> OnboardingSequence | None:
    """The onboarding's sequence, or None when an admin has since removed it."""
    try:
        return deps.sequences.get(onboarding.sequence_id)
    except UnknownSequence:
        return None


def progress_of(uow: UnitOfWork, onboarding: Onboarding) -> Progress:
    """How far the onboarding is, from what is stored."""
    ws, oid = onboarding.workspace_id, onboarding.id
    return summarize(onboarding, uow.onboardings.steps(ws, oid), uow.onboardings.tasks(ws, oid),
                     uow.onboardings.checkins(ws, oid))


@dataclass(frozen=True, slots=True)
class OwnStep:
    """A sent step of the clicker's own onboarding, checked."""

    onboarding: Onboarding
    sequence: OnboardingSequence
    step: Step
    run: StepRun
    cast: Cast

    def context(self, uow: UnitOfWork) -> StepContext:
        """The step context with this step's tasks as stored now."""
        return StepContext(self.onboarding, self.step, self.cast,
                           step_tasks(uow, self.onboarding, self.step), sequence=self.sequence)


def own_step(deps: Deps, uow: UnitOfWork, workspace_id: str, person_id: str,
             onboarding_id: str, step_id: str, kind: StepKind | None = None) -> OwnStep:
    """Check that a clicked step is a sent step of the clicker's own onboarding."""
    onboarding = uow.onboardings.get(workspace_id, onboarding_id)
    if onboarding is None:
        raise UnknownAction(OUT_OF_DATE)
    # Values are untrusted: only the new hire acts on their own onboarding.
    if onboarding.person_id != person_id:
        raise NotAllowed("That belongs to someone else's onboarding, so I left it as it was.")
    if onboarding.status is OnboardingStatus.CANCELLED:
        raise NotAllowed("This onboarding has been stopped, so there's nothing to update.")
    sequence = sequence_of(deps, onboarding)
    step = sequence.step(step_id) if sequence else None
    run = uow.onboardings.step(workspace_id, onboarding_id, step_id)
    if sequence is None or step is None or run is None or (kind and step.kind is not kind):
        raise UnknownAction(OUT_OF_DATE)
    if run.status is not StepStatus.SENT:
        raise UnknownAction("That step hasn't been sent yet, so I didn't change anything.")
    return OwnStep(onboarding, sequence, step, run, cast_of(uow, onboarding))
