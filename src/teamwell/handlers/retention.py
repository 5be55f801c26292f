"""The nightly retention job: delete what has been kept long enough, or say what would go.

Everything but the erasure of people who left happens in one transaction; a dry run makes the
same changes and rolls them back, so its figures are exactly what a real run would delete.
People who left are erased one by one afterwards, each in its own transaction, by the same
`forget_person` that a person's own "forget me" uses.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from teamwell.core.retention import Cutoffs, Expired
from teamwell.handlers.deps import Deps

log = logging.getLogger("teamwell.handlers.retention")
ACTOR = "teamwell"  # the audit log's label for Teamwell's own scheduled work


def run_retention(deps: Deps, dry_run: bool = False) -> Expired:
    """Delete (or, dry, count) everything past its retention period; returns what went."""
    cut = Cutoffs.at(deps.clock.now(), deps.retention)
    with deps.uow() as uow:
        store = uow.retention
        # Stamped first, so that a dry run's "who left" sees the same people a real run would.
        store.mark_inactive(cut.now)
        expired = Expired(
            comment_texts=store.expire_comment_text(cut.pulse_weeks_before, cut.comments),
            message_payloads=store.expire_messages(cut.messages),
            events=store.expire_events(cut.events),
            inbox_rows=store.expire_inbox(cut.inbox),
            references=store.forget_references(cut.references),
            departed=tuple(store.departed(cut.departed)))
        if dry_run:
            uow.rollback()
            return expired
        uow.commit()
    erased = tuple(who for who in expired.departed if _erase(deps, *who))
    return replace(expired, departed=erased)


def _erase(deps: Deps, workspace_id: str, person_id: str) -> bool:
    from teamwell.handlers.data_rights import forget_person

    try:
        # They left; they did not ask to be forgotten: a rehire or a sync may add them again.
        forget_person(deps, workspace_id, person_id, ACTOR, stay_forgotten=False)
    except Exception:  # noqa: BLE001 - one person's failure must not keep the others
        log.exception("retention: could not erase a person who left (workspace %s)",
                      workspace_id)
        return False
    return True
