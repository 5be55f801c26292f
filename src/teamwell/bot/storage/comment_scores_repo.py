"""Comment sentiment in SQL: which comments await a score, their scores, and text retention."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import exists, select, update
from sqlalchemy.orm import Session

from teamwell.bot.storage.tables import CheckInRow, PulseCommentRow, PulseRoundRow
from teamwell.core.pulse import RoundStatus
from teamwell.core.sentiment import (
    CHECKIN_COMMENT,
    PULSE_COMMENT,
    SentimentScore,
    UnscoredComment,
)


class SqlCommentScores:
    """The CommentScores port over the pulse comment and onboarding check-in tables."""

    def __init__(self, session: Session) -> None:
        self.s = session

    def unscored(self, limit: int) -> list[UnscoredComment]:
        """Comments with text and no score yet, across workspaces."""
        c, k = PulseCommentRow, CheckInRow
        pulse = self.s.execute(select(c.workspace_id, c.round_id, c.token, c.body).where(
            c.sentiment_label.is_(None), c.body.is_not(None)).limit(limit)).all()
        found = [UnscoredComment(PULSE_COMMENT, ws, (rid, tok), str(body))
                 for ws, rid, tok, body in pulse]
        if len(found) < limit:
            checkins = self.s.execute(select(k.workspace_id, k.onboarding_id, k.step_id,
                                             k.comment).where(
                k.sentiment_label.is_(None), k.comment.is_not(None)).limit(limit - len(found)))
            found += [UnscoredComment(CHECKIN_COMMENT, ws, (oid, sid), str(body))
                      for ws, oid, sid, body in checkins]
        return found

    def save_score(self, comment: UnscoredComment, score: SentimentScore) -> bool:
        """Store a score unless the text changed meanwhile; True when stored."""
        values = {"sentiment": score.score, "sentiment_label": score.label.value,
                  "stress": score.stress}
        first, second = comment.key
        if comment.kind == PULSE_COMMENT:
            c = PulseCommentRow
            stmt = update(c).where(c.workspace_id == comment.workspace_id, c.round_id == first,
                                   c.token == second, c.body == comment.body)
        elif comment.kind == CHECKIN_COMMENT:
            k = CheckInRow
            stmt = update(k).where(k.workspace_id == comment.workspace_id,
                                   k.onboarding_id == first, k.step_id == second,
                                   k.comment == comment.body)
        else:
            raise ValueError(f"unknown comment kind {comment.kind!r}")
        return bool(self.s.execute(stmt.values(**values)).rowcount)  # type: ignore[attr-defined]

    def forget_text(self, pulse_weeks_before: date, checkins_before: datetime) -> int:
        """Delete comment text past retention (scores stay); returns how many were deleted."""
        c, k, r = PulseCommentRow, CheckInRow, PulseRoundRow
        # Only closed rounds: an open round's comment may still be changed by its author.
        old_round = exists().where(r.workspace_id == c.workspace_id, r.id == c.round_id,
                                   r.week < pulse_weeks_before,
                                   r.status == RoundStatus.CLOSED.value)
        pulse = self.s.execute(update(c).where(old_round, c.body.is_not(None)).values(body=None))
        checkins = self.s.execute(update(k).where(k.answered_at < checkins_before,
                                                  k.comment.is_not(None)).values(comment=None))
        return int(pulse.rowcount) + int(checkins.rowcount)  # type: ignore[attr-defined]
