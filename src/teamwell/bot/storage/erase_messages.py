"""Erasing one person from messages, stored clicks and text others wrote (for erase.py).

- outbox: every message to them is deleted, whatever its status: a message still waiting
  would reach someone who asked to be forgotten. Messages to other people (a manager's note,
  a digest suggestion, a channel post) are kept, because the sender still has to deliver or
  has delivered them and their keys stop a second send; their ids, email and name are
  replaced in the key, the message and the last error (a mention of them shows "someone").
- slack_inbox: a stored click holds the raw request, with the clicker's Slack id and often
  the message clicked on. Any row that names them is deleted: their own clicks no longer
  matter, and a colleague's click still waiting (rows live for milliseconds) is dropped.
  Only their ids count in clicks from other workspaces' Slack teams (a namesake's click stays).
- text other people wrote that names them (pulse comments, check-in comments, kudos): their
  name becomes [name]. Pulse comments were shown that way already (display redacts directory
  names), but once they have left the directory display could no longer recognise their name.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import (
    CheckInRow,
    KudosRow,
    OutboxRow,
    PulseCommentRow,
    SlackInboxRow,
    WorkspaceAccountRow,
)
from teamwell.core.comments import redact
from teamwell.core.erasure_text import MIN_NAME_PART, Scrubber

if TYPE_CHECKING:
    from teamwell.bot.storage.erase import Tally

_TEXT_FIELDS = ("idempotency_key", "replaces", "last_error")


def needles(scrub: Scrubber) -> list[str]:
    """Substrings worth searching for in the database: ids, email, name parts, JSON-escaped."""
    plain = [*scrub.ids, *([scrub.email] if scrub.email else []),
             *(p for p in [scrub.name, *scrub.name.split()] if len(p) >= MIN_NAME_PART)]
    # Stored messages are JSON with non-ASCII letters escaped ("Zoë" is "Zo\\u00eb").
    return sorted({n for p in plain if p for n in (p, json.dumps(p)[1:-1])})


def erase_messages(s: Session, ws: str, pid: str, scrub: Scrubber, tally: Tally) -> None:
    """Delete the person's messages and stored clicks; scrub them out of everyone else's."""
    tally.gone("outbox", s.execute(delete(OutboxRow).where(OutboxRow.workspace_id == ws,
                                                           OutboxRow.recipient_id == pid)))
    found = needles(scrub)
    if not found:
        return
    o = OutboxRow
    suspects = or_(*(getattr(o, f).icontains(n, autoescape=True)
                     for f in ("payload", *_TEXT_FIELDS) for n in found))
    rows = s.execute(select(o.seq, o.payload, *(getattr(o, f) for f in _TEXT_FIELDS))
                     .where(o.workspace_id == ws, suspects)).all()
    for seq, payload, *texts in rows:
        changes: dict[str, Any] = {}
        cleaned = _payload(payload, scrub)
        if cleaned != payload:
            changes["payload"] = cleaned
        for name, value in zip(_TEXT_FIELDS, texts, strict=True):
            if value and scrub.mentions(value):
                changes[name] = scrub.text(value)
        if changes:
            tally.kept("outbox", s.execute(update(o).where(o.seq == seq).values(changes)))
    stored = s.execute(select(SlackInboxRow.seq, SlackInboxRow.body)).all()
    # Every workspace's clicks share this table: their name or email (which a namesake in
    # another workspace may share) counts only in a click from this workspace's Slack team;
    # their own ids count wherever they are.
    teams = [f'"{team}"' for team in s.scalars(select(WorkspaceAccountRow.external_id).where(
        WorkspaceAccountRow.workspace_id == ws, WorkspaceAccountRow.platform == "slack"))]
    own_ids = Scrubber.of(scrub.ids, "", None, scrub.placeholder)

    def names_them(body: str) -> bool:
        texts = (unquote_plus(body), body)
        here = any(team in text for team in teams for text in texts)
        return any((scrub if here else own_ids).mentions(text) for text in texts)

    clicks = [seq for seq, body in stored if names_them(body)]
    if clicks:
        tally.gone("slack_inbox", s.execute(delete(SlackInboxRow).where(
            SlackInboxRow.seq.in_(clicks))))


def _payload(payload: str, scrub: Scrubber) -> str:
    """A stored message with the person scrubbed out, in the same JSON shape."""
    try:
        data = json.loads(payload)
    except ValueError:
        return scrub.text(payload)
    if scrub.json(data) == data:
        return payload
    return json.dumps(scrub.json(data), separators=(",", ":"))


def erase_free_text(s: Session, ws: str, scrub: Scrubber, tally: Tally) -> None:
    """Replace the person's name (and ids, email) in free text that others wrote."""
    found = needles(scrub)
    if not found:
        return
    for model, column, key in ((PulseCommentRow, "body", ("round_id", "token")),
                               (CheckInRow, "comment", ("onboarding_id", "step_id")),
                               (KudosRow, "message", ("id",))):
        text = getattr(model, column)
        rows = s.execute(select(*(getattr(model, k) for k in key), text).where(
            model.workspace_id == ws, or_(*(text.icontains(n, autoescape=True)
                                            for n in found)))).all()
        for *ids, value in rows:
            if not value:
                continue
            cleaned = scrub.text(value)
            if model is PulseCommentRow:
                # Exactly as results display it, so results read the same before and after.
                cleaned = scrub.text(redact(value, [scrub.name]))
            if cleaned != value:
                where = [getattr(model, k) == v for k, v in zip(key, ids, strict=True)]
                tally.kept(model.__tablename__, s.execute(update(model).where(
                    model.workspace_id == ws, *where).values({column: cleaned})))
