"""The audit log: who looked at which results, who changed roles and settings. Append-only.

People never appear in it directly. An actor or subject who is a person is stored as
`person:<pseudonym>`, where the pseudonym is random and kept in a separate mapping table; erasing
a person deletes their mapping row, and every entry about them becomes unlinkable without the
log itself being touched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

PERSON_PREFIX = "person:"
TEAM_PREFIX = "team:"
ORGANISATION = "organisation"
FORGOTTEN = "a forgotten person"

# Who acted when no person did: the command line, a platform's own admin flag, TEAMWELL_ADMINS,
# a people.csv import, or Teamwell's own scheduled work.
SYSTEM_ACTORS = frozenset({"cli", "slack", "teams", "config", "import", "teamwell"})

DetailValue = str | int | float | bool | None | list[str]
Detail = Mapping[str, DetailValue]


class Action(StrEnum):
    """What an audit entry records."""

    VIEW_RESULTS = "view_results"
    VIEW_COMMENTS = "view_comments"
    REFUSED = "refused"
    ROLE_CHANGE = "role_change"
    CONFIG_CHANGE = "config_change"
    EXPORT = "export"
    DELETION = "deletion"
    DIGEST_SENT = "digest_sent"
    VIEW_AUDIT = "view_audit"


@dataclass(frozen=True, slots=True)
class Someone:
    """A person named in an entry; stored only as their pseudonym."""

    person_id: str


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One line of the audit log; id is None until stored (then it gives the order)."""

    workspace_id: str
    at: datetime
    actor: str
    action: Action
    subject: str = ""
    detail: Detail = field(default_factory=dict)
    id: int | None = None


def person_ref(pseudonym: str) -> str:
    """How a pseudonymous person is written in an entry's actor or subject."""
    return PERSON_PREFIX + pseudonym


def team_ref(team_id: str) -> str:
    """How a team is written in an entry's subject."""
    return TEAM_PREFIX + team_id


def pseudonym_of(ref: str) -> str | None:
    """The pseudonym in a person reference, or None when ref is not one."""
    return ref[len(PERSON_PREFIX):] if ref.startswith(PERSON_PREFIX) else None


def check_label(label: str) -> str:
    """A system actor label, refusing anything else (a raw person id must never be stored)."""
    if label not in SYSTEM_ACTORS:
        raise ValueError(f"unknown audit actor {label!r}; people are recorded as Someone(...)")
    return label


class AuditLog(Protocol):
    """The append-only audit log and its pseudonym mapping. Entries are never changed."""

    def add(self, entry: AuditEntry) -> None:
        """Append an entry (part of the caller's transaction)."""
        ...

    def pseudonym(self, workspace_id: str, person_id: str) -> str:
        """The person's pseudonym, created (random) on first use."""
        ...

    def people_of(self, workspace_id: str, pseudonyms: Sequence[str]) -> dict[str, str]:
        """Person ids of the pseudonyms that still map to someone."""
        ...

    def forget(self, workspace_id: str, person_id: str) -> bool:
        """Delete the person's pseudonym mapping (erasure); True when there was one."""
        # Record the erasure itself before this: an entry about them afterwards maps them anew.
        ...

    # Last: once `list` is defined, `list[...]` in later annotations would mean this method.
    def list(self, workspace_id: str, since: datetime | None = None,
             action: Action | None = None) -> list[AuditEntry]:
        """Entries of the workspace at or after since, oldest first."""
        ...
