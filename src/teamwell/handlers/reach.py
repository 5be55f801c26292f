"""When a platform cannot reach someone, the workspace's admins hear about it once."""

from __future__ import annotations

from teamwell.core.messages import Bold, Message, Section, text
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for


def unreachable_message(name: str, reason: str, remedy: str) -> Message:
    """What an admin is told about one person the bot cannot reach."""
    return Message(
        fallback=f"I can't reach {name}: {reason}",
        blocks=(
            Section(text("I can't send messages to ", Bold(name), f": {reason}")),
            Section(text(remedy)),
            Section(text("Messages for them are kept as failed, not lost: once they can be "
                         "reached, the command \"teamwell outbox retry\" sends them.")),
        ),
    )


def tell_admins_unreachable(deps: Deps, workspace_id: str, person_id: str, reason: str,
                            remedy: str) -> int:
    """Queue one notice per admin about this person (never twice); returns how many queued."""
    now = deps.clock.now()
    queued = 0
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        if person is None:
            return 0
        admins = [p for p in uow.people.list(workspace_id) if p.is_admin and p.id != person_id]
        message = unreachable_message(person.name, reason, remedy)
        for admin in admins:
            queued += queue_for(uow, now, admin, f"unreachable:{person_id}:{admin.id}", message)
        uow.commit()
    return queued
