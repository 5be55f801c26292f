"""Erasing one person (`forget me`): table by table, delete their rows or keep them without them.

Rows that only concern the person are deleted. Rows that other people or aggregates still
need are kept with a random placeholder (`forgotten-...`) instead of the person's id, and
without text about them. Invitations, kudos and suggestions get a fresh placeholder each, so
they cannot be linked to each other; messages, steps and help requests share the erasure's
one, so that outbox keys stay consistent:

- people: their row; others' manager_id / buddy_id pointing at them are cleared.
- person_accounts: deleted (Slack, Teams and Entra ids, Teams conversation references).
- their own onboarding, with its steps, checklist, check-ins and help requests: deleted. In
  others' onboardings the buddy / manager link is cleared, steps addressed to them get a
  placeholder (pending ones are skipped), help passed to them keeps a placeholder helper.
- pulse_invites: kept, because participation rates count them, with a placeholder; an
  invitation not yet sent is skipped. pulse_answers / pulse_comments: nothing links them to
  anyone once a round is closed; in an open round their token (computable from their id while
  the key exists) is replaced by a random one, so their answers still count and link to nobody.
- kudos / kudos_receivers: kept for counts with a placeholder giver or receiver; the text of
  kudos they gave is emptied and their name is removed from kudos they received.
- digest_suggestions: kept for follow-through figures with a placeholder (as manager or as the
  person a suggestion was about), texts emptied, reminders cancelled.
- pulse_preferences, recognition_preferences, digests_sent, celebrations_sent: deleted.
- outbox and slack_inbox, and text others wrote that names them: see erase_messages.py.
  processed_events: untouched (platform event
  ids; Teams keys hold only a hash of the conversation). audit_log: untouched (the handler
  records the deletion, then forgets the person's pseudonym).
- any table added later with a person_id column: their rows are deleted.
"""

from __future__ import annotations

import secrets
from collections import Counter
from typing import Any

from sqlalchemy import MetaData, Table, case, delete, event, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.erase_messages import erase_free_text, erase_messages
from teamwell.bot.storage.purge import purge_history
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
    PersonAccountRow,
    PersonRow,
    PulseAnswerRow,
    PulseCommentRow,
    PulseInviteRow,
    PulsePreferenceRow,
    PulseRoundKeyRow,
    RecognitionPreferenceRow,
    SuggestionRow,
)
from teamwell.core.data_rights import FORGOTTEN_PREFIX, Erasure
from teamwell.core.erasure_text import Scrubber
from teamwell.core.onboarding import StepStatus
from teamwell.core.pulse import InviteStatus, answer_token

# Tables this module decides about one by one; any other table with a person_id column is
# treated as the person's own (their rows are deleted) and shown in their export.
HANDLED = frozenset({
    "people", "person_accounts", "onboardings", "onboarding_steps", "onboarding_tasks",
    "onboarding_checkins", "help_requests", "outbox", "processed_events", "pulse_invites",
    "pulse_answers", "pulse_comments", "pulse_preferences", "slack_inbox", "kudos",
    "kudos_receivers", "recognition_preferences", "celebrations_sent", "digests_sent",
    "digest_suggestions", "audit_log", "audit_pseudonyms",
})


def placeholder() -> str:
    """A fresh id that names nobody."""
    return FORGOTTEN_PREFIX + secrets.token_hex(8)


def unknown_person_tables(metadata: MetaData) -> list[Table]:
    """Tables not decided about here whose rows belong to a person (a person_id column)."""
    return [t for t in metadata.sorted_tables
            if t.name not in HANDLED and "person_id" in t.c]


class Tally:
    """Rows deleted and anonymised, per table."""

    def __init__(self) -> None:
        self.deleted: Counter[str] = Counter()
        self.anonymised: Counter[str] = Counter()

    def gone(self, table: str, result: Any) -> None:
        """Count the rows a DELETE removed."""
        self.deleted[table] += max(int(getattr(result, "rowcount", 0) or 0), 0)

    def kept(self, table: str, result: Any) -> None:
        """Count the rows an UPDATE anonymised."""
        self.anonymised[table] += max(int(getattr(result, "rowcount", 0) or 0), 0)


def erase_person(s: Session, ws: str, pid: str) -> Erasure:
    """Delete or anonymise everything linked to the person, in the session's transaction."""
    person = s.get(PersonRow, (ws, pid))
    accounts = list(s.execute(select(PersonAccountRow.platform, PersonAccountRow.external_id,
                                     PersonAccountRow.conversation_id).where(
        PersonAccountRow.workspace_id == ws, PersonAccountRow.person_id == pid)))
    ids = [pid, *(a.external_id for a in accounts), *(a.conversation_id or "" for a in accounts)]
    scrub = Scrubber.of(ids, person.name if person else "", person.email if person else None,
                        placeholder())
    tally = Tally()
    _onboardings(s, ws, pid, scrub, tally)
    _pulses(s, ws, pid, tally)
    _kudos(s, ws, pid, scrub, tally)
    _suggestions(s, ws, pid, tally)
    erase_messages(s, ws, pid, scrub, tally)
    erase_free_text(s, ws, scrub, tally)
    _own_rows(s, ws, pid, tally)
    s.flush()
    _purge_after_commit(s, {*tally.deleted, *tally.anonymised})
    return Erasure(dict(+tally.deleted), dict(+tally.anonymised))


def _onboardings(s: Session, ws: str, pid: str, scrub: Scrubber, tally: Tally) -> None:
    own = list(s.scalars(select(OnboardingRow.id).where(OnboardingRow.workspace_id == ws,
                                                        OnboardingRow.person_id == pid)))
    for model in (CheckInRow, OnboardingTaskRow, OnboardingStepRow, HelpRequestRow):
        tally.gone(model.__tablename__, s.execute(delete(model).where(
            model.workspace_id == ws, model.onboarding_id.in_(own))))
    tally.gone("onboardings", s.execute(delete(OnboardingRow).where(
        OnboardingRow.workspace_id == ws, OnboardingRow.id.in_(own))))
    o = OnboardingRow
    linked = list(s.scalars(select(o.id).where(o.workspace_id == ws,
                                               (o.buddy_id == pid) | (o.manager_id == pid))))
    for column in ("buddy_id", "manager_id"):
        tally.kept("onboardings", s.execute(update(o).where(
            o.workspace_id == ws, getattr(o, column) == pid).values({column: None})))
    t = OnboardingTaskRow
    for key, label in _labels(s, ws, linked):
        if scrub.mentions(label):
            tally.kept("onboarding_tasks", s.execute(update(t).where(
                t.workspace_id == ws, t.onboarding_id == key[0], t.step_id == key[1],
                t.task_id == key[2]).values(label=scrub.text(label))))
    step = OnboardingStepRow
    tally.kept("onboarding_steps", s.execute(update(step).where(
        step.workspace_id == ws, step.recipient_id == pid).values(
        recipient_id=scrub.placeholder,
        status=case((step.status == StepStatus.PENDING.value, StepStatus.SKIPPED.value),
                    else_=step.status))))
    h = HelpRequestRow
    tally.kept("help_requests", s.execute(update(h).where(
        h.workspace_id == ws, h.helper_id == pid).values(helper_id=scrub.placeholder)))


def _labels(s: Session, ws: str, onboardings: list[str]
            ) -> list[tuple[tuple[str, str, str], str]]:
    """Checklist labels of these onboardings that may name the person, keyed by task."""
    t = OnboardingTaskRow
    rows = s.execute(select(t.onboarding_id, t.step_id, t.task_id, t.label).where(
        t.workspace_id == ws, t.onboarding_id.in_(onboardings)))
    return [((o, st, task), label) for o, st, task, label in rows]


def _pulses(s: Session, ws: str, pid: str, tally: Tally) -> None:
    for round_id, key in s.execute(select(PulseRoundKeyRow.round_id, PulseRoundKeyRow.key)
                                   .where(PulseRoundKeyRow.workspace_id == ws)).all():
        # An open round: anyone holding the key and the person's id could find their answers.
        token, fresh = answer_token(bytes.fromhex(key), pid), secrets.token_hex(32)
        for model in (PulseAnswerRow, PulseCommentRow):
            tally.kept(model.__tablename__, s.execute(update(model).where(
                model.workspace_id == ws, model.round_id == round_id, model.token == token)
                .values(token=fresh)))
    i = PulseInviteRow
    invites = s.execute(select(i.round_id, i.status).where(i.workspace_id == ws,
                                                          i.person_id == pid)).all()
    for round_id, status in invites:
        never_sent = status == InviteStatus.PENDING.value
        tally.kept("pulse_invites", s.execute(update(i).where(
            i.workspace_id == ws, i.round_id == round_id, i.person_id == pid).values(
            person_id=placeholder(), reminded=True,
            status=InviteStatus.SKIPPED.value if never_sent else status)))


def _kudos(s: Session, ws: str, pid: str, scrub: Scrubber, tally: Tally) -> None:
    k, r = KudosRow, KudosReceiverRow
    for kudos_id in list(s.scalars(select(k.id).where(k.workspace_id == ws, k.giver_id == pid))):
        tally.kept("kudos", s.execute(update(k).where(k.workspace_id == ws, k.id == kudos_id)
                                      .values(giver_id=placeholder(), message="")))
    received = list(s.scalars(select(r.kudos_id).where(r.workspace_id == ws,
                                                       r.receiver_id == pid)))
    for kudos_id in received:
        tally.kept("kudos_receivers", s.execute(update(r).where(
            r.workspace_id == ws, r.kudos_id == kudos_id, r.receiver_id == pid)
            .values(receiver_id=placeholder())))
        message = s.scalar(select(k.message).where(k.workspace_id == ws, k.id == kudos_id))
        if message and scrub.mentions(message):
            tally.kept("kudos", s.execute(update(k).where(k.workspace_id == ws,
                                                          k.id == kudos_id)
                                          .values(message=scrub.text(message))))


def _suggestions(s: Session, ws: str, pid: str, tally: Tally) -> None:
    x = SuggestionRow
    about = (x.target_kind == "person") & (x.target_id == pid)
    for sid, manager, target in list(s.execute(select(x.id, x.manager_id, x.target_id).where(
            x.workspace_id == ws, (x.manager_id == pid) | about))):
        values: dict[str, Any] = {"topic": "", "reason": "", "starter": "", "remind_at": None}
        if manager == pid:
            values["manager_id"] = placeholder()
        if target == pid:
            values["target_id"] = placeholder()
        tally.kept("digest_suggestions", s.execute(update(x).where(
            x.workspace_id == ws, x.id == sid).values(values)))


def _own_rows(s: Session, ws: str, pid: str, tally: Tally) -> None:
    """Rows that are the person's alone, the directory record last."""
    for model in (PulsePreferenceRow, RecognitionPreferenceRow, DigestSentRow,
                  PersonAccountRow):
        tally.gone(model.__tablename__, s.execute(delete(model).where(
            model.workspace_id == ws, model.person_id == pid)))
    c = CelebrationSentRow
    keys = [key for key in s.scalars(select(c.key).where(c.workspace_id == ws))
            if pid in key.split(":")]
    tally.gone("celebrations_sent", s.execute(delete(c).where(c.workspace_id == ws,
                                                             c.key.in_(keys))))
    for table in unknown_person_tables(Base.metadata):
        q = delete(table).where(table.c.person_id == pid)
        if "workspace_id" in table.c:
            q = q.where(table.c.workspace_id == ws)
        tally.gone(table.name, s.execute(q))
    p = PersonRow
    for column in ("manager_id", "buddy_id"):
        tally.kept("people", s.execute(update(p).where(
            p.workspace_id == ws, getattr(p, column) == pid).values({column: None})))
    tally.gone("people", s.execute(delete(p).where(p.workspace_id == ws, p.id == pid)))


def _purge_after_commit(s: Session, tables: set[str]) -> None:
    """Once committed, purge the old row versions (PostgreSQL VACUUM, SQLite WAL checkpoint)."""
    engine = s.get_bind().engine

    def purge(_session: Session) -> None:
        purge_history(engine, tuple(sorted(tables)))

    event.listen(s, "after_commit", purge, once=True)
