"""Work anniversaries and (opted-in) birthdays, posted at 09:00 in each person's time zone."""

from __future__ import annotations

import logging

from teamwell.core.celebrations import celebration_dm, celebration_post, due_celebrations
from teamwell.core.consent import DEFAULT, Feature
from teamwell.core.outbox import OutboundItem
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for

log = logging.getLogger("teamwell.handlers.celebrations")


def send_due_celebrations(deps: Deps) -> int:
    """Queue the celebrations whose moment has come, once each; returns how many."""
    now = deps.clock.now()
    settings = deps.recognition.celebrations
    with deps.uow() as uow:
        workspaces = uow.workspaces.all_ids()
    total = 0
    for ws in workspaces:
        with deps.uow() as uow:
            choices = uow.consents.in_workspace(ws)
            people = uow.people.list(ws)
            entries = [(p, c.allows(Feature.BIRTHDAY), not c.allows(Feature.CELEBRATIONS))
                       for p in people for c in [choices.get(p.id, DEFAULT)]]
            by_id = {p.id: p for p in people}
            fresh = [c for c in due_celebrations(entries, now, settings)
                     if uow.recognition.mark_celebrated(ws, c.key, now)]
            if not fresh:
                continue
            channel = deps.recognition.channel
            if channel is not None:
                # One post per tick for everyone whose moment came in it.
                first = min(c.key for c in fresh)
                uow.outbox.add(OutboundItem(ws, f"celebrations:{first}:{len(fresh)}",
                                            celebration_post(fresh), channel=channel), now)
            for c in fresh:
                queue_for(uow, now, by_id[c.person_id], f"{c.key}:dm", celebration_dm(c))
            uow.commit()
        log.info("celebrations: %d queued in workspace %s", len(fresh), ws)
        total += len(fresh)
    return total
