"""People who asked to be forgotten stay forgotten until they themselves type `rejoin`.

`forget me` records keyed hashes of the person's email and platform ids (never the values).
Every path that would put someone in the directory from a platform (a profile sync, a roster
lookup, a click) asks here first; HR's people.csv import skips them and says why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from teamwell.core.data_rights import EMAIL
from teamwell.core.directory import Profile, normalize_email
from teamwell.core.errors import UnknownPerson
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps

ANSWER = ("You asked me to forget you, so I keep nothing about you. "
          "To use Teamwell again, type rejoin.")
ALREADY_IN = "You are in Teamwell's directory already: there is nothing to rejoin."
Account = tuple[str, str]  # (kind, value): ("email", ...), ("slack", "U123"), ...


class Forgotten(UnknownPerson):
    """The person asked to be forgotten: nothing about them is kept until they rejoin."""

    def __init__(self) -> None:
        super().__init__(ANSWER)


def asks_to_rejoin(command_text: str) -> bool:
    """Whether a text command is `rejoin`."""
    return command_text.strip().lower().removeprefix("/teamwell").split() == ["rejoin"]


def profile_accounts(profile: Profile, also: Mapping[str, str | None] | None = None
                     ) -> list[Account]:
    """What identifies a platform user: their account id, any other ids, their email."""
    email = normalize_email(profile.email) if profile.email else None
    found = [(profile.platform, profile.external_id),
             *((kind, value) for kind, value in (also or {}).items() if value)]
    return found + ([(EMAIL, email)] if email else [])


def forgotten_since(uow: UnitOfWork, workspace_id: str,
                    accounts: Iterable[Account]) -> date | None:
    """When the owner of any of these accounts asked to be forgotten, or None."""
    days = [uow.forgotten.forgotten_on(workspace_id, kind, value) for kind, value in accounts]
    return max((d for d in days if d is not None), default=None)


def is_forgotten(deps: Deps, workspace_id: str, profile: Profile,
                 also: Mapping[str, str | None] | None = None) -> bool:
    """Whether this platform user asked to be forgotten (by account id or email)."""
    with deps.uow() as uow:
        return forgotten_since(uow, workspace_id, profile_accounts(profile, also)) is not None


def remember_forgotten(uow: UnitOfWork, workspace_id: str, records: Mapping[str, Any],
                       on: date) -> None:
    """Record hashes of the email and every platform id of someone about to be erased."""
    email = records["profile"].get("email")
    if email:
        uow.forgotten.add(workspace_id, EMAIL, str(email), on)
    for account in records["accounts"]:
        uow.forgotten.add(workspace_id, str(account["platform"]), str(account["id"]), on)


def skipped_row(on: date) -> str:
    """Why people.csv left out a row: the person asked to be forgotten."""
    return (f"skipped: asked to be forgotten on {on.isoformat()}; they can type rejoin in "
            "Slack or Teams to use Teamwell again")
