"""The outbox sender's storage side: claim due rows under a lease, then record what happened.

A claimed row is `sending` with `claimed_until` set; that value doubles as the claim's fencing
token, so a sender whose lease ran out (and whose rows another sender took over) can no longer
change them. A `sending` row whose lease has passed is *in doubt*: its message may have been
posted, and the sender looks for it in Slack before posting again.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import OutboxRow, PersonAccountRow, WorkspaceAccountRow
from teamwell.bot.storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from teamwell.core.outbox import OutboxStatus
from teamwell.core.ports import UnitOfWork, UnitOfWorkFactory

# SqlUnitOfWorkFactory is named too: mypy does not (yet) see it as a UnitOfWorkFactory.
UowFactory = UnitOfWorkFactory | SqlUnitOfWorkFactory

PENDING, SENDING = OutboxStatus.PENDING.value, OutboxStatus.SENDING.value
SENT, FAILED = OutboxStatus.SENT.value, OutboxStatus.FAILED.value
EXPIRED = OutboxStatus.EXPIRED.value
UNFINISHED = (PENDING, SENDING)
LONG_AGO = datetime(2000, 1, 1, tzinfo=UTC)
ERROR_MAX = 500


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row this sender holds until lease_until (also the claim's fencing token)."""

    id: str
    seq: int
    workspace_id: str
    idempotency_key: str
    recipient_id: str | None
    channel: str | None
    replaces: str | None
    payload: str
    attempts: int
    not_before: datetime
    lease_until: datetime
    in_doubt: bool


@dataclass(frozen=True, slots=True)
class Recipient:
    """What the sender needs to reach a person."""

    person_id: str
    active: bool
    email: str | None
    slack_user_id: str | None  # the person's user id on this store's platform
    conversation_id: str | None
    conversation_ref: str | None = None  # Teams: the serialized ConversationReference


@dataclass(frozen=True, slots=True)
class Delivered:
    """Where an earlier item (the one an update replaces) stands."""

    status: str
    conversation_id: str | None
    message_ref: str | None


def _session_of(uow: UnitOfWork | SqlUnitOfWork) -> Session:
    session = getattr(uow, "session", None)
    if not isinstance(session, Session):
        raise TypeError("the outbox store needs SQL units of work")
    return session


@contextmanager
def _session(uow_factory: UowFactory) -> Iterator[Session]:
    with uow_factory() as uow:
        yield _session_of(uow)


def _fenced(claim: Claimed) -> ColumnElement[bool]:
    return and_(OutboxRow.id == claim.id, OutboxRow.status == SENDING,
                OutboxRow.claimed_until == claim.lease_until)


def _due(now: datetime) -> ColumnElement[bool]:
    return or_(and_(OutboxRow.status == PENDING, OutboxRow.not_before <= now),
               and_(OutboxRow.status == SENDING, OutboxRow.claimed_until < now))


def _in_lane(workspace_id: str, recipient_id: str | None,
             channel: str | None) -> ColumnElement[bool]:
    # Exactly one of recipient_id and channel is set.
    return and_(OutboxRow.workspace_id == workspace_id,
                OutboxRow.recipient_id == recipient_id if recipient_id is not None
                else OutboxRow.channel == channel)


def _lane(row: OutboxRow) -> tuple[str, str | None, str | None]:
    return row.workspace_id, row.recipient_id, row.channel


def _due_runs(rows: Iterable[OutboxRow], now: datetime) -> list[OutboxRow]:
    """Of unfinished rows in queue order, those before the first row of their lane not due."""
    taken: list[OutboxRow] = []
    stuck: set[tuple[str, str | None, str | None]] = set()
    for row in rows:
        lease = row.claimed_until
        due = row.not_before <= now if row.status == PENDING else bool(lease and lease < now)
        if due and _lane(row) not in stuck:
            taken.append(row)
        else:
            stuck.add(_lane(row))
    return taken


class OutboxStore:
    """Claims and updates outbox rows of one platform's workspaces."""

    def __init__(self, uow_factory: UowFactory, platform: str = "slack") -> None:
        self.uow_factory = uow_factory
        self.platform = platform

    def _ours(self) -> ColumnElement[bool]:
        return OutboxRow.workspace_id.in_(select(WorkspaceAccountRow.workspace_id).where(
            WorkspaceAccountRow.platform == self.platform))

    def claim_due(self, now: datetime, lease: timedelta, limit: int,
                  skip_workspaces: Collection[str] = ()) -> list[Claimed]:
        """Claim up to limit due or in-doubt rows, in queue order, until now + lease."""
        # Lanes (a person's DMs, a channel) are claimed whole, so that a row never goes out
        # before an earlier one of its lane, even with several senders: first the due rows that
        # head their lane, locked (SKIP LOCKED passes over another sender's; SQLite ignores it
        # and runs one claim at a time, BEGIN IMMEDIATE), then, read afresh and locked, the
        # rows of those lanes up to the first one that is not due.
        first = select(func.min(OutboxRow.seq)).where(OutboxRow.status.in_(UNFINISHED)).group_by(
            OutboxRow.workspace_id, OutboxRow.recipient_id, OutboxRow.channel)
        heads = select(OutboxRow.workspace_id, OutboxRow.recipient_id, OutboxRow.channel).where(
            OutboxRow.seq.in_(first), _due(now), self._ours())
        if skip_workspaces:
            heads = heads.where(OutboxRow.workspace_id.not_in(list(skip_workspaces)))
        heads = heads.order_by(OutboxRow.seq).limit(limit).with_for_update(
            skip_locked=True, of=OutboxRow)
        until = now + lease
        with _session(self.uow_factory) as s:
            lanes = [_in_lane(*lane) for lane in s.execute(heads)]
            rows = _due_runs(s.scalars(select(OutboxRow).where(
                OutboxRow.status.in_(UNFINISHED), or_(*lanes),
            ).order_by(OutboxRow.seq).limit(limit).with_for_update()), now) if lanes else []
            claimed = [Claimed(
                id=r.id, seq=r.seq, workspace_id=r.workspace_id,
                idempotency_key=r.idempotency_key, recipient_id=r.recipient_id,
                channel=r.channel, replaces=r.replaces, payload=r.payload, attempts=r.attempts,
                not_before=r.not_before, lease_until=until, in_doubt=r.status == SENDING,
            ) for r in rows]
            if rows:
                s.execute(update(OutboxRow).where(OutboxRow.seq.in_([r.seq for r in rows]))
                          .values(status=SENDING, claimed_until=until, platform=self.platform)
                          .execution_options(synchronize_session=False))
            s.commit()
        return claimed

    def renew(self, claims: Sequence[Claimed], until: datetime) -> set[str]:
        """Extend the lease of the claims still held; return the ids renewed."""
        renewed: set[str] = set()
        with _session(self.uow_factory) as s:
            for claim in claims:
                result = s.execute(update(OutboxRow).where(_fenced(claim))
                                   .values(claimed_until=until).returning(OutboxRow.id))
                renewed.update(result.scalars())
            s.commit()
        return renewed

    def _apply(self, claim: Claimed, **values: object) -> bool:
        with _session(self.uow_factory) as s:
            result = s.execute(update(OutboxRow).where(_fenced(claim)).values(**values)
                               .returning(OutboxRow.id))
            changed = result.first() is not None
            s.commit()
        return changed

    def mark_sent(self, claim: Claimed, conversation_id: str, message_ref: str,
                  now: datetime) -> bool:
        """Record delivery; False when the claim was lost to another sender."""
        return self._apply(claim, status=SENT, conversation_id=conversation_id,
                           message_ref=message_ref, sent_at=now, claimed_until=None)

    def reschedule(self, claim: Claimed, at: datetime, error: str | None, count: bool,
                   in_doubt: bool) -> bool:
        """Try again at `at`; in_doubt keeps the row `sending` so it is checked before posting."""
        values: dict[str, object] = {"attempts": claim.attempts + (1 if count else 0)}
        if error is not None:
            values["last_error"] = error[:ERROR_MAX]
        if in_doubt:
            # An expired claim is what marks a row in doubt; not_before stays the lower bound
            # of when its message can have been posted.
            values["claimed_until"] = at
        else:
            values.update(status=PENDING, not_before=at, claimed_until=None)
        return self._apply(claim, **values)

    def fail(self, claim: Claimed, error: str, in_doubt: bool = False) -> bool:
        """Give up on a row (in_doubt: its message may have been posted); the error is kept."""
        # A failed row that keeps claimed_until may have been posted: retried, it is in doubt.
        return self._apply(claim, status=FAILED, last_error=error[:ERROR_MAX],
                           attempts=claim.attempts + 1,
                           claimed_until=claim.lease_until if in_doubt else None)

    def recipient(self, workspace_id: str, person_id: str) -> Recipient | None:
        """The person's state and Slack account, or None when not in the directory."""
        with self.uow_factory() as uow:
            person = uow.people.get(workspace_id, person_id)
            if person is None:
                return None
            account = _session_of(uow).scalars(select(PersonAccountRow).where(
                PersonAccountRow.workspace_id == workspace_id,
                PersonAccountRow.person_id == person_id,
                PersonAccountRow.platform == self.platform)).first()
            return Recipient(person_id, person.active, person.email,
                             account.external_id if account else None,
                             account.conversation_id if account else None,
                             account.conversation_ref if account else None)

    def account_ids(self, workspace_id: str, person_ids: Collection[str]) -> dict[str, str]:
        """Platform user ids of the given people (for mentions), where linked."""
        if not person_ids:
            return {}
        with _session(self.uow_factory) as s:
            rows = s.execute(select(PersonAccountRow.person_id, PersonAccountRow.external_id)
                             .where(PersonAccountRow.workspace_id == workspace_id,
                                    PersonAccountRow.platform == self.platform,
                                    PersonAccountRow.person_id.in_(list(person_ids))))
            return {person_id: external_id for person_id, external_id in rows}

    def link_account(self, workspace_id: str, person_id: str, external_id: str) -> bool:
        """Link a person to a platform user found for them; False if that user is taken."""
        with self.uow_factory() as uow:
            uow.people.link_account(workspace_id, person_id, self.platform, external_id)
            linked = uow.people.account_of(workspace_id, person_id, self.platform)
            uow.commit()
        return linked == external_id

    def remember_conversation(self, workspace_id: str, external_id: str,
                              conversation_id: str, reference: str | None = None) -> bool:
        """Cache the DM channel of a platform user (and, on Teams, its conversation reference);
        False when that user is not linked to anyone."""
        values: dict[str, str] = {"conversation_id": conversation_id}
        if reference is not None:
            values["conversation_ref"] = reference
        with _session(self.uow_factory) as s:
            done = s.execute(update(PersonAccountRow).where(
                PersonAccountRow.workspace_id == workspace_id,
                PersonAccountRow.platform == self.platform,
                PersonAccountRow.external_id == external_id,
            ).values(**values))
            s.commit()
        return bool(getattr(done, "rowcount", 0))

    def delivered(self, workspace_id: str, idempotency_key: str) -> Delivered | None:
        """The state of the item with this key (the one an update replaces), or None."""
        with _session(self.uow_factory) as s:
            row = s.execute(select(OutboxRow.status, OutboxRow.conversation_id,
                                   OutboxRow.message_ref).where(
                OutboxRow.workspace_id == workspace_id,
                OutboxRow.idempotency_key == idempotency_key)).first()
        return Delivered(row[0], row[1], row[2]) if row else None

    def next_due(self) -> datetime | None:
        """When the earliest pending or sending row of this platform falls due; None if none."""
        with _session(self.uow_factory) as s:
            times = [s.scalar(select(func.min(column)).where(OutboxRow.status == status,
                                                             self._ours()))
                     for status, column in ((PENDING, OutboxRow.not_before),
                                            (SENDING, OutboxRow.claimed_until))]
        return min((t for t in times if t is not None), default=None)


def status_counts(uow_factory: UowFactory, workspace_id: str | None = None
                  ) -> dict[str, int]:
    """How many outbox rows are in each status (one workspace, or all)."""
    query = select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
    if workspace_id is not None:
        query = query.where(OutboxRow.workspace_id == workspace_id)
    with _session(uow_factory) as s:
        return {status: int(n) for status, n in s.execute(query)}


def retry_failed(uow_factory: UowFactory, workspace_id: str | None = None) -> int:
    """Queue failed rows again, those that may have been posted in doubt; return how many."""
    stmt = update(OutboxRow).where(OutboxRow.status == FAILED)
    if workspace_id is not None:
        stmt = stmt.where(OutboxRow.workspace_id == workspace_id)
    maybe_posted = OutboxRow.claimed_until.is_not(None)
    with _session(uow_factory) as s:
        count = len(s.execute(stmt.where(maybe_posted).values(
            status=SENDING, attempts=0, claimed_until=LONG_AGO).returning(OutboxRow.id)).all())
        count += len(s.execute(stmt.where(~maybe_posted).values(
            status=PENDING, attempts=0).returning(OutboxRow.id)).all())
        s.commit()
    return count
