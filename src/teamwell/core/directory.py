"""The people directory's rules: platform profiles, directory values and who is a new hire.

The people.csv format itself lives in teamwell.core.directory_csv.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from teamwell.core.people import Role

# Birthdays are only ever celebrated, never used to compute an age, so the year is dropped
# (data minimisation) and every birthday is stored in leap year 2000, which also keeps 29 Feb.
BIRTHDAY_YEAR = 2000
# Someone who joins the chat platform up to a week after their start date is still a new hire.
JOIN_GRACE = timedelta(days=7)
MAX_EMAIL = 320

_EMAIL = re.compile(r"^[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\".]{2,}$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_DAY = re.compile(r"^-{0,2}\d{2}-\d{2}$")
_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$")
_ROLE_SPLIT = re.compile(r"[\s,;|/]+")


@dataclass(frozen=True, slots=True)
class Profile:
    """A platform-neutral directory entry, as a chat platform reports one of its users."""

    platform: str
    external_id: str
    name: str
    email: str | None = None
    # None: the platform did not say, so whatever the directory holds is kept.
    timezone: str | None = None
    locale: str | None = None
    is_bot: bool = False
    deleted: bool = False
    is_admin: bool = False
    title: str | None = None
    # Guests (contractors, clients) are only linked when HR has listed them; never created.
    is_guest: bool = False


def normalize_email(value: str) -> str | None:
    """The email lowercased and trimmed, or None when it does not look like an email."""
    email = value.strip().lower()
    return email if len(email) <= MAX_EMAIL and _EMAIL.match(email) else None


def normalize_locale(value: str) -> str | None:
    """A locale such as en-US (accepts en_us), or None when it is not one."""
    value = value.strip()
    if len(value) > 16 or not _LOCALE.match(value):
        return None
    parts = value.replace("_", "-").split("-")
    tail = [p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p for p in parts[1:]]
    return "-".join([parts[0].lower(), *tail])


def parse_iso_date(value: str) -> date | None:
    """A strict YYYY-MM-DD date, or None."""
    if not _ISO_DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_birthday(value: str) -> date | None:
    """A birthday from YYYY-MM-DD or MM-DD, stored in BIRTHDAY_YEAR, or None."""
    if _ISO_DATE.match(value):
        full = parse_iso_date(value)
        return full.replace(year=BIRTHDAY_YEAR) if full else None
    if _MONTH_DAY.match(value):
        return parse_iso_date(f"{BIRTHDAY_YEAR}-{value.lstrip('-')}")
    return None


def parse_roles(value: str) -> frozenset[Role] | None:
    """Roles separated by spaces, commas, semicolons or bars; None if any is unknown."""
    words = [w.lower() for w in _ROLE_SPLIT.split(value) if w]
    known = {r.value for r in Role}
    return None if any(w not in known for w in words) else frozenset(Role(w) for w in words)


def is_upcoming_hire(start_date: date | None, today: date) -> bool:
    """True when a listed start date is today or later: the import starts their onboarding."""
    return start_date is not None and start_date >= today


def is_new_joiner(start_date: date | None, today: date, *, already_listed: bool) -> bool:
    """True when someone joining the chat platform today counts as a new hire."""
    if start_date is None:
        # HR lists established staff without start dates; a stranger is presumably new.
        return not already_listed
    return start_date >= today - JOIN_GRACE


def creates_cycle(person_id: str, manager_id: str, managers: Mapping[str, str | None]) -> bool:
    """True when making manager_id the manager of person_id would loop back to person_id."""
    seen: set[str] = set()
    current: str | None = manager_id
    while current is not None and current not in seen:
        if current == person_id:
            return True
        seen.add(current)
        current = managers.get(current)
    return False
