"""The people.csv rules and the directory's small pure helpers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from teamwell.core.directory import (
    BIRTHDAY_YEAR,
    creates_cycle,
    is_new_joiner,
    is_upcoming_hire,
    normalize_email,
    normalize_locale,
)
from teamwell.core.directory_csv import CsvPerson, parse_people_csv
from teamwell.core.people import Role

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "email,name,manager_email,team,start_date,birthday,timezone\n"


def _messages(text: str) -> list[str]:
    return [str(e) for e in parse_people_csv(text).errors]


def test_a_good_row_becomes_a_person_with_normalised_values() -> None:
    text = HEADER + (" Ana.Lima@Example.COM , Ana Lima ,BOSS@example.com, Platform ,2026-03-16,"
                     "05-21,Europe/Lisbon\n")

    parsed = parse_people_csv(text)

    assert parsed.errors == []
    assert parsed.rows == [CsvPerson(
        line=2, email="ana.lima@example.com", name="Ana Lima", manager_email="boss@example.com",
        team="Platform", start_date=date(2026, 3, 16), birthday=date(BIRTHDAY_YEAR, 5, 21),
        timezone="Europe/Lisbon",
    )]


def test_empty_optional_cells_mean_not_given() -> None:
    parsed = parse_people_csv(HEADER + "ana@example.com,Ana,,,,,\n")

    (row,) = parsed.rows
    assert (row.manager_email, row.team, row.start_date, row.birthday, row.timezone) == (
        None, None, None, None, None)


def test_only_email_and_name_are_required() -> None:
    parsed = parse_people_csv("email,name\nana@example.com,Ana\n")

    assert parsed.errors == []
    assert [r.email for r in parsed.rows] == ["ana@example.com"]


def test_header_names_are_case_insensitive_trimmed_and_unknown_columns_are_ignored() -> None:
    text = (" EMAIL ,Full Name,Manager-Email,Employee ID,Time Zone\n"
            "ana@example.com,Ana,bo@example.com,E-1,Asia/Tokyo\n")

    (row,) = parse_people_csv(text).rows

    assert (row.name, row.manager_email, row.timezone) == ("Ana", "bo@example.com", "Asia/Tokyo")


def test_a_birthday_keeps_only_month_and_day() -> None:
    text = ("email,name,birthday\na@example.com,A,1990-05-21\nb@example.com,B,02-29\n"
            "c@example.com,C,--12-01\n")

    birthdays = [r.birthday for r in parse_people_csv(text).rows]

    assert birthdays == [date(BIRTHDAY_YEAR, 5, 21), date(BIRTHDAY_YEAR, 2, 29),
                         date(BIRTHDAY_YEAR, 12, 1)]


def test_optional_locale_roles_and_buddy_columns_are_read() -> None:
    text = ("email,name,locale,role,buddy_email\n"
            "a@example.com,A,pt_br,Manager; ADMIN,b@example.com\n")

    (row,) = parse_people_csv(text).rows

    assert (row.locale, row.roles, row.buddy_email) == (
        "pt-BR", frozenset({Role.MANAGER, Role.ADMIN}), "b@example.com")


@pytest.mark.parametrize(("row", "message"), [
    ("ana@example.com,Ana,,,2026-13-01,,",
     "line 2: start_date '2026-13-01' is not a date (use YYYY-MM-DD)"),
    ("ana@example.com,Ana,,,2026-3-1,,",
     "line 2: start_date '2026-3-1' is not a date (use YYYY-MM-DD)"),
    ("ana@example.com,Ana,,,20260301,,",
     "line 2: start_date '20260301' is not a date (use YYYY-MM-DD)"),
    ("ana@example.com,Ana,,,,31-12,",
     "line 2: birthday '31-12' is not a date (use YYYY-MM-DD or MM-DD)"),
    ("ana@example.com,Ana,,,,,Europe/Pariss",
     "line 2: timezone 'Europe/Pariss' is not a known time zone (use an IANA name such as "
     "Europe/Paris or America/New_York)"),
    ("ana@example,Ana,,,,,",
     "line 2: email 'ana@example' is not an email address (use name@example.com)"),
    (",Ana,,,,,", "line 2: email is empty (every person needs an email address)"),
    ("ana@example.com,,,,,,", "line 2: name is empty (give the person's full name)"),
    ("ana@example.com,Ana,ANA@example.com,,,,",
     "line 2: manager_email is the person's own email (leave it empty or name someone else)"),
    ("ana@example.com,Ana,boss at example.com,,,,",
     "line 2: manager_email 'boss at example.com' is not an email address (use name@example.com)"),
    ("ana@example.com,Smith, Ana,,,2026-03-16,,Europe/Paris",
     "line 2: has 8 values but the header has 7 columns (put values containing commas in "
     "double quotes)"),
])
def test_a_bad_row_is_reported_by_line_with_what_to_do(row: str, message: str) -> None:
    parsed = parse_people_csv(HEADER + row + "\n")

    assert parsed.rows == []
    assert [str(e) for e in parsed.errors] == [message]


def test_every_problem_of_a_row_is_reported() -> None:
    messages = _messages(HEADER + "ana@example.com,,,,2026-02-30,,Nowhere/Town\n")

    assert [m.split(":")[1].split()[0] for m in messages] == ["name", "start_date", "timezone"]


def test_unknown_roles_and_locales_are_errors() -> None:
    messages = _messages("email,name,roles,locale\na@example.com,A,boss,english please\n")

    assert messages == [
        "line 2: locale 'english please' is not a locale (use a code such as en-US)",
        "line 2: roles 'boss' has an unknown role (use employee, manager or admin, separated "
        "by ';')",
    ]


def test_good_rows_are_kept_when_others_are_bad() -> None:
    text = HEADER + "a@example.com,A,,,,,\nbad,B,,,,,\nc@example.com,C,,,,,\n"

    parsed = parse_people_csv(text)

    assert [r.email for r in parsed.rows] == ["a@example.com", "c@example.com"]
    assert [e.line for e in parsed.errors] == [3]


def test_a_repeated_email_is_an_error_naming_the_first_line() -> None:
    text = HEADER + "a@example.com,A,,,,,\nb@example.com,B,,,,,\nA@Example.com,A again,,,,,\n"

    parsed = parse_people_csv(text)

    assert [r.name for r in parsed.rows] == ["A", "B"]
    assert [str(e) for e in parsed.errors] == [
        "line 4: email a@example.com already appears on line 2 (list each person once)"]


def test_a_rejected_row_does_not_claim_its_email_so_the_corrected_row_is_imported() -> None:
    text = ("email,name,start_date\na@example.com,A,2026-13-01\na@example.com,A,2026-03-16\n"
            "a@example.com,A again,\n")

    parsed = parse_people_csv(text)

    assert [(r.line, r.start_date) for r in parsed.rows] == [(3, date(2026, 3, 16))]
    assert [str(e) for e in parsed.errors] == [
        "line 2: start_date '2026-13-01' is not a date (use YYYY-MM-DD)",
        "line 4: email a@example.com already appears on line 3 (list each person once)"]


@pytest.mark.parametrize(("text", "message"), [
    ("name,team\nAna,Platform\n", "line 1: the header has no 'email' column (the first line "
     "must name the columns; required: email, name)"),
    ("team\nPlatform\n", "line 1: the header has no 'email' and 'name' column (the first line "
     "must name the columns; required: email, name)"),
    ("ana@example.com,Ana\n", "line 1: the header has no 'email' and 'name' column (the first "
     "line must name the columns; required: email, name)"),
    ("", "line 1: the file is empty (the first line must name the columns; required: email, "
     "name)"),
    ("email,name,Email\na@example.com,A,b@example.com\n",
     "line 1: the column 'email' appears twice in the header (keep one)"),
])
def test_a_bad_header_is_one_clear_error_and_nothing_is_read(text: str, message: str) -> None:
    parsed = parse_people_csv(text)

    assert parsed.rows == []
    assert [str(e) for e in parsed.errors] == [message]


@pytest.mark.parametrize(("value", "expected"), [
    (" Ana@Example.COM ", "ana@example.com"), ("ana@example", None), ("a b@example.com", None),
    ("@example.com", None), ("ana@@example.com", None),
])
def test_emails_are_checked_simply_and_lowercased(value: str, expected: str | None) -> None:
    assert normalize_email(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("en-us", "en-US"), ("pt_BR", "pt-BR"), ("zh-hant-tw", "zh-Hant-TW"), ("de", "de"),
    ("english", None), ("e", None),
])
def test_locales_are_normalised(value: str, expected: str | None) -> None:
    assert normalize_locale(value) == expected


def test_a_reporting_loop_is_detected() -> None:
    managers: dict[str, str | None] = {"ceo": None, "vp": "ceo", "lead": "vp", "dev": "lead"}

    assert creates_cycle("ceo", "dev", managers)
    assert creates_cycle("vp", "vp", managers)
    assert not creates_cycle("dev", "vp", managers)
    assert not creates_cycle("new", "dev", managers)


def test_upcoming_hires_start_today_or_later() -> None:
    today = date(2026, 3, 2)

    assert is_upcoming_hire(date(2026, 3, 2), today)
    assert is_upcoming_hire(date(2026, 4, 1), today)
    assert not is_upcoming_hire(date(2026, 3, 1), today)
    assert not is_upcoming_hire(None, today)


def test_joining_the_platform_counts_as_new_unless_the_start_date_is_well_past() -> None:
    today = date(2026, 3, 2)

    assert is_new_joiner(date(2026, 3, 16), today, already_listed=True)
    assert is_new_joiner(date(2026, 2, 23), today, already_listed=True)
    assert not is_new_joiner(date(2026, 2, 22), today, already_listed=False)
    assert not is_new_joiner(date(2021, 2, 1), today, already_listed=True)


def test_without_a_start_date_only_a_stranger_counts_as_a_new_joiner() -> None:
    today = date(2026, 3, 2)

    assert is_new_joiner(None, today, already_listed=False)
    assert not is_new_joiner(None, today, already_listed=True)
