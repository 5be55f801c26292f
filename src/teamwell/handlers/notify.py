"""Queue messages for people, making sure each person's first contact is the bot's notice."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from teamwell.core.copy import intro_message
from teamwell.core.messages import Message
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork


def queue_for(
    uow: UnitOfWork, now: datetime, person: Person, key: str, message: Message,
    replaces: str | None = None, not_before: datetime | None = None,
) -> bool:
    """Queue message for person in the caller's transaction; True when newly queued.

    The intro goes first, once per person, in the same transaction, so nobody hears from the
    bot before hearing that it is a bot and what it keeps.
    """
    if person.introduced_at is None:
        uow.outbox.add(OutboundItem(person.workspace_id, f"intro:{person.id}", intro_message(),
                                    recipient_id=person.id), now)
        uow.people.save(replace(person, introduced_at=now))
    return uow.outbox.add(
        OutboundItem(person.workspace_id, key, message, recipient_id=person.id, replaces=replaces,
                     not_before=not_before),
        now,
    )
