"""Repositories for workspaces, people, teams, processed events and the outbox."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import (
    OutboxRow,
    PersonAccountRow,
    PersonRow,
    ProcessedEventRow,
    TeamRow,
    WorkspaceAccountRow,
    WorkspaceRow,
)
from teamwell.bot.storage.upsert import insert_ignore
from teamwell.core.messages import to_json
from teamwell.core.outbox import OutboundItem, OutboxStatus
from teamwell.core.people import Person, Role, Team


def new_id() -> str:
    """A fresh opaque id."""
    return uuid.uuid4().hex


class SqlWorkspaces:
    def __init__(self, session: Session) -> None:
        self.s = session

    def ensure(self, platform: str, external_id: str, name: str) -> str:
        """Return the record, creating it when new (safe when two callers race)."""
        found = self.find(platform, external_id)
        if found:
            return found
        workspace_id = new_id()
        self.s.add(WorkspaceRow(id=workspace_id, name=name, created_at=datetime.now(UTC)))
        self.s.flush()
        if not insert_ignore(self.s, WorkspaceAccountRow, {
            "platform": platform, "external_id": external_id, "workspace_id": workspace_id,
        }):
            winner = self.find(platform, external_id)
            assert winner is not None
            return winner
        return workspace_id

    def find(self, platform: str, external_id: str) -> str | None:
        """The workspace id for a platform workspace, or None."""
        row = self.s.get(WorkspaceAccountRow, (platform, external_id))
        return row.workspace_id if row else None

    def all_ids(self) -> list[str]:
        """Every workspace Teamwell serves (not those uninstalled)."""
        return list(self.s.scalars(select(WorkspaceRow.id).where(
            WorkspaceRow.uninstalled_at.is_(None)).order_by(WorkspaceRow.id)))


def _to_person(row: PersonRow) -> Person:
    return Person(
        id=row.id, workspace_id=row.workspace_id, name=row.name, email=row.email,
        team_id=row.team_id, manager_id=row.manager_id, buddy_id=row.buddy_id,
        start_date=row.start_date, birthday=row.birthday, timezone=row.timezone,
        locale=row.locale, roles=frozenset(Role(r) for r in row.roles.split(",") if r),
        active=row.active, introduced_at=row.introduced_at,
    )


class SqlPeople:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, workspace_id: str, person_id: str) -> Person | None:
        """The record with this id in the workspace, or None."""
        row = self.s.get(PersonRow, (workspace_id, person_id))
        return _to_person(row) if row else None

    def by_email(self, workspace_id: str, email: str) -> Person | None:
        """The person with this email (case-insensitive), or None."""
        row = self.s.scalars(select(PersonRow).where(
            PersonRow.workspace_id == workspace_id, PersonRow.email == email.strip().lower()
        )).first()
        return _to_person(row) if row else None

    def by_account(self, workspace_id: str, platform: str, external_id: str) -> Person | None:
        """The person linked to this platform account, or None."""
        acct = self.s.get(PersonAccountRow, (workspace_id, platform, external_id))
        return self.get(workspace_id, acct.person_id) if acct else None

    def account_of(self, workspace_id: str, person_id: str, platform: str) -> str | None:
        """The person's account id on a platform, or None."""
        return self.s.scalars(select(PersonAccountRow.external_id).where(
            PersonAccountRow.workspace_id == workspace_id,
            PersonAccountRow.person_id == person_id, PersonAccountRow.platform == platform,
        )).first()

    def link_account(self, workspace_id: str, person_id: str, platform: str, external_id: str) -> None:
        """Link a platform account to a person (linking twice is harmless)."""
        insert_ignore(self.s, PersonAccountRow, {
            "workspace_id": workspace_id, "platform": platform, "external_id": external_id,
            "person_id": person_id,
        })

    def save(self, person: Person) -> None:
        """Insert or update the record."""
        row = self.s.get(PersonRow, (person.workspace_id, person.id))
        if row is None:
            row = PersonRow(workspace_id=person.workspace_id, id=person.id)
            self.s.add(row)
        row.name = person.name
        row.email = person.email.strip().lower() if person.email else None
        row.team_id = person.team_id
        row.manager_id = person.manager_id
        row.buddy_id = person.buddy_id
        row.start_date = person.start_date
        row.birthday = person.birthday
        row.timezone = person.timezone
        row.locale = person.locale
        row.roles = ",".join(sorted(r.value for r in person.roles))
        row.active = person.active
        row.introduced_at = person.introduced_at
        if person.active:
            row.inactive_since = None  # back again: the retention clock restarts if they leave
        self.s.flush()

    def reports_of(self, workspace_id: str, manager_id: str) -> list[Person]:
        """Active people whose manager is manager_id."""
        q = select(PersonRow).where(
            PersonRow.workspace_id == workspace_id, PersonRow.manager_id == manager_id,
            PersonRow.active.is_(True),
        )
        return [_to_person(r) for r in self.s.scalars(q.order_by(PersonRow.name))]

    def in_team(self, workspace_id: str, team_id: str) -> list[Person]:
        """Active people in a team."""
        q = select(PersonRow).where(
            PersonRow.workspace_id == workspace_id, PersonRow.team_id == team_id,
            PersonRow.active.is_(True),
        )
        return [_to_person(r) for r in self.s.scalars(q.order_by(PersonRow.name))]

    def names(self, workspace_id: str) -> list[str]:
        """Every name in the workspace's directory, past people included (for redaction)."""
        return list(self.s.scalars(select(PersonRow.name).where(
            PersonRow.workspace_id == workspace_id)))

    # Declared last: inside the class body, a method named list shadows the builtin.
    def list(self, workspace_id: str, active_only: bool = True) -> list[Person]:
        """Every record of the workspace (people: active ones unless told otherwise)."""
        q = select(PersonRow).where(PersonRow.workspace_id == workspace_id)
        if active_only:
            q = q.where(PersonRow.active.is_(True))
        return [_to_person(r) for r in self.s.scalars(q.order_by(PersonRow.name, PersonRow.id))]


def _to_team(row: TeamRow) -> Team:
    return Team(id=row.id, workspace_id=row.workspace_id, name=row.name, parent_id=row.parent_id)


class SqlTeams:
    def __init__(self, session: Session) -> None:
        self.s = session

    def get(self, workspace_id: str, team_id: str) -> Team | None:
        """The record with this id in the workspace, or None."""
        row = self.s.get(TeamRow, (workspace_id, team_id))
        return _to_team(row) if row else None

    def by_name(self, workspace_id: str, name: str) -> Team | None:
        """The team with this name, or None."""
        row = self.s.scalars(select(TeamRow).where(
            TeamRow.workspace_id == workspace_id, TeamRow.name == name.strip()
        )).first()
        return _to_team(row) if row else None

    def ensure(self, workspace_id: str, name: str) -> Team:
        """Return the record, creating it when new (safe when two callers race)."""
        insert_ignore(self.s, TeamRow, {"workspace_id": workspace_id, "id": new_id(),
                                        "name": name.strip()})
        team = self.by_name(workspace_id, name)
        assert team is not None
        return team

    def list(self, workspace_id: str) -> list[Team]:
        """Every record of the workspace (people: active ones unless told otherwise)."""
        q = select(TeamRow).where(TeamRow.workspace_id == workspace_id).order_by(TeamRow.name)
        return [_to_team(r) for r in self.s.scalars(q)]


class SqlOutbox:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, item: OutboundItem, now: datetime) -> bool:
        """Insert the record unless it exists; True when inserted."""
        return insert_ignore(self.s, OutboxRow, {
            "id": new_id(), "workspace_id": item.workspace_id,
            "idempotency_key": item.idempotency_key, "recipient_id": item.recipient_id,
            "channel": item.channel, "replaces": item.replaces,
            "payload": json.dumps(to_json(item.message), separators=(",", ":")),
            "status": OutboxStatus.PENDING.value, "attempts": 0,
            "not_before": item.not_before or now, "created_at": now,
        })


class SqlEvents:
    def __init__(self, session: Session) -> None:
        self.s = session

    def first_time(self, workspace_id: str, event_id: str, now: datetime) -> bool:
        """Record the event id; True when it had not been seen before."""
        return insert_ignore(self.s, ProcessedEventRow, {
            "workspace_id": workspace_id, "event_id": event_id, "seen_at": now,
        })

    def seen(self, workspace_id: str, event_id: str) -> bool:
        """True when the event id has been recorded."""
        return self.s.get(ProcessedEventRow, (workspace_id, event_id)) is not None
