"""Onboarding records: one onboarding per new hire, its scheduled steps, tasks and check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class OnboardingStatus(StrEnum):
    """Life of an onboarding."""

    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class StepStatus(StrEnum):
    """Life of one scheduled step."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Onboarding:
    """A new hire's run through one sequence."""

    id: str
    workspace_id: str
    person_id: str
    sequence_id: str
    start_date: date
    status: OnboardingStatus
    created_at: datetime
    buddy_id: str | None = None
    manager_id: str | None = None


@dataclass(frozen=True, slots=True)
class StepRun:
    """One step of a sequence, scheduled for one recipient at an absolute moment."""

    onboarding_id: str
    step_id: str
    recipient_id: str
    due_at: datetime
    status: StepStatus = StepStatus.PENDING
    sent_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class TaskState:
    """A checklist task of a step, with its reminders."""

    onboarding_id: str
    step_id: str
    task_id: str
    label: str
    done_at: datetime | None = None
    reminders_sent: int = 0
    next_reminder_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CheckIn:
    """A new hire's answer to a check-in question (visible to their manager and buddy)."""

    onboarding_id: str
    step_id: str
    answered_at: datetime
    score: int | None = None
    comment: str | None = None
    sentiment: str | None = None  # the comment's sentiment label, once scored


@dataclass(frozen=True, slots=True)
class HelpRequest:
    """A new hire asked for help; the bot handed it to a person."""

    id: str
    onboarding_id: str
    step_id: str
    helper_id: str
    requested_at: datetime
