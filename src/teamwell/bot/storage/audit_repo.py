"""The append-only audit log and its pseudonym mapping, in SQL.

There is deliberately no method that updates or deletes an entry; the database refuses both
anyway (triggers from migration 0007).
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from teamwell.bot.storage.audit_tables import AuditLogRow, AuditPseudonymRow
from teamwell.bot.storage.upsert import insert_ignore
from teamwell.core.audit import Action, AuditEntry


def _entry(row: AuditLogRow) -> AuditEntry:
    detail: dict[str, Any] = json.loads(row.detail or "{}")
    return AuditEntry(row.workspace_id, row.at, row.actor, Action(row.action), row.subject,
                      detail, row.id)


class SqlAuditLog:
    """The AuditLog port."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def add(self, entry: AuditEntry) -> None:
        """Append an entry (part of the caller's transaction)."""
        self.s.add(AuditLogRow(
            workspace_id=entry.workspace_id, at=entry.at, actor=entry.actor,
            action=entry.action.value, subject=entry.subject,
            detail=json.dumps(dict(entry.detail), separators=(",", ":"), sort_keys=True)))
        self.s.flush()

    def pseudonym(self, workspace_id: str, person_id: str) -> str:
        """The person's pseudonym, created (random) on first use."""
        # Random, not derived from the id: once the mapping row is gone nothing can recompute it.
        insert_ignore(self.s, AuditPseudonymRow, {"workspace_id": workspace_id,
                                                  "person_id": person_id,
                                                  "pseudonym": secrets.token_hex(8)})
        found = self.s.scalars(select(AuditPseudonymRow.pseudonym).where(
            AuditPseudonymRow.workspace_id == workspace_id,
            AuditPseudonymRow.person_id == person_id)).one()
        return str(found)

    def people_of(self, workspace_id: str, pseudonyms: Sequence[str]) -> dict[str, str]:
        """Person ids of the pseudonyms that still map to someone."""
        if not pseudonyms:
            return {}
        r = AuditPseudonymRow
        rows = self.s.execute(select(r.pseudonym, r.person_id).where(
            r.workspace_id == workspace_id, r.pseudonym.in_(sorted(set(pseudonyms)))))
        return {str(p): str(person) for p, person in rows}

    def forget(self, workspace_id: str, person_id: str) -> bool:
        """Delete the person's pseudonym mapping (erasure); True when there was one."""
        r = AuditPseudonymRow
        gone = self.s.execute(delete(r).where(r.workspace_id == workspace_id,
                                              r.person_id == person_id).returning(r.pseudonym))
        return gone.first() is not None

    def list(self, workspace_id: str, since: datetime | None = None,
             action: Action | None = None) -> list[AuditEntry]:
        """Entries of the workspace at or after since, oldest first."""
        r = AuditLogRow
        q = select(r).where(r.workspace_id == workspace_id)
        if since is not None:
            q = q.where(r.at >= since)
        if action is not None:
            q = q.where(r.action == action.value)
        return [_entry(row) for row in self.s.scalars(q.order_by(r.at, r.id))]
