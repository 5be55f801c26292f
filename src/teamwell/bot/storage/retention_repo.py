"""Deleting what has expired, in SQL, across workspaces (the nightly retention job's storage)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.comment_scores_repo import SqlCommentScores
from teamwell.bot.storage.tables import (
    OutboxRow,
    PersonAccountRow,
    PersonRow,
    ProcessedEventRow,
    SlackInboxRow,
)
from teamwell.core.outbox import OutboxStatus
from teamwell.core.retention import TOMBSTONE


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class SqlRetention:
    def __init__(self, session: Session) -> None:
        self.s = session

    def _purge_after_commit(self) -> None:
        # Old row versions of what was deleted are purged once the run commits (purge.py).
        self.s.info.setdefault("after_commit", set()).add("purge_retention")

    def mark_inactive(self, now: datetime) -> int:
        """Stamp inactive people who have no inactive_since yet with now."""
        p = PersonRow
        # Someone reactivated by a path that did not clear the stamp starts afresh next time.
        self.s.execute(update(p).where(p.active.is_(True), p.inactive_since.is_not(None))
                       .values(inactive_since=None))
        return _count(self.s.execute(update(p).where(p.active.is_(False),
                                                     p.inactive_since.is_(None))
                                     .values(inactive_since=now)))

    def expire_comment_text(self, pulse_weeks_before: date, checkins_before: datetime) -> int:
        """Delete comment text past retention (scores stay)."""
        done = SqlCommentScores(self.s).forget_text(pulse_weeks_before, checkins_before)
        if done:
            self._purge_after_commit()
        return done

    def expire_messages(self, before: datetime) -> int:
        """Empty sent outbox rows sent, and failed rows queued, before then (keys stay)."""
        o = OutboxRow
        # A sent row keeps its platform reference: a later update edits that message in place.
        sent = self.s.execute(update(o).where(
            o.status == OutboxStatus.SENT.value, o.sent_at < before,
            or_(o.payload != TOMBSTONE, o.last_error.is_not(None)),
        ).values(payload=TOMBSTONE, last_error=None))
        # A failed row can no longer be retried: it becomes expired, which nothing sends.
        failed = self.s.execute(update(o).where(
            o.status == OutboxStatus.FAILED.value, o.created_at < before,
        ).values(status=OutboxStatus.EXPIRED.value, payload=TOMBSTONE, last_error=None,
                 conversation_id=None, message_ref=None, claimed_until=None))
        changed = _count(sent) + _count(failed)
        if changed:
            self._purge_after_commit()
        return changed

    def expire_events(self, before: datetime) -> int:
        """Delete processed event ids seen before then."""
        return _count(self.s.execute(delete(ProcessedEventRow).where(
            ProcessedEventRow.seen_at < before)))

    def expire_inbox(self, before: datetime) -> int:
        """Delete stored Slack clicks received before then."""
        done = _count(self.s.execute(delete(SlackInboxRow).where(
            SlackInboxRow.received_at < before)))
        if done:
            self._purge_after_commit()
        return done

    def forget_references(self, inactive_before: datetime) -> int:
        """Clear the conversation ids and references of people inactive since before then."""
        a, p = PersonAccountRow, PersonRow
        left = exists().where(p.workspace_id == a.workspace_id, p.id == a.person_id,
                              p.active.is_(False), p.inactive_since < inactive_before)
        done = _count(self.s.execute(update(a).where(
            left, or_(a.conversation_id.is_not(None), a.conversation_ref.is_not(None)),
        ).values(conversation_id=None, conversation_ref=None)))
        if done:
            self._purge_after_commit()
        return done

    def departed(self, inactive_before: datetime) -> list[tuple[str, str]]:
        """(workspace id, person id) of people inactive since before then."""
        p = PersonRow
        q = (select(p.workspace_id, p.id)
             .where(p.active.is_(False), p.inactive_since < inactive_before)
             .order_by(p.workspace_id, p.inactive_since, p.id))
        return [(ws, pid) for ws, pid in self.s.execute(q)]
