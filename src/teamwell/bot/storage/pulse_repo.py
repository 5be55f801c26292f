"""Pulse rounds, invitations, anonymous answers and comments, in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from sqlalchemy import ColumnElement, Table, and_, delete, insert, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.pulse_figures import PulseFigureQueries
from teamwell.bot.storage.serving import serving
from teamwell.bot.storage.tables import (
    PulseAnswerRow,
    PulseCommentRow,
    PulseInviteRow,
    PulsePreferenceRow,
    PulseRoundKeyRow,
    PulseRoundRow,
    PulseScheduleRow,
)
from teamwell.bot.storage.upsert import insert_ignore, upsert
from teamwell.core.pulse import (
    InviteStatus,
    PulseAnswer,
    PulseInvite,
    PulsePreference,
    PulseRound,
    RoundStatus,
)


def _to_round(row: PulseRoundRow) -> PulseRound:
    return PulseRound(
        id=row.id, workspace_id=row.workspace_id, scope=row.scope, week=row.week,
        question_ids=tuple(q for q in row.question_ids.split(",") if q),
        opened_at=row.opened_at, closes_at=row.closes_at, status=RoundStatus(row.status),
    )


def _to_invite(row: PulseInviteRow) -> PulseInvite:
    return PulseInvite(
        round_id=row.round_id, person_id=row.person_id, team_id=row.team_id, week=row.week,
        invite_at=row.invite_at, remind_at=row.remind_at, status=InviteStatus(row.status),
        reminded=row.reminded,
    )


class SqlPulses(PulseFigureQueries):
    def __init__(self, session: Session) -> None:
        self.s = session

    def add_round(self, pulse: PulseRound, key: bytes) -> bool:
        """Store a round and its token key; False when the scope already has a round that week."""
        added = insert_ignore(self.s, PulseRoundRow, {
            "workspace_id": pulse.workspace_id, "id": pulse.id, "scope": pulse.scope,
            "week": pulse.week, "question_ids": ",".join(pulse.question_ids),
            "opened_at": pulse.opened_at, "closes_at": pulse.closes_at,
            "status": pulse.status.value,
        })
        if added:
            self.s.add(PulseRoundKeyRow(workspace_id=pulse.workspace_id, round_id=pulse.id,
                                        key=key.hex()))
            self.s.flush()
        return added

    def get_round(self, workspace_id: str, round_id: str) -> PulseRound | None:
        """The round with this id, or None."""
        row = self.s.get(PulseRoundRow, (workspace_id, round_id))
        return _to_round(row) if row else None

    def rounds_in_week(self, workspace_id: str, week: date) -> list[PulseRound]:
        """Every round of the workspace whose period is that week."""
        q = select(PulseRoundRow).where(PulseRoundRow.workspace_id == workspace_id,
                                        PulseRoundRow.week == week)
        return [_to_round(r) for r in self.s.scalars(q.order_by(PulseRoundRow.opened_at))]

    def round_key(self, workspace_id: str, round_id: str) -> bytes | None:
        """The open round's token key, or None once it is closed."""
        row = self.s.get(PulseRoundKeyRow, (workspace_id, round_id))
        return bytes.fromhex(row.key) if row else None

    def add_invites(self, workspace_id: str, invites: Sequence[PulseInvite]) -> int:
        """Store invitations, skipping anyone already asked that week; returns how many stored."""
        stored = 0
        for inv in invites:
            stored += insert_ignore(self.s, PulseInviteRow, {
                "workspace_id": workspace_id, "round_id": inv.round_id,
                "person_id": inv.person_id, "team_id": inv.team_id, "week": inv.week,
                "invite_at": inv.invite_at, "remind_at": inv.remind_at,
                "status": inv.status.value, "reminded": inv.reminded,
            })
        return stored

    def invite(self, workspace_id: str, round_id: str, person_id: str) -> PulseInvite | None:
        """One person's invitation to a round, or None."""
        row = self.s.get(PulseInviteRow, (workspace_id, round_id, person_id))
        return _to_invite(row) if row else None

    def invites(self, workspace_id: str, round_id: str) -> list[PulseInvite]:
        """Every invitation of a round."""
        q = select(PulseInviteRow).where(PulseInviteRow.workspace_id == workspace_id,
                                         PulseInviteRow.round_id == round_id)
        return [_to_invite(r) for r in self.s.scalars(q.order_by(PulseInviteRow.person_id))]

    def latest_invite(self, workspace_id: str, person_id: str) -> PulseInvite | None:
        """The person's most recent sent invitation, or None."""
        row = self.s.scalars(select(PulseInviteRow).where(
            PulseInviteRow.workspace_id == workspace_id, PulseInviteRow.person_id == person_id,
            PulseInviteRow.status == InviteStatus.SENT.value,
        ).order_by(PulseInviteRow.week.desc(), PulseInviteRow.invite_at.desc())).first()
        return _to_invite(row) if row else None

    def _open_join(self) -> ColumnElement[bool]:
        return and_(PulseRoundRow.workspace_id == PulseInviteRow.workspace_id,
                    PulseRoundRow.id == PulseInviteRow.round_id,
                    PulseRoundRow.status == RoundStatus.OPEN.value)

    def due_invites(self, now: datetime, limit: int = 200) -> list[tuple[str, PulseInvite]]:
        """Pending invitations due by now in open rounds, across workspaces."""
        q = (select(PulseInviteRow).join(PulseRoundRow, self._open_join())
             .where(PulseInviteRow.status == InviteStatus.PENDING.value,
                    PulseInviteRow.invite_at <= now, PulseRoundRow.closes_at > now,
                    serving(PulseInviteRow.workspace_id))
             .order_by(PulseInviteRow.invite_at).limit(limit))
        return [(r.workspace_id, _to_invite(r)) for r in self.s.scalars(q)]

    def mark_invite(self, workspace_id: str, round_id: str, person_id: str,
                    status: InviteStatus) -> bool:
        """Move a pending invitation to sent or skipped; False when someone else did."""
        return self._cas(workspace_id, round_id, person_id,
                         PulseInviteRow.status == InviteStatus.PENDING.value,
                         {"status": status.value})

    def due_reminders(self, now: datetime, limit: int = 200) -> list[tuple[str, PulseInvite]]:
        """Sent, not yet reminded invitations whose reminder is due, in open rounds."""
        q = (select(PulseInviteRow).join(PulseRoundRow, self._open_join())
             .where(PulseInviteRow.reminded.is_(False), PulseInviteRow.remind_at <= now,
                    PulseInviteRow.status == InviteStatus.SENT.value,
                    PulseRoundRow.closes_at > now, serving(PulseInviteRow.workspace_id))
             .order_by(PulseInviteRow.remind_at).limit(limit))
        return [(r.workspace_id, _to_invite(r)) for r in self.s.scalars(q)]

    def mark_reminded(self, workspace_id: str, round_id: str, person_id: str) -> bool:
        """Record that the one reminder was dealt with; False when someone else did."""
        return self._cas(workspace_id, round_id, person_id, PulseInviteRow.reminded.is_(False),
                         {"reminded": True})

    def _cas(self, workspace_id: str, round_id: str, person_id: str, condition: object,
             values: dict[str, object]) -> bool:
        stmt = (update(PulseInviteRow).where(
            PulseInviteRow.workspace_id == workspace_id, PulseInviteRow.round_id == round_id,
            PulseInviteRow.person_id == person_id, condition,  # type: ignore[arg-type]
        ).values(**values).returning(PulseInviteRow.person_id))
        return self.s.execute(stmt).first() is not None

    def due_closes(self, now: datetime) -> list[PulseRound]:
        """Open rounds whose closing time has come, across workspaces."""
        q = select(PulseRoundRow).where(PulseRoundRow.status == RoundStatus.OPEN.value,
                                        PulseRoundRow.closes_at <= now)
        return [_to_round(r) for r in self.s.scalars(q.order_by(PulseRoundRow.closes_at))]

    def close_round(self, workspace_id: str, round_id: str) -> bool:
        """Close a round: destroy its key and rewrite its answers in token order."""
        closed = self.s.execute(update(PulseRoundRow).where(
            PulseRoundRow.workspace_id == workspace_id, PulseRoundRow.id == round_id,
            PulseRoundRow.status == RoundStatus.OPEN.value,
        ).values(status=RoundStatus.CLOSED.value).returning(PulseRoundRow.id)).first()
        if closed is None:
            return False
        self.s.execute(delete(PulseRoundKeyRow).where(
            PulseRoundKeyRow.workspace_id == workspace_id, PulseRoundKeyRow.round_id == round_id))
        for model in (PulseAnswerRow, PulseCommentRow):
            self._rewrite_in_token_order(model, workspace_id, round_id)
        # After the commit, dead row versions holding the key and the old order are purged.
        self.s.info.setdefault("after_commit", set()).add("purge_pulse_history")
        return True

    def _rewrite_in_token_order(self, model: type[PulseAnswerRow] | type[PulseCommentRow],
                                workspace_id: str, round_id: str) -> None:
        # Rows written one by one keep their arrival order in storage (PostgreSQL's ctid and
        # xmin); rewritten together in token order, they all share one transaction and an
        # order that says nothing about who answered when.
        table: Table = model.__table__  # type: ignore[assignment]
        where = (table.c.workspace_id == workspace_id, table.c.round_id == round_id)
        rows = [dict(r._mapping) for r in self.s.execute(
            select(table).where(*where).order_by(*table.primary_key.columns))]
        if not rows:
            return
        self.s.execute(delete(table).where(*where))
        self.s.execute(insert(table), rows)

    def save_answer(self, workspace_id: str, answer: PulseAnswer) -> None:
        """Store an answer; a new one for the same token and question replaces the old."""
        upsert(self.s, PulseAnswerRow, {
            "workspace_id": workspace_id, "round_id": answer.round_id, "token": answer.token,
            "question_id": answer.question_id, "dimension": answer.dimension,
            "team_id": answer.team_id, "answered_on": answer.answered_on, "value": answer.value,
        })

    def answers_of(self, workspace_id: str, round_id: str, token: str) -> dict[str, int | None]:
        """One token's answers in a round, by question id."""
        q = select(PulseAnswerRow.question_id, PulseAnswerRow.value).where(
            PulseAnswerRow.workspace_id == workspace_id, PulseAnswerRow.round_id == round_id,
            PulseAnswerRow.token == token)
        return {qid: value for qid, value in self.s.execute(q)}

    def answered_tokens(self, workspace_id: str, round_id: str) -> set[str]:
        """Tokens that gave at least one answer in a round."""
        q = select(PulseAnswerRow.token).where(
            PulseAnswerRow.workspace_id == workspace_id, PulseAnswerRow.round_id == round_id
        ).distinct()
        return set(self.s.scalars(q))

    def save_comment(
        self, workspace_id: str, round_id: str, token: str, team_id: str, body: str
    ) -> None:
        """Store a comment; a new one from the same token replaces the old."""
        upsert(self.s, PulseCommentRow, {"workspace_id": workspace_id, "round_id": round_id,
                                         "token": token, "team_id": team_id, "body": body,
                                         # A new text needs a new score.
                                         "sentiment": None, "sentiment_label": None,
                                         "stress": None})

    def comment_of(self, workspace_id: str, round_id: str, token: str) -> str | None:
        """One token's comment in a round, or None."""
        row = self.s.get(PulseCommentRow, (workspace_id, round_id, token))
        return row.body if row else None

    def preference(self, workspace_id: str, person_id: str) -> PulsePreference:
        """The person's pulse preference (defaults when never set)."""
        row = self.s.get(PulsePreferenceRow, (workspace_id, person_id))
        return PulsePreference(row.opted_out, row.on_leave_until) if row else PulsePreference()

    def set_preference(self, workspace_id: str, person_id: str, pref: PulsePreference) -> None:
        """Store the person's pulse preference."""
        upsert(self.s, PulsePreferenceRow, {
            "workspace_id": workspace_id, "person_id": person_id, "opted_out": pref.opted_out,
            "on_leave_until": pref.on_leave_until,
        })

    def schedules(self, workspace_id: str) -> dict[str, tuple[int, time]]:
        """Pulse day and local time per scope ("*" or a team id) where one was set."""
        q = select(PulseScheduleRow).where(PulseScheduleRow.workspace_id == workspace_id)
        return {r.scope: (r.weekday, time(r.at_minute // 60, r.at_minute % 60))
                for r in self.s.scalars(q)}

    def set_schedule(self, workspace_id: str, scope: str, when: tuple[int, time] | None) -> None:
        """Set (or, with None, clear) the pulse day and local time of a scope."""
        if when is None:
            self.s.execute(delete(PulseScheduleRow).where(
                PulseScheduleRow.workspace_id == workspace_id, PulseScheduleRow.scope == scope))
            return
        upsert(self.s, PulseScheduleRow, {"workspace_id": workspace_id, "scope": scope,
                                          "weekday": when[0],
                                          "at_minute": when[1].hour * 60 + when[1].minute})

    def preferences(self, workspace_id: str) -> dict[str, PulsePreference]:
        """Every stored preference of the workspace, by person id."""
        q = select(PulsePreferenceRow).where(PulsePreferenceRow.workspace_id == workspace_id)
        return {r.person_id: PulsePreference(r.opted_out, r.on_leave_until)
                for r in self.s.scalars(q)}

