"""Scoring the comments people wrote to the bot, and deleting their text after retention.

Only pulse comments and onboarding check-in comments are scored: the bot never reads channels
or direct messages that are not addressed to it. Scoring is slow (a neural network), so it runs
as a background job outside any transaction, never while a click waits for its answer.
"""

from __future__ import annotations

from teamwell.core.retention import Cutoffs
from teamwell.core.sentiment import SentimentModel
from teamwell.handlers.deps import Deps

SCORE_BATCH = 64


def score_pending_comments(deps: Deps, model: SentimentModel, batch: int = SCORE_BATCH) -> int:
    """Score one batch of unscored comments; returns how many scores were stored."""
    with deps.uow() as uow:
        pending = uow.comment_scores.unscored(batch)
    if not pending:
        return 0
    scores = model.score([c.body for c in pending])
    if len(scores) != len(pending):
        raise RuntimeError(f"sentiment model {model.name!r} returned {len(scores)} scores "
                           f"for {len(pending)} texts")
    with deps.uow() as uow:
        # A comment edited while it was being scored keeps no score; the next batch rescores it.
        stored = sum(uow.comment_scores.save_score(c, s) for c, s in zip(pending, scores,
                                                                         strict=True))
        uow.commit()
    return stored


def forget_old_comment_text(deps: Deps) -> int:
    """Delete comment text older than the retention period; returns how many were deleted."""
    # The nightly job does this along with the rest (handlers/retention.py); same cut-offs.
    cut = Cutoffs.at(deps.clock.now(), deps.retention)
    with deps.uow() as uow:
        deleted = uow.retention.expire_comment_text(cut.pulse_weeks_before, cut.comments)
        uow.commit()
    return deleted
