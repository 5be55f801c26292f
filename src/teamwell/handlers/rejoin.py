"""`rejoin`: someone who asked to be forgotten comes back, as a new person from their profile.

Only the person can do this, by typing it: the edge calls rejoin when a forgotten platform
user types `rejoin`. Nothing of before comes back (it was erased); the platform profile gives
the new record its name, email and time zone, and the bot's introduction is their first
message, as for anyone new.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from teamwell.core.copy import intro_message
from teamwell.core.directory import Profile
from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import Message, Section, say, text
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import profile_accounts
from teamwell.handlers.notify import queue_for
from teamwell.handlers.people import sync_profile

WELCOME_BACK = ("Welcome back. I start a new record for you from your profile (name, email, "
                "time zone); nothing from before was kept. Type help to see what I can do.")
NOT_ADDED = ("I no longer keep you out, but I can't add you myself: ask your HR team to add "
             "you to Teamwell's directory.")


def rejoin(deps: Deps, workspace_id: str, profile: Profile,
           also: Mapping[str, str | None] | None = None, *, reply_here: bool) -> Message | None:
    """Drop the person's forgotten hashes and add them afresh; the bot's intro comes first.

    also: other ids of the same account (Teams' Entra object id). reply_here: the edge shows
    the returned intro and welcome at once; otherwise both are queued for the person.
    """
    with deps.uow() as uow:
        for kind, value in profile_accounts(profile, also):
            uow.forgotten.remove(workspace_id, kind, value)
        uow.commit()
    synced = sync_profile(deps, workspace_id, profile)
    if synced is None:
        # A guest: only HR adds guests, and nothing stops HR's import any more.
        raise UnknownPerson(NOT_ADDED)
    now = deps.clock.now()
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, synced[0].id) or synced[0]
        if not reply_here:
            queue_for(uow, now, person, f"rejoin:{person.id}", say(WELCOME_BACK))
            uow.commit()
            return None
        if person.introduced_at is None:
            uow.people.save(replace(person, introduced_at=now))
        uow.commit()
    intro = intro_message()
    return Message(fallback=intro.fallback,
                   blocks=(*intro.blocks, Section(text(WELCOME_BACK))))
