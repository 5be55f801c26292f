"""The Slack inbox's storage: add verified requests in batches, claim them under a lease, drop.

A claim is a lease: a worker that dies mid-way leaves its rows to be claimed again once the
lease has passed, so a click is handled at least once (the handlers are idempotent).

Each row has a lane, its clicker. A claim never takes a row whose lane another claim holds
under a live lease, so one person's clicks are handled one batch at a time, in order, however
many processes handle clicks. On PostgreSQL claims take a transaction-scoped advisory lock:
without it two claims could each see the other's lanes as free (READ COMMITTED re-checks only
the rows an UPDATE touches, not the lanes it looked at).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, delete, func, insert, or_, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from teamwell.bot.storage.engine import make_session_factory
from teamwell.bot.storage.tables import SlackInboxRow

MAX_ATTEMPTS = 5
CLAIM_LOCK = 7_340_112_003  # PostgreSQL advisory lock key; see leader.LEADER_LOCK
Request = tuple[str, str] | tuple[str, str, str]  # content type, body[, lane]


@dataclass(frozen=True, slots=True)
class InboxItem:
    """A claimed request."""

    seq: int
    content_type: str
    body: str
    attempts: int
    lane: str


class InboxStore:
    """Rows of the slack_inbox table."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)

    def add_many(self, requests: Sequence[Request], now: datetime) -> None:
        """Store (content type, body[, lane]) requests in one transaction."""
        # Core, not an ORM session: this is the ack path, and a session costs more than the
        # insert on PostgreSQL.
        with self._engine.begin() as conn:
            conn.execute(insert(SlackInboxRow), [
                {"received_at": now, "content_type": r[0], "body": r[1], "attempts": 0,
                 "lane": r[2] if len(r) > 2 else ""} for r in requests])

    def claim(self, now: datetime, lease: timedelta, limit: int) -> list[InboxItem]:
        """Take up to limit unclaimed (or abandoned) rows, oldest first, until now + lease,
        from lanes that no live claim holds."""
        with self._sessions() as s, s.begin():
            if s.get_bind().dialect.name == "postgresql":
                s.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CLAIM_LOCK})
            free = or_(SlackInboxRow.claimed_until.is_(None), SlackInboxRow.claimed_until < now)
            held = select(SlackInboxRow.lane).where(SlackInboxRow.claimed_until >= now)
            seqs = list(s.scalars(select(SlackInboxRow.seq)
                                  .where(free, SlackInboxRow.lane.not_in(held))
                                  .order_by(SlackInboxRow.seq).limit(limit)))
            if not seqs:
                return []
            rows = s.execute(update(SlackInboxRow).where(SlackInboxRow.seq.in_(seqs), free)
                             .values(claimed_until=now + lease,
                                     attempts=SlackInboxRow.attempts + 1)
                             .returning(SlackInboxRow.seq, SlackInboxRow.content_type,
                                        SlackInboxRow.body, SlackInboxRow.attempts,
                                        SlackInboxRow.lane)).all()
        return sorted((InboxItem(*row) for row in rows), key=lambda item: item.seq)

    def done(self, seqs: Sequence[int]) -> None:
        """Forget handled rows."""
        if seqs:
            with self._sessions() as s, s.begin():
                s.execute(delete(SlackInboxRow).where(SlackInboxRow.seq.in_(seqs)))

    def release(self, seqs: Sequence[int]) -> None:
        """Make rows available again at once (handling failed in a way worth retrying)."""
        if seqs:
            with self._sessions() as s, s.begin():
                s.execute(update(SlackInboxRow).where(SlackInboxRow.seq.in_(seqs))
                          .values(claimed_until=None))

    def depth(self) -> tuple[int, datetime | None]:
        """How many rows are stored, and when the oldest of them arrived."""
        with self._sessions() as s:
            count, oldest = s.execute(select(func.count(),
                                             func.min(SlackInboxRow.received_at))).one()
        return int(count or 0), oldest

    def waiting(self) -> int:
        """How many rows are stored (claimed or not)."""
        with self._sessions() as s:
            return int(s.scalar(select(func.count()).select_from(SlackInboxRow)) or 0)
