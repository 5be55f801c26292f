"""People, teams and the relations between them (manager, buddy)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class Role(StrEnum):
    """What a person may see and do."""

    EMPLOYEE = "employee"
    MANAGER = "manager"
    ADMIN = "admin"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone in a workspace's directory. Ids are opaque strings; platform ids live at the edge."""

    id: str
    workspace_id: str
    name: str
    email: str | None = None
    team_id: str | None = None
    manager_id: str | None = None
    buddy_id: str | None = None
    start_date: date | None = None
    birthday: date | None = None
    timezone: str = "UTC"
    locale: str = "en-US"
    roles: frozenset[Role] = field(default_factory=lambda: frozenset({Role.EMPLOYEE}))
    active: bool = True
    introduced_at: datetime | None = None

    @property
    def zone(self) -> ZoneInfo:
        """The person's time zone (UTC if the stored name is unknown)."""
        return zone_or_utc(self.timezone)

    @property
    def is_manager(self) -> bool:
        """True when the person has the manager role."""
        return Role.MANAGER in self.roles

    @property
    def is_admin(self) -> bool:
        """True when the person has the admin role."""
        return Role.ADMIN in self.roles

    def with_roles(self, *extra: Role) -> Person:
        """Return a copy with the extra roles added."""
        return replace(self, roles=self.roles | frozenset(extra))


@dataclass(frozen=True, slots=True)
class Team:
    """A team; small teams roll up into their parent for reporting."""

    id: str
    workspace_id: str
    name: str
    parent_id: str | None = None


def valid_timezone(name: str) -> bool:
    """True when name is an IANA time zone this machine knows."""
    if not name or name.startswith("/") or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def zone_or_utc(name: str) -> ZoneInfo:
    """Return the named zone, or UTC when it is unknown."""
    return ZoneInfo(name) if valid_timezone(name) else ZoneInfo("UTC")


def choose_buddy(new_hire: Person, teammates: list[Person], load: dict[str, int]) -> Person | None:
    """Pick a buddy: an active teammate who is not the hire or their manager, least busy first."""
    candidates = [
        p
        for p in teammates
        if p.active
        and p.id != new_hire.id
        and p.id != new_hire.manager_id
        and (p.start_date is None or new_hire.start_date is None or p.start_date < new_hire.start_date)
    ]
    if not candidates:
        return None
    candidates.sort(key=lambda p: (load.get(p.id, 0), p.start_date or date.min, p.name, p.id))
    return candidates[0]
