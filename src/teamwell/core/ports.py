"""Ports: what the rules and use cases need from the outside, as typing.Protocols.

Every method is scoped to one workspace (tenant); implementations must never return another
workspace's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol

from teamwell.core.onboarding import (
    CheckIn,
    HelpRequest,
    Onboarding,
    StepRun,
    StepStatus,
    TaskState,
)
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person, Team


class Workspaces(Protocol):
    """Workspaces (tenants) and the platform account each one is known by."""

    def ensure(self, platform: str, external_id: str, name: str) -> str:
        """Return the workspace id for a platform workspace, creating it when new."""
        ...

    def find(self, platform: str, external_id: str) -> str | None:
        """Return the workspace id for a platform workspace, or None."""
        ...

    def all_ids(self) -> list[str]:
        """Every workspace id."""
        ...


class People(Protocol):
    """The people directory of a workspace."""

    def get(self, workspace_id: str, person_id: str) -> Person | None: ...
    def by_email(self, workspace_id: str, email: str) -> Person | None: ...
    def by_account(self, workspace_id: str, platform: str, external_id: str) -> Person | None: ...
    def account_of(self, workspace_id: str, person_id: str, platform: str) -> str | None: ...
    def link_account(self, workspace_id: str, person_id: str, platform: str, external_id: str) -> None: ...
    def save(self, person: Person) -> None: ...
    def reports_of(self, workspace_id: str, manager_id: str) -> list[Person]: ...
    def in_team(self, workspace_id: str, team_id: str) -> list[Person]: ...
    # Last: once `list` is defined, `list[...]` in later annotations would mean this method.
    def list(self, workspace_id: str, active_only: bool = True) -> list[Person]: ...


class Teams(Protocol):
    """Teams of a workspace."""

    def get(self, workspace_id: str, team_id: str) -> Team | None: ...
    def by_name(self, workspace_id: str, name: str) -> Team | None: ...
    def ensure(self, workspace_id: str, name: str) -> Team: ...
    def list(self, workspace_id: str) -> list[Team]: ...


class Onboardings(Protocol):
    """Onboardings, their scheduled steps, tasks, check-ins and help requests.

    The mark_* and record_* methods compare and set: they return False when another caller got
    there first, which is what makes a job that fires twice harmless.
    """

    def add(self, onboarding: Onboarding) -> bool: ...
    def get(self, workspace_id: str, onboarding_id: str) -> Onboarding | None: ...
    def active_for(self, workspace_id: str, person_id: str) -> Onboarding | None: ...
    def latest_for(self, workspace_id: str, person_id: str) -> Onboarding | None: ...
    def list_active(self, workspace_id: str) -> list[Onboarding]: ...
    def set_status(self, workspace_id: str, onboarding_id: str, status: str) -> None: ...
    def add_steps(self, workspace_id: str, steps: Sequence[StepRun]) -> None: ...
    def steps(self, workspace_id: str, onboarding_id: str) -> list[StepRun]: ...
    def due_steps(self, now: datetime, limit: int = 500) -> list[tuple[str, StepRun]]: ...
    def mark_step(
        self, workspace_id: str, onboarding_id: str, step_id: str, status: StepStatus, when: datetime
    ) -> bool: ...
    def add_tasks(self, workspace_id: str, tasks: Sequence[TaskState]) -> None: ...
    def tasks(self, workspace_id: str, onboarding_id: str) -> list[TaskState]: ...
    def mark_task_done(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str, when: datetime
    ) -> bool: ...
    def set_task_reminder(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str,
        next_at: datetime | None,
    ) -> None: ...
    def due_reminders(self, now: datetime, limit: int = 500) -> list[tuple[str, TaskState]]: ...
    def record_reminder(
        self, workspace_id: str, onboarding_id: str, step_id: str, task_id: str,
        sent_before: int, next_at: datetime | None,
    ) -> bool: ...
    def save_checkin(self, workspace_id: str, checkin: CheckIn) -> None: ...
    def checkins(self, workspace_id: str, onboarding_id: str) -> list[CheckIn]: ...
    def add_help_request(self, workspace_id: str, request: HelpRequest) -> None: ...
    def help_requests(self, workspace_id: str, onboarding_id: str) -> list[HelpRequest]: ...


class Outbox(Protocol):
    """The durable outbox: adding is part of the caller's transaction."""

    def add(self, item: OutboundItem, now: datetime) -> bool:
        """Queue an item; False (and nothing queued) when its idempotency key is already used."""
        ...


class Events(Protocol):
    """Inbound platform events already handled (platforms retry; we de-duplicate)."""

    def first_time(self, workspace_id: str, event_id: str, now: datetime) -> bool:
        """Record the event id; True when it had not been seen before."""
        ...

    def seen(self, workspace_id: str, event_id: str) -> bool:
        """True when the event id has been recorded."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository; leaving without commit() rolls back."""

    workspaces: Workspaces
    people: People
    teams: Teams
    onboardings: Onboardings
    outbox: Outbox
    events: Events

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    """Makes a fresh unit of work."""

    def __call__(self) -> UnitOfWork: ...
