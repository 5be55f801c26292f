"""Data rights (issue 8): a person's export, their erasure, and the words that explain both.

The storage side is a port (PersonData): it gathers every row linked to a person, and erases or
anonymises them table by table. What stays afterwards is only what aggregates need, with no
person id, name or email in it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol

from teamwell.core.actions import pack, unpack

FORMAT = "teamwell-personal-data/1"
# Long enough to read the explanation, short enough that an old message cannot erase anyone.
CONFIRM_TTL = timedelta(minutes=15)
# Anonymised rows name this instead of the person (a fresh random suffix each time).
FORGOTTEN_PREFIX = "forgotten-"
# The kind of a forgotten email's hash; platform ids use their platform's name as the kind.
EMAIL = "email"

ABOUT_PULSE_ANSWERS = (
    "Your pulse answers and comments are not in this file, and cannot be. They are stored "
    "without your name or any id: while a round is open they are filed under a one-way token, "
    "and the key that makes the token is deleted when the round closes. Nothing links them back "
    "to you, so nobody (not even Teamwell) can find them to export or delete them one by one. "
    "They count only in team results, which show groups too large to single anyone out."
)

# (what, how) for each kind of data, in the order the confirmation and the docs list them.
DELETED = (
    "your directory record, your Slack and Teams accounts and the 1:1 chat Teamwell uses",
    "your onboarding (steps, checklist, check-in answers and comments, help requests)",
    "your pulse, kudos and celebration choices, and the weekly digests sent to you",
    "every message Teamwell sent you or queued for you, and clicks not yet handled",
)
ANONYMISED = (
    "kudos you gave or received stay as counts, with no name and (when you wrote them) "
    "no text; your name is removed from the text of kudos you received",
    "that you were asked a pulse in a given week stays as a count (participation rates)",
    "check-in suggestions about you or made to you stay as follow-through counts, without text",
    "your name, ids and email are removed from messages to other people "
    "(\"someone\" is shown instead)",
    "links to you from others' records (manager, buddy, helper) are removed",
)
REMAINS = (
    "your anonymous pulse answers stay in your team's results: they were never linked to you",
    "the audit log keeps its entries about you (such as this deletion), under a pseudonym "
    "that nothing links to you any more",
    "one-way hashes of your email and account ids (never the values themselves), so that no "
    "directory sync adds you back; typing rejoin removes them",
)


class PersonData(Protocol):
    """Every row linked to one person: gathered for an export, erased or anonymised on request."""

    def records(self, workspace_id: str, person_id: str) -> dict[str, Any] | None:
        """The person's data as JSON-ready sections, or None when they are not in the directory."""
        ...

    def erase(self, workspace_id: str, person_id: str) -> Erasure:
        """Delete or anonymise everything linked to the person (in the caller's transaction)."""
        ...


class ForgottenAccounts(Protocol):
    """Who asked to be forgotten, as keyed hashes only: kind "email", or a platform's user id.

    A platform (a profile sync, a roster, a click) must not bring such a person back; only
    their own `rejoin` removes the hashes. Values are hashed after `account_value` tidies them.
    """

    def add(self, workspace_id: str, kind: str, value: str, on: date) -> None:
        """Remember that the owner of this email or account asked to be forgotten on a date."""
        ...

    def forgotten_on(self, workspace_id: str, kind: str, value: str) -> date | None:
        """When the owner of this email or account asked to be forgotten, or None."""
        ...

    def remove(self, workspace_id: str, kind: str, value: str) -> int:
        """Forget that this email or account asked to be forgotten; returns rows removed."""
        ...


def account_value(kind: str, value: str) -> str:
    """The form an email or account id is hashed in (emails and Entra ids ignore case)."""
    value = value.strip()
    return value.lower() if kind in (EMAIL, "teams-aad") else value


@dataclass(frozen=True, slots=True)
class Erasure:
    """What an erasure did, per table: rows deleted, rows kept without the person."""

    deleted: Mapping[str, int] = field(default_factory=dict)
    anonymised: Mapping[str, int] = field(default_factory=dict)

    @property
    def found(self) -> bool:
        """Whether anything was linked to the person at all."""
        return any(self.deleted.values()) or any(self.anonymised.values())


def bound_value(person_id: str, now: datetime, ttl: timedelta = CONFIRM_TTL) -> str:
    """A button (or file offer) value bound to one person, expiring after ttl."""
    return pack(person_id, str(int((now + ttl).timestamp())))


def read_bound_value(value: str) -> tuple[str, datetime]:
    """The person and expiry in a bound value (ValueError when malformed)."""
    person_id, expires = unpack(value, 2)
    return person_id, datetime.fromtimestamp(int(expires), tz=UTC)
