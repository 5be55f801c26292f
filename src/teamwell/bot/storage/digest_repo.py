"""Weekly digests sent and the check-ins they suggested, in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.serving import serving
from teamwell.bot.storage.tables import DigestSentRow, SuggestionRow
from teamwell.bot.storage.upsert import insert_ignore
from teamwell.core.suggestions import Kind, Status, Suggestion


def _suggestion(r: SuggestionRow) -> Suggestion:
    return Suggestion(r.id, r.workspace_id, r.manager_id, r.week, Kind(r.kind), r.target_kind,
                      r.target_id, r.topic, r.reason, r.starter, Status(r.status),
                      r.responded_at, r.remind_at)


class SqlDigests:
    """The Digests port."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def mark_sent(self, workspace_id: str, person_id: str, week: date, now: datetime) -> bool:
        """Record the person's digest for the week; False when it was already sent."""
        return insert_ignore(self.s, DigestSentRow, {"workspace_id": workspace_id,
                                                     "person_id": person_id, "week": week,
                                                     "sent_at": now})

    def add_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        """Store suggestions (existing ids are kept as they are)."""
        for x in suggestions:
            insert_ignore(self.s, SuggestionRow, {
                "workspace_id": x.workspace_id, "id": x.id, "manager_id": x.manager_id,
                "week": x.week, "kind": x.kind.value, "target_kind": x.target_kind,
                "target_id": x.target_id, "topic": x.topic, "reason": x.reason,
                "starter": x.starter, "status": x.status.value,
                "responded_at": x.responded_at, "remind_at": x.remind_at})

    def suggestion(self, workspace_id: str, suggestion_id: str) -> Suggestion | None:
        """One suggestion, or None."""
        row = self.s.get(SuggestionRow, (workspace_id, suggestion_id))
        return _suggestion(row) if row else None

    def respond(self, workspace_id: str, suggestion_id: str, status: Status, when: datetime,
                remind_at: datetime | None) -> bool:
        """Record the manager's answer; False when the suggestion is already done."""
        r = SuggestionRow
        result = self.s.execute(update(r).where(
            r.workspace_id == workspace_id, r.id == suggestion_id, r.status != Status.DONE.value,
        ).values(status=status.value, responded_at=when, remind_at=remind_at))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def due_reminders(self, now: datetime, limit: int = 200) -> list[Suggestion]:
        """Accepted suggestions whose reminder is due, across workspaces."""
        r = SuggestionRow
        q = select(r).where(r.status == Status.ACCEPTED.value, r.remind_at.is_not(None),
                            r.remind_at <= now, serving(r.workspace_id),
                            ).order_by(r.remind_at).limit(limit)
        return [_suggestion(row) for row in self.s.scalars(q)]

    def clear_reminder(self, workspace_id: str, suggestion_id: str) -> bool:
        """Take a due reminder (False when another tick took it)."""
        r = SuggestionRow
        result = self.s.execute(update(r).where(
            r.workspace_id == workspace_id, r.id == suggestion_id, r.remind_at.is_not(None),
        ).values(remind_at=None))
        return bool(result.rowcount)  # type: ignore[attr-defined]

    def follow_through(self, workspace_id: str,
                       manager_id: str | None = None) -> dict[str, dict[str, int]]:
        """Suggestions per kind and status (one manager's, or everyone's)."""
        r = SuggestionRow
        q = select(r.kind, r.status, func.count()).where(r.workspace_id == workspace_id)
        if manager_id is not None:
            q = q.where(r.manager_id == manager_id)
        out: dict[str, dict[str, int]] = {}
        for kind, status, n in self.s.execute(q.group_by(r.kind, r.status)):
            out.setdefault(str(kind), {})[str(status)] = int(n)
        return out
