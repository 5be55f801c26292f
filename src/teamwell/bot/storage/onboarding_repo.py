"""Onboardings, steps, tasks, check-ins and help requests in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.serving import serving
from teamwell.bot.storage.tables import (
    CheckInRow,
    HelpRequestRow,
    OnboardingRow,
    OnboardingStepRow,
    OnboardingTaskRow,
)
from teamwell.bot.storage.upsert import insert_ignore
from teamwell.core.onboarding import (
    CheckIn,
    HelpRequest,
    Onboarding,
    OnboardingStatus,
    StepRun,
    StepStatus,
    TaskState,
)


def _onb(r: OnboardingRow) -> Onboarding:
    return Onboarding(
        id=r.id, workspace_id=r.workspace_id, person_id=r.person_id, sequence_id=r.sequence_id,
        start_date=r.start_date, status=OnboardingStatus(r.status), created_at=r.created_at,
        buddy_id=r.buddy_id, manager_id=r.manager_id,
    )


def _step(r: OnboardingStepRow) -> StepRun:
    return StepRun(
        onboarding_id=r.onboarding_id, step_id=r.step_id, recipient_id=r.recipient_id,
        due_at=r.due_at, status=StepStatus(r.status), sent_at=r.sent_at,
    )


def _task(r: OnboardingTaskRow) -> TaskState:
    return TaskState(
        onboarding_id=r.onboarding_id, step_id=r.step_id, task_id=r.task_id, label=r.label,
        done_at=r.done_at, reminders_sent=r.reminders_sent, next_reminder_at=r.next_reminder_at,
    )


class SqlOnboardings:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, onboarding: Onboarding) -> bool:
        """Insert the record unless it exists; True when inserted."""
        o = onboarding
        return insert_ignore(self.s, OnboardingRow, {
            "workspace_id": o.workspace_id, "id": o.id, "person_id": o.person_id,
            "sequence_id": o.sequence_id, "start_date": o.start_date, "status": o.status.value,
            "created_at": o.created_at, "buddy_id": o.buddy_id, "manager_id": o.manager_id,
        })

    def get(self, workspace_id: str, onboarding_id: str) -> Onboarding | None:
        """The record with this id in the workspace, or None."""
        row = self.s.get(OnboardingRow, (workspace_id, onboarding_id))
        return _onb(row) if row else None

    def _for_person(self, workspace_id: str, person_id: str, active: bool) -> Onboarding | None:
        q = select(OnboardingRow).where(
            OnboardingRow.workspace_id == workspace_id, OnboardingRow.person_id == person_id
        )
        if active:
            q = q.where(OnboardingRow.status == OnboardingStatus.ACTIVE.value)
        row = self.s.scalars(q.order_by(OnboardingRow.start_date.desc())).first()
        return _onb(row) if row else None

    def active_for(self, workspace_id: str, person_id: str) -> Onboarding | None:
        """The person's active onboarding, or None."""
        return self._for_person(workspace_id, person_id, active=True)

    def latest_for(self, workspace_id: str, person_id: str) -> Onboarding | None:
        """The person's most recent onboarding, whatever its status, or None."""
        return self._for_person(workspace_id, person_id, active=False)

    def list_active(self, workspace_id: str) -> list[Onboarding]:
        """Active onboardings of the workspace, earliest start first."""
        q = select(OnboardingRow).where(
            OnboardingRow.workspace_id == workspace_id,
            OnboardingRow.status == OnboardingStatus.ACTIVE.value,
        ).order_by(OnboardingRow.start_date, OnboardingRow.id)
        return [_onb(r) for r in self.s.scalars(q)]

    def set_status(self, workspace_id: str, onboarding_id: str, status: str) -> None:
        """Set an onboarding's status."""
        self.s.execute(update(OnboardingRow).where(
            OnboardingRow.workspace_id == workspace_id, OnboardingRow.id == onboarding_id
        ).values(status=OnboardingStatus(status).value))

    def add_steps(self, workspace_id: str, steps: Sequence[StepRun]) -> None:
        """Store scheduled steps (existing ones are kept as they are)."""
        for st in steps:
            insert_ignore(self.s, OnboardingStepRow, {
                "workspace_id": workspace_id, "onboarding_id": st.onboarding_id,
                "step_id": st.step_id, "recipient_id": st.recipient_id, "due_at": st.due_at,
                "status": st.status.value, "sent_at": st.sent_at,
            })

    def steps(self, workspace_id: str, onboarding_id: str) -> list[StepRun]:
        """An onboarding's steps, in due order."""
        q = select(OnboardingStepRow).where(
            OnboardingStepRow.workspace_id == workspace_id,
            OnboardingStepRow.onboarding_id == onboarding_id,
        ).order_by(OnboardingStepRow.due_at, OnboardingStepRow.step_id)
        return [_step(r) for r in self.s.scalars(q)]

    def step(self, workspace_id: str, onboarding_id: str, step_id: str) -> StepRun | None:
        """One step of an onboarding, or None."""
        row = self.s.get(OnboardingStepRow, (workspace_id, onboarding_id, step_id))
        return _step(row) if row else None

    def due_steps(self, now: datetime, limit: int = 500) -> list[tuple[str, StepRun]]:
        """Pending steps due by now, across workspaces, oldest first."""
        q = select(OnboardingStepRow).where(
            OnboardingStepRow.status == StepStatus.PENDING.value, OnboardingStepRow.due_at <= now,
            serving(OnboardingStepRow.workspace_id),
        ).order_by(OnboardingStepRow.due_at, OnboardingStepRow.step_id).limit(limit)
        return [(r.workspace_id, _step(r)) for r in self.s.scalars(q)]

    def mark_step(
        self, workspace_id: str, onboarding_id: str, step_id: str, status: StepStatus,
        when: datetime,
    ) -> bool:
        """Move a pending step to status; False when it was no longer pending."""
        result = self.s.execute(update(OnboardingStepRow).where(
            OnboardingStepRow.workspace_id == workspace_id,
            OnboardingStepRow.onboarding_id == onboarding_id,
            OnboardingStepRow.step_id == step_id,
            OnboardingStepRow.status == StepStatus.PENDING.value,
        ).values(status=status.value, sent_at=when))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def reopen_step(self, workspace_id: str, run: StepRun) -> bool:
        """Make a skipped step pending again; False when it was not skipped."""
        result = self.s.execute(update(OnboardingStepRow).where(
            OnboardingStepRow.workspace_id == workspace_id,
            OnboardingStepRow.onboarding_id == run.onboarding_id,
            OnboardingStepRow.step_id == run.step_id,
            OnboardingStepRow.status == StepStatus.SKIPPED.value,
        ).values(status=StepStatus.PENDING.value, recipient_id=run.recipient_id,
                 due_at=run.due_at, sent_at=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def record_step_failure(self, workspace_id: str, onboarding_id: str, step_id: str) -> int:
        """Count a failed attempt at a pending step; returns the count so far."""
        result = self.s.execute(update(OnboardingStepRow).where(
            OnboardingStepRow.workspace_id == workspace_id,
            OnboardingStepRow.onboarding_id == onboarding_id,
            OnboardingStepRow.step_id == step_id,
            OnboardingStepRow.status == StepStatus.PENDING.value,
        ).values(failures=OnboardingStepRow.failures + 1).returning(OnboardingStepRow.failures))
        return int(result.scalar() or 0)

    def add_tasks(self, workspace_id: str, tasks: Sequence[TaskState]) -> None:
        """Store checklist tasks (existing ones are kept as they are)."""
        for t in tasks:
            insert_ignore(self.s, OnboardingTaskRow, {
                "workspace_id": workspace_id, "onboarding_id": t.onboarding_id,
                "step_id": t.step_id, "task_id": t.task_id, "label": t.label,
                "done_at": t.done_at, "reminders_sent": t.reminders_sent,
                "next_reminder_at": t.next_reminder_at,
            })

    def tasks(self, workspace_id: str, onboarding_id: str) -> list[TaskState]:
        """An onboarding's checklist tasks."""
        q = select(OnboardingTaskRow).where(
            OnboardingTaskRow.workspace_id == workspace_id,
            OnboardingTaskRow.onboarding_id == onboarding_id,
        ).order_by(OnboardingTaskRow.step_id, OnboardingTaskRow.task_id)
        return [_task(r) for r in self.s.scalars(q)]

    def _task_where(self, ws: str, onb: str, step: str, task: str) -> list[object]:
        return [
            OnboardingTaskRow.workspace_id == ws, OnboardingTaskRow.onboarding_id == onb,
            OnboardingTaskRow.step_id == step, OnboardingTaskRow.task_id == task,
        ]

    def mark_task_done(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str, when: datetime
    ) -> bool:
        """Tick a task; False when it was already done."""
        where = self._task_where(workspace_id, onboarding_id, step_id, task_id)
        result = self.s.execute(update(OnboardingTaskRow).where(
            and_(*where), OnboardingTaskRow.done_at.is_(None)  # type: ignore[arg-type]
        ).values(done_at=when, next_reminder_at=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def set_task_reminder(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str,
        next_at: datetime | None,
    ) -> None:
        """Set when an open task is next reminded (None: never)."""
        where = self._task_where(workspace_id, onboarding_id, step_id, task_id)
        self.s.execute(update(OnboardingTaskRow).where(
            and_(*where), OnboardingTaskRow.done_at.is_(None)  # type: ignore[arg-type]
        ).values(next_reminder_at=next_at))

    def due_reminders(self, now: datetime, limit: int = 500) -> list[tuple[str, TaskState]]:
        """Open tasks whose reminder is due by now, across workspaces."""
        q = select(OnboardingTaskRow).where(
            OnboardingTaskRow.done_at.is_(None), OnboardingTaskRow.next_reminder_at <= now,
            serving(OnboardingTaskRow.workspace_id),
        ).order_by(OnboardingTaskRow.next_reminder_at).limit(limit)
        return [(r.workspace_id, _task(r)) for r in self.s.scalars(q)]

    def record_reminder(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str,
        sent_before: int, next_at: datetime | None,
    ) -> bool:
        """Count a reminder if sent_before still holds; False when someone else did."""
        where = self._task_where(workspace_id, onboarding_id, step_id, task_id)
        result = self.s.execute(update(OnboardingTaskRow).where(
            and_(*where),  # type: ignore[arg-type]
            OnboardingTaskRow.reminders_sent == sent_before, OnboardingTaskRow.done_at.is_(None),
        ).values(reminders_sent=sent_before + 1, next_reminder_at=next_at))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def save_checkin(self, workspace_id: str, checkin: CheckIn) -> None:
        """Store a check-in answer; a new score or comment replaces the old one."""
        c = checkin
        values: dict[str, object] = {"answered_at": c.answered_at}
        if c.score is not None:
            values["score"] = c.score
        if c.comment is not None:
            values.update(comment=c.comment, sentiment=None, sentiment_label=None, stress=None)
        changed = update(CheckInRow).where(
            CheckInRow.workspace_id == workspace_id, CheckInRow.onboarding_id == c.onboarding_id,
            CheckInRow.step_id == c.step_id,
        ).values(**values)
        # Update first (answering again is the common case), else insert-or-nothing, else a
        # rival inserted first and we update: atomic on both databases, never a key violation.
        if self.s.execute(changed).rowcount:  # type: ignore[attr-defined]
            return
        if not insert_ignore(self.s, CheckInRow, {
            "workspace_id": workspace_id, "onboarding_id": c.onboarding_id, "step_id": c.step_id,
            "answered_at": c.answered_at, "score": c.score, "comment": c.comment,
        }):
            self.s.execute(changed)

    def checkins(self, workspace_id: str, onboarding_id: str) -> list[CheckIn]:
        """An onboarding's check-in answers."""
        q = select(CheckInRow).where(
            CheckInRow.workspace_id == workspace_id, CheckInRow.onboarding_id == onboarding_id
        ).order_by(CheckInRow.answered_at)
        return [CheckIn(onboarding_id=r.onboarding_id, step_id=r.step_id,
                        answered_at=r.answered_at, score=r.score, comment=r.comment,
                        sentiment=r.sentiment_label)
                for r in self.s.scalars(q)]

    def add_help_request(self, workspace_id: str, request: HelpRequest) -> bool:
        """Store a help request; False when one with its id exists already."""
        return insert_ignore(self.s, HelpRequestRow, {
            "workspace_id": workspace_id, "id": request.id,
            "onboarding_id": request.onboarding_id, "step_id": request.step_id,
            "helper_id": request.helper_id, "requested_at": request.requested_at,
        })

    def help_requests(self, workspace_id: str, onboarding_id: str) -> list[HelpRequest]:
        """An onboarding's help requests, oldest first."""
        q = select(HelpRequestRow).where(
            HelpRequestRow.workspace_id == workspace_id,
            HelpRequestRow.onboarding_id == onboarding_id,
        ).order_by(HelpRequestRow.requested_at)
        return [HelpRequest(id=r.id, onboarding_id=r.onboarding_id, step_id=r.step_id,
                            helper_id=r.helper_id, requested_at=r.requested_at)
                for r in self.s.scalars(q)]
