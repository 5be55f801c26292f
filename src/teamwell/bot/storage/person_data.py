"""Everything linked to one person, gathered from every table for their export (issue 8).

Other people are never named here: a kudos says how many people it thanked, a suggestion made
to a manager says whether it was about a team or a person, and outbox messages keep their text
(the handler redacts other people's names from it). Anonymous pulse answers are not here
because nothing links them to anyone.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

from teamwell.bot.storage.audit_tables import AuditLogRow, AuditPseudonymRow
from teamwell.bot.storage.erase import erase_person, unknown_person_tables
from teamwell.bot.storage.tables import (
    Base,
    CelebrationSentRow,
    CheckInRow,
    DigestSentRow,
    HelpRequestRow,
    KudosReceiverRow,
    KudosRow,
    OnboardingRow,
    OnboardingStepRow,
    OnboardingTaskRow,
    OutboxRow,
    PersonAccountRow,
    PersonRow,
    PulseInviteRow,
    PulsePreferenceRow,
    RecognitionPreferenceRow,
    SuggestionRow,
    TeamRow,
)
from teamwell.core.data_rights import Erasure

Json = dict[str, Any]


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _plain(value: Any) -> Any:
    """A column value as JSON (dates as ISO strings)."""
    return _iso(value) if isinstance(value, date | datetime) else value


class SqlPersonData:
    """The PersonData port over SQL."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def erase(self, workspace_id: str, person_id: str) -> Erasure:
        """Delete or anonymise everything linked to the person (see erase.py, table by table)."""
        return erase_person(self.s, workspace_id, person_id)

    def records(self, workspace_id: str, person_id: str) -> Json | None:
        """The person's data as JSON-ready sections, or None when they are not in the directory."""
        person = self.s.get(PersonRow, (workspace_id, person_id))
        if person is None:
            return None
        ws, pid = workspace_id, person_id
        return {
            "profile": self._profile(person),
            "accounts": [{"platform": a.platform, "id": a.external_id,
                          "chat_with_teamwell_saved": bool(a.conversation_id
                                                           or a.conversation_ref)}
                         for a in self.s.scalars(select(PersonAccountRow).where(
                             PersonAccountRow.workspace_id == ws,
                             PersonAccountRow.person_id == pid)
                             .order_by(PersonAccountRow.platform))],
            "onboarding": self._onboardings(ws, pid),
            "help_requests_passed_to_you": [_iso(at) for at in self.s.scalars(
                select(HelpRequestRow.requested_at).where(
                    HelpRequestRow.workspace_id == ws, HelpRequestRow.helper_id == pid)
                .order_by(HelpRequestRow.requested_at))],
            **self._kudos(ws, pid),
            "choices": self._choices(ws, pid),
            "pulse_invitations": [
                {"week": _iso(r.week), "invited_at": _iso(r.invite_at), "status": r.status,
                 "reminder_due": _iso(r.remind_at), "reminded": r.reminded}
                for r in self.s.scalars(select(PulseInviteRow).where(
                    PulseInviteRow.workspace_id == ws, PulseInviteRow.person_id == pid)
                    .order_by(PulseInviteRow.week))],
            "messages_to_you": self._messages(ws, pid),
            "weekly_digests_sent_to_you": [_iso(w) for w in self.s.scalars(
                select(DigestSentRow.week).where(DigestSentRow.workspace_id == ws,
                                                 DigestSentRow.person_id == pid)
                .order_by(DigestSentRow.week))],
            **self._suggestions(ws, pid),
            "celebrations": self._celebrations(ws, pid),
            "audit_log": {"entries_about_you_or_by_you": self._audit_count(ws, pid)},
            "other_records": self._other(ws, pid),
        }

    def _profile(self, p: PersonRow) -> Json:
        team = self.s.get(TeamRow, (p.workspace_id, p.team_id)) if p.team_id else None
        return {"id": p.id, "name": p.name, "email": p.email, "team": team.name if team else None,
                "manager_recorded": p.manager_id is not None,
                "buddy_recorded": p.buddy_id is not None, "start_date": _iso(p.start_date),
                "birthday": _iso(p.birthday), "time_zone": p.timezone, "locale": p.locale,
                "roles": sorted(r for r in p.roles.split(",") if r), "active": p.active,
                "told_what_teamwell_keeps_at": _iso(p.introduced_at),
                "inactive_since": _iso(p.inactive_since)}

    def _onboardings(self, ws: str, pid: str) -> list[Json]:
        out = []
        for o in self.s.scalars(select(OnboardingRow).where(
                OnboardingRow.workspace_id == ws, OnboardingRow.person_id == pid)
                .order_by(OnboardingRow.created_at)):
            def rows(model: Any, o: OnboardingRow = o) -> list[Any]:
                return list(self.s.scalars(select(model).where(
                    model.workspace_id == ws, model.onboarding_id == o.id)))
            mine = [s for s in rows(OnboardingStepRow) if s.recipient_id == pid]
            out.append({
                "sequence": o.sequence_id, "start_date": _iso(o.start_date), "status": o.status,
                "created_at": _iso(o.created_at), "buddy_recorded": o.buddy_id is not None,
                "steps_sent_to_you": [{"step": s.step_id, "due_at": _iso(s.due_at),
                                       "status": s.status, "sent_at": _iso(s.sent_at)}
                                      for s in sorted(mine, key=lambda s: s.due_at)],
                "checklist": [{"step": t.step_id, "task": t.task_id, "label": t.label,
                               "done_at": _iso(t.done_at)}
                              for t in rows(OnboardingTaskRow)
                              if t.step_id in {s.step_id for s in mine}],
                "check_ins": [{"step": c.step_id, "answered_at": _iso(c.answered_at),
                               "score": c.score, "comment": c.comment,
                               "comment_sentiment": c.sentiment,
                               "comment_sentiment_label": c.sentiment_label,
                               "comment_mentions_work_stress": c.stress}
                              for c in sorted(rows(CheckInRow), key=lambda c: c.answered_at)],
                "help_requests": [_iso(h.requested_at) for h in sorted(
                    rows(HelpRequestRow), key=lambda h: h.requested_at)],
            })
        return out

    def _kudos(self, ws: str, pid: str) -> Json:
        counts = dict(self.s.execute(
            select(KudosReceiverRow.kudos_id, func.count()).where(
                KudosReceiverRow.workspace_id == ws).group_by(KudosReceiverRow.kudos_id)).all())
        given = self.s.scalars(select(KudosRow).where(
            KudosRow.workspace_id == ws, KudosRow.giver_id == pid).order_by(KudosRow.given_at))
        received = self.s.scalars(select(KudosRow).join(
            KudosReceiverRow, (KudosReceiverRow.workspace_id == KudosRow.workspace_id)
            & (KudosReceiverRow.kudos_id == KudosRow.id)).where(
            KudosRow.workspace_id == ws, KudosReceiverRow.receiver_id == pid)
            .order_by(KudosRow.given_at))

        def shown(k: KudosRow) -> Json:
            return {"given_at": _iso(k.given_at), "message": k.message, "value": k.value_id,
                    "public": k.public}

        return {"kudos_given": [{**shown(k), "people_thanked": counts.get(k.id, 0)}
                                for k in given],
                "kudos_received": [shown(k) for k in received]}

    def _choices(self, ws: str, pid: str) -> Json:
        """Their pulse and recognition choices, column by column (None: never set)."""
        out: Json = {}
        for name, model in (("pulse", PulsePreferenceRow),
                            ("recognition", RecognitionPreferenceRow)):
            row = self.s.get(model, (ws, pid))
            out[name] = None if row is None else {
                c.key: _plain(getattr(row, c.key)) for c in model.__table__.columns
                if c.key not in ("workspace_id", "person_id")}
        return out

    def _messages(self, ws: str, pid: str) -> list[Json]:
        out = []
        for row in self.s.scalars(select(OutboxRow).where(
                OutboxRow.workspace_id == ws, OutboxRow.recipient_id == pid)
                .order_by(OutboxRow.seq)):
            try:
                text = str(json.loads(row.payload).get("fallback", ""))
            except (ValueError, AttributeError):
                text = ""
            # The key's first part says what the message was; the rest may name other people.
            out.append({"kind": row.idempotency_key.split(":", 1)[0],
                        "queued_at": _iso(row.created_at), "sent_at": _iso(row.sent_at),
                        "status": row.status, "text": text})
        return out

    def _suggestions(self, ws: str, pid: str) -> Json:
        r = SuggestionRow
        made = self.s.scalars(select(r).where(r.workspace_id == ws, r.manager_id == pid)
                              .order_by(r.week))
        about = self.s.scalars(select(r).where(r.workspace_id == ws, r.target_kind == "person",
                                               r.target_id == pid).order_by(r.week))
        return {
            "check_in_suggestions_made_to_you": [
                {"week": _iso(x.week), "kind": x.kind, "about": f"a {x.target_kind}",
                 "status": x.status, "responded_at": _iso(x.responded_at)} for x in made],
            "check_in_suggestions_about_you": [
                {"week": _iso(x.week), "kind": x.kind, "topic": x.topic, "reason": x.reason,
                 "conversation_starter": x.starter, "status": x.status} for x in about],
        }

    def _celebrations(self, ws: str, pid: str) -> list[Json]:
        out = []
        for row in self.s.scalars(select(CelebrationSentRow).where(
                CelebrationSentRow.workspace_id == ws).order_by(CelebrationSentRow.sent_at)):
            parts = row.key.split(":")
            if len(parts) == 4 and parts[2] == pid:
                out.append({"occasion": parts[1], "date": parts[3],
                            "posted_at": _iso(row.sent_at)})
        return out

    def _audit_count(self, ws: str, pid: str) -> int:
        pseudonym = self.s.scalar(select(AuditPseudonymRow.pseudonym).where(
            AuditPseudonymRow.workspace_id == ws, AuditPseudonymRow.person_id == pid))
        if pseudonym is None:
            return 0
        ref = f"person:{pseudonym}"
        return int(self.s.scalar(select(func.count()).select_from(AuditLogRow).where(
            AuditLogRow.workspace_id == ws,
            (AuditLogRow.actor == ref) | (AuditLogRow.subject == ref))) or 0)

    def _other(self, ws: str, pid: str) -> Json:
        """Rows of tables added after this was written that name the person (consents...)."""
        out: Json = {}
        for table in unknown_person_tables(Base.metadata):
            rows = self._rows_of(table, ws, pid)
            if rows:
                out[table.name] = rows
        return out

    def _rows_of(self, table: Table, ws: str, pid: str) -> list[Json]:
        q = select(table).where(table.c.person_id == pid)
        if "workspace_id" in table.c:
            q = q.where(table.c.workspace_id == ws)
        return [{k: _plain(v) for k, v in row._mapping.items() if k != "workspace_id"}
                for row in self.s.execute(q)]

