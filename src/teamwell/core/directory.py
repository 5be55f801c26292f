"""The people directory's rules: platform profiles and the people.csv format.

people.csv columns (header names are case-insensitive; spaces and hyphens count as underscores):
  email, name                      required
  manager_email, team, start_date, birthday, timezone   optional
  buddy_email, locale, role (or roles)                  optional extras
Commas, semicolons or tabs separate cells (whichever the header line uses most).
Unknown columns are ignored. Empty cells mean "not given" and never erase stored values.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from teamwell.core.people import Role, valid_timezone

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("manager_email", "team", "start_date", "birthday", "timezone",
                    "buddy_email", "locale", "roles")
COLUMN_ALIASES = {"role": "roles", "time_zone": "timezone", "tz": "timezone",
                  "manager": "manager_email", "buddy": "buddy_email", "full_name": "name"}
# Birthdays are only ever celebrated, never used to compute an age, so the year is dropped
# (data minimisation) and every birthday is stored in leap year 2000, which also keeps 29 Feb.
BIRTHDAY_YEAR = 2000
# Someone who joins the chat platform up to a week after their start date is still a new hire.
JOIN_GRACE = timedelta(days=7)
MAX_NAME = 200
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


@dataclass(frozen=True, slots=True)
class CsvPerson:
    """One good row of people.csv; None means the cell was empty (keep what is stored)."""

    line: int
    email: str
    name: str
    manager_email: str | None = None
    team: str | None = None
    start_date: date | None = None
    birthday: date | None = None
    timezone: str | None = None
    locale: str | None = None
    buddy_email: str | None = None
    roles: frozenset[Role] = frozenset()


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem on one physical line of the file (line 1 is the header)."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class CsvParse:
    """The good rows and the problems of one people.csv; a row with any problem is left out."""

    rows: list[CsvPerson]
    errors: list[RowError]


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


def _header(cells: list[str]) -> tuple[dict[str, int], list[str]]:
    """Map known column names to positions; return problems with the header."""
    positions: dict[str, int] = {}
    problems: list[str] = []
    for index, cell in enumerate(cells):
        key = re.sub(r"[\s\-]+", "_", cell.strip().lower())
        key = COLUMN_ALIASES.get(key, key)
        if key not in REQUIRED_COLUMNS and key not in OPTIONAL_COLUMNS:
            continue
        if key in positions:
            problems.append(f"the column '{key}' appears twice in the header (keep one)")
        positions[key] = index
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        names = " and ".join(f"'{c}'" for c in missing)
        problems.append(f"the header has no {names} column (the first line must name the "
                        f"columns; required: {', '.join(REQUIRED_COLUMNS)})")
    return positions, problems


def _email_cell(column: str, value: str, problems: list[str]) -> str | None:
    if not value:
        return None
    email = normalize_email(value)
    if email is None:
        problems.append(f"{column} '{value}' is not an email address (use name@example.com)")
    return email


def _row(line: int, cells: dict[str, str]) -> tuple[CsvPerson | None, list[str]]:
    """Check one row's cells; a person only when there is no problem."""
    problems: list[str] = []
    email = _email_cell("email", cells["email"], problems)
    if not cells["email"]:
        problems.append("email is empty (every person needs an email address)")
    name = cells["name"]
    if not name:
        problems.append("name is empty (give the person's full name)")
    elif len(name) > MAX_NAME:
        problems.append(f"name is longer than {MAX_NAME} characters (shorten it)")
    manager = _email_cell("manager_email", cells.get("manager_email", ""), problems)
    buddy = _email_cell("buddy_email", cells.get("buddy_email", ""), problems)
    for column, other in (("manager_email", manager), ("buddy_email", buddy)):
        if email is not None and other == email:
            problems.append(f"{column} is the person's own email (leave it empty or name "
                            "someone else)")
    team = cells.get("team", "")
    if len(team) > MAX_NAME:
        problems.append(f"team is longer than {MAX_NAME} characters (shorten it)")
    start_date = parse_iso_date(raw_start) if (raw_start := cells.get("start_date", "")) else None
    if raw_start and start_date is None:
        problems.append(f"start_date '{raw_start}' is not a date (use YYYY-MM-DD)")
    birthday = parse_birthday(raw_bday) if (raw_bday := cells.get("birthday", "")) else None
    if raw_bday and birthday is None:
        problems.append(f"birthday '{raw_bday}' is not a date (use YYYY-MM-DD or MM-DD)")
    timezone = cells.get("timezone", "")
    if timezone and not valid_timezone(timezone):
        problems.append(f"timezone '{timezone}' is not a known time zone (use an IANA name "
                        "such as Europe/Paris or America/New_York)")
    locale = normalize_locale(raw_locale) if (raw_locale := cells.get("locale", "")) else None
    if raw_locale and locale is None:
        problems.append(f"locale '{raw_locale}' is not a locale (use a code such as en-US)")
    roles = parse_roles(cells.get("roles", ""))
    if roles is None:
        problems.append(f"roles '{cells['roles']}' has an unknown role (use employee, "
                        "manager or admin, separated by ';')")
    if problems or email is None or roles is None:
        return None, problems
    return CsvPerson(
        line=line, email=email, name=name, manager_email=manager, team=team or None,
        start_date=start_date, birthday=birthday, timezone=timezone or None, locale=locale,
        buddy_email=buddy, roles=roles,
    ), problems


def _delimiter(text: str) -> str:
    # Spreadsheets in many European locales save "CSV" with semicolons (or tabs).
    first = text.split("\n", 1)[0]
    return max(",;\t", key=lambda d: (first.count(d), d == ","))


def parse_people_csv(text: str) -> CsvParse:
    """Read people.csv: good rows are kept, each bad row is reported by its physical line."""
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=False)
    rows: list[CsvPerson] = []
    errors: list[RowError] = []
    try:
        header = next(reader)
    except StopIteration:
        header = []
    positions, problems = _header(header)
    if problems:
        if not header:
            problems = ["the file is empty (the first line must name the columns; "
                        f"required: {', '.join(REQUIRED_COLUMNS)})"]
        return CsvParse([], [RowError(1, p) for p in problems])
    width = len(header)
    first_line_of: dict[str, int] = {}
    last_line = reader.line_num
    try:
        for record in reader:
            # A quoted cell may span lines: a record starts on the line after the previous one.
            line, last_line = last_line + 1, reader.line_num
            cells = [c.strip() for c in record]
            if not any(cells):
                continue
            if last_line > line:
                # No directory value spans lines: this is almost always a missing closing quote.
                errors.append(RowError(line, f"a value runs over lines {line}-{last_line} "
                                       "(check for a missing closing double quote)"))
                continue
            if len(cells) > width and any(cells[width:]):
                errors.append(RowError(line, f"has {len(cells)} values but the header has "
                                       f"{width} columns (put values containing commas in "
                                       "double quotes)"))
                continue
            values = {k: cells[i] if i < len(cells) else "" for k, i in positions.items()}
            person, row_problems = _row(line, values)
            errors.extend(RowError(line, p) for p in row_problems)
            email = normalize_email(values["email"])
            if email is not None and email in first_line_of:
                errors.append(RowError(line, f"email {email} already appears on line "
                                       f"{first_line_of[email]} (list each person once)"))
                continue
            first_line_of.update({email: line} if email else {})
            rows += [person] if person else []
    except csv.Error as exc:
        errors.append(RowError(reader.line_num, f"cannot be read as CSV ({exc}); nothing after "
                               "it was imported (check the quotes on this line)"))
    return CsvParse(rows, errors)
