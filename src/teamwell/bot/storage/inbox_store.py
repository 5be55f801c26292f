"""The Slack inbox's storage: add verified requests in batches, claim them under a lease, drop.

A claim is a lease: a worker that dies mid-way leaves its rows to be claimed again once the
lease has passed, so a click is handled at least once (the handlers are idempotent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from teamwell.bot.storage.engine import make_session_factory
from teamwell.bot.storage.tables import SlackInboxRow

MAX_ATTEMPTS = 5


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A claimed request."""

    seq: int
    content_type: str
    body: str
    attempts: int


class InboxStore:
    """Rows of the slack_inbox table."""

    def __init__(self, engine: Engine) -> None:
        self._sessions: sessionmaker[Session] = make_session_factory(engine)

    def add_many(self, requests: Sequence[tuple[str, str]], now: datetime) -> None:
        """Store (content type, body) pairs in one transaction."""
        with self._sessions() as s, s.begin():
            s.execute(insert(SlackInboxRow), [
                {"received_at": now, "content_type": ctype, "body": body, "attempts": 0}
                for ctype, body in requests])

    def claim(self, now: datetime, lease: timedelta, limit: int) -> list[InboxItem]:
        """Take up to limit unclaimed (or abandoned) rows, oldest first, until now + lease."""
        with self._sessions() as s, s.begin():
            free = or_(SlackInboxRow.claimed_until.is_(None), SlackInboxRow.claimed_until < now)
            seqs = list(s.scalars(select(SlackInboxRow.seq).where(free)
                                  .order_by(SlackInboxRow.seq).limit(limit)))
            if not seqs:
                return []
            rows = s.execute(update(SlackInboxRow).where(SlackInboxRow.seq.in_(seqs), free)
                             .values(claimed_until=now + lease,
                                     attempts=SlackInboxRow.attempts + 1)
                             .returning(SlackInboxRow.seq, SlackInboxRow.content_type,
                                        SlackInboxRow.body, SlackInboxRow.attempts)).all()
        return sorted((InboxItem(*row) for row in rows), key=lambda item: item.seq)

    def done(self, seqs: Sequence[int]) -> None:
        """Forget handled rows."""
        if seqs:
            with self._sessions() as s, s.begin():
                s.execute(delete(SlackInboxRow).where(SlackInboxRow.seq.in_(seqs)))

    def release(self, seq: int) -> None:
        """Make a row available again at once (its handling failed in a way worth retrying)."""
        with self._sessions() as s, s.begin():
            s.execute(update(SlackInboxRow).where(SlackInboxRow.seq == seq)
                      .values(claimed_until=None))

    def waiting(self) -> int:
        """How many rows are stored (claimed or not)."""
        with self._sessions() as s:
            return int(s.scalar(select(func.count()).select_from(SlackInboxRow)) or 0)
