"""The people.csv format: read the file HR exports into good rows and per-line problems.

people.csv columns (header names are case-insensitive; spaces and hyphens count as underscores):
  email, name                      required
  manager_email, team, start_date, birthday, timezone   optional
  buddy_email, locale, role (or roles)                  optional extras
Commas, semicolons or tabs separate cells (whichever the header line uses most).
Unknown columns are ignored. Empty cells mean "not given" and never erase stored values.
Every physical line is one row: no value spans lines, so a problem never reaches past its line.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from teamwell.core.directory import (
    normalize_email,
    normalize_locale,
    parse_birthday,
    parse_iso_date,
    parse_roles,
)
from teamwell.core.people import Role, valid_timezone

REQUIRED_COLUMNS = ("email", "name")
OPTIONAL_COLUMNS = ("manager_email", "team", "start_date", "birthday", "timezone",
                    "buddy_email", "locale", "roles")
COLUMN_ALIASES = {"role": "roles", "time_zone": "timezone", "tz": "timezone",
                  "manager": "manager_email", "buddy": "buddy_email", "full_name": "name"}
MAX_NAME = 200
# No directory value comes close; a longer cell is a paste accident and is never echoed back.
MAX_CELL = 1000

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


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


def _cell_problems(cells: dict[str, str], delimiter: str) -> list[str]:
    """Cells no check should echo or store: far too long, or holding control characters."""
    problems: list[str] = []
    for column, value in cells.items():
        if len(value) > MAX_CELL:
            problems.append(f"{column} is longer than {MAX_CELL} characters (no directory value "
                            "is that long; check that the cells line up with the header)")
            continue
        # PostgreSQL refuses NUL in text; other control characters are invisible paste noise.
        bad = next((c for c in value if unicodedata.category(c) == "Cc"
                    and not (c == "\t" and delimiter == "\t")), None)
        if bad is not None:
            problems.append(f"{column} contains an invisible control character "
                            f"(U+{ord(bad):04X}); retype the value without it")
    return problems


def _cells(line: str, delimiter: str) -> tuple[list[str], str | None]:
    """The stripped cells of one physical line, or a problem that makes the line unreadable."""
    try:
        # The line holds no line break, so one in a cell means a quote was left open.
        record = next(csv.reader([line + "\n"], delimiter=delimiter, strict=False), [])
    except csv.Error as exc:
        if "field limit" in str(exc):
            return [], (f"a value is longer than {MAX_CELL} characters (no directory value is "
                        "that long; check for a stray double quote)")
        return [], f"cannot be read as CSV ({exc})"
    if any("\n" in cell for cell in record):
        return [], ("a quote is not closed (add the closing double quote; a value cannot run "
                    "onto the next line)")
    return [cell.strip() for cell in record], None


def _delimiter(header: str) -> str:
    # Spreadsheets in many European locales save "CSV" with semicolons (or tabs).
    return max(",;\t", key=lambda d: (header.count(d), d == ","))


def parse_people_csv(text: str) -> CsvParse:
    """Read people.csv: good rows are kept, each bad row is reported by its physical line."""
    lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))
    delimiter = _delimiter(lines[0])
    header, problem = _cells(lines[0], delimiter)
    positions, problems = _header(header) if problem is None else ({}, [problem])
    if problems:
        if not header and problem is None:
            problems = ["the file is empty (the first line must name the columns; "
                        f"required: {', '.join(REQUIRED_COLUMNS)})"]
        return CsvParse([], [RowError(1, p) for p in problems])
    width = len(header)
    rows: list[CsvPerson] = []
    errors: list[RowError] = []
    accepted_on: dict[str, int] = {}
    for line, raw in enumerate(lines[1:], start=2):
        cells, problem = _cells(raw, delimiter)
        if problem is not None:
            errors.append(RowError(line, problem))
            continue
        if not any(cells):
            continue
        if len(cells) > width and any(cells[width:]):
            errors.append(RowError(line, f"has {len(cells)} values but the header has "
                                   f"{width} columns (put values containing commas in "
                                   "double quotes)"))
            continue
        values = {k: cells[i] if i < len(cells) else "" for k, i in positions.items()}
        cell_problems = _cell_problems(values, delimiter)
        person, row_problems = (None, cell_problems) if cell_problems else _row(line, values)
        errors.extend(RowError(line, p) for p in row_problems)
        email = normalize_email(values["email"])
        # Only an accepted row claims its email: a rejected row's fix may follow it.
        if email is not None and email in accepted_on:
            errors.append(RowError(line, f"email {email} already appears on line "
                                   f"{accepted_on[email]} (list each person once)"))
        elif person is not None:
            accepted_on[person.email] = line
            rows.append(person)
    return CsvParse(rows, errors)
