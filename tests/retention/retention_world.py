"""A database holding, for each retention limit, one row a second past it and one a second short.

Limits used: comments 30 days, delivered messages 10 days, people who left 20 days, and the fixed
week for event ids, stored clicks and conversation references. "old" rows have expired, "new"
rows have not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from teamwell.bot.storage.tables import (
    Base,
    CheckInRow,
    OutboxRow,
    PersonAccountRow,
    PersonRow,
    ProcessedEventRow,
    PulseCommentRow,
    PulseRoundRow,
    SlackInboxRow,
)
from teamwell.bot.storage.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.messages import say
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person
from teamwell.core.retention import RetentionConfig
from teamwell.handlers.deps import Deps
from teamwell.surveys.onboarding import load_library

NOW = datetime(2026, 6, 1, 3, 30, tzinfo=UTC)  # a Monday, at the nightly job's time
LIMITS = RetentionConfig(comment_days=30, message_days=10, departed_days=20)
SECOND = timedelta(seconds=1)
WEEK = timedelta(days=7)
# The comment cut-off (1 May, 03:30) falls in the week of Monday 27 April: that week stays.
OLD_WEEK, KEPT_WEEK = date(2026, 4, 20), date(2026, 4, 27)
TABLES = ("outbox", "processed_events", "slack_inbox", "onboarding_checkins", "pulse_comments",
          "people", "person_accounts")


@dataclass
class RetentionWorld:
    """The seeded database, its workspace and deps whose clock reads NOW."""

    ws: str
    deps: Deps
    factory: SqlUnitOfWorkFactory

    def snapshot(self) -> dict[str, list[tuple[object, ...]]]:
        """Every row of every table retention touches, as sorted tuples."""
        out: dict[str, list[tuple[object, ...]]] = {}
        with self.factory() as uow:
            for name in TABLES:
                rows = uow.session.execute(select(Base.metadata.tables[name])).all()
                out[name] = sorted((tuple(r) for r in rows), key=repr)
        return out

    def outbox(self) -> dict[str, tuple[str, str, str | None, str | None]]:
        """Outbox rows by key: (status, payload, last error, message ref)."""
        with self.factory() as uow:
            rows = uow.session.scalars(select(OutboxRow)).all()
            return {r.idempotency_key: (r.status, r.payload, r.last_error, r.message_ref)
                    for r in rows}


def _message(uow: SqlUnitOfWork, ws: str, key: str, status: str, at: datetime) -> None:
    uow.outbox.add(OutboundItem(ws, key, say(f"the words of {key}"), recipient_id="here"), at)
    uow.session.execute(update(OutboxRow).where(OutboxRow.idempotency_key == key).values(
        status=status, sent_at=at if status == "sent" else None,
        last_error="channel_not_found" if status == "failed" else None,
        conversation_id="D1" if status == "sent" else None,
        message_ref="1.0" if status == "sent" else None))


def _person(uow: SqlUnitOfWork, ws: str, pid: str, since: datetime | None,
            active: bool) -> None:
    uow.people.save(Person(pid, ws, pid.title(), email=f"{pid}@acme.test", active=active))
    uow.session.execute(update(PersonRow).where(PersonRow.id == pid)
                        .values(inactive_since=since))
    uow.session.add(PersonAccountRow(workspace_id=ws, platform="teams", external_id=f"29:{pid}",
                                 person_id=pid, conversation_id=f"a:{pid}",
                                 conversation_ref='{"conversation": {"id": "a"}}'))


def build_retention_world(factory: SqlUnitOfWorkFactory) -> RetentionWorld:
    """One row a second each side of every limit (see the module docstring)."""
    messages, departed = NOW - timedelta(days=10), NOW - timedelta(days=20)
    comments = NOW - timedelta(days=30)
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        _message(uow, ws, "sent-old", "sent", messages - SECOND)
        _message(uow, ws, "sent-new", "sent", messages + SECOND)
        _message(uow, ws, "failed-old", "failed", messages - SECOND)
        _message(uow, ws, "failed-new", "failed", messages + SECOND)
        _message(uow, ws, "pending-old", "pending", NOW - timedelta(days=400))
        for name, at in (("old", NOW - WEEK - SECOND), ("new", NOW - WEEK + SECOND)):
            uow.session.add(ProcessedEventRow(workspace_id=ws, event_id=f"Ev-{name}",
                                              seen_at=at))
            uow.session.add(SlackInboxRow(received_at=at, content_type="application/json",
                                          body=f'{{"click": "{name}"}}', attempts=0))
            uow.session.add(CheckInRow(workspace_id=ws, onboarding_id=f"onb-{name}",
                                       step_id="day-30", score=4, comment=f"check-in {name}",
                                       sentiment=0.5, sentiment_label="positive", stress=False,
                                       answered_at=comments - SECOND if name == "old"
                                       else comments + SECOND))
        for name, week in (("old", OLD_WEEK), ("new", KEPT_WEEK)):
            opened = datetime.combine(week, datetime.min.time(), tzinfo=UTC)
            uow.session.add(PulseRoundRow(workspace_id=ws, id=f"round-{name}", scope="*",
                                          week=week, question_ids="q1", opened_at=opened,
                                          closes_at=opened + timedelta(days=3),
                                          status="closed"))
            uow.session.add(PulseCommentRow(workspace_id=ws, round_id=f"round-{name}",
                                            token="t" * 64, team_id="team",
                                            body=f"pulse comment {name}", sentiment=0.1,
                                            sentiment_label="neutral", stress=False))
        _person(uow, ws, "gone-old", departed - SECOND, active=False)
        _person(uow, ws, "gone-new", departed + SECOND, active=False)
        _person(uow, ws, "gone-fresh", NOW - WEEK + SECOND, active=False)
        _person(uow, ws, "left-today", None, active=False)
        _person(uow, ws, "here", NOW - timedelta(days=99), active=True)  # came back
        uow.commit()
    deps = Deps(uow=factory, clock=FakeClock(NOW), sequences=load_library(), retention=LIMITS)
    return RetentionWorld(ws, deps, factory)
