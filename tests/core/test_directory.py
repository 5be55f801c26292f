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
from teamwell.core.directory_csv import CsvPerson, RowError, parse_people_csv
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


def test_a_byte_order_mark_and_windows_newlines_are_accepted() -> None:
    text = ("\ufeffemail,name,start_date\r\na@example.com,A,2026-03-16\r\n"
            "b@example.com,B,2026-99-01\r\n")

    parsed = parse_people_csv(text)

    assert [(r.email, r.start_date) for r in parsed.rows] == [("a@example.com", date(2026, 3, 16))]
    assert [e.line for e in parsed.errors] == [3]


def test_line_numbers_are_physical_lines_across_blank_lines() -> None:
    text = 'email,name,team\na@example.com,Ana,Platform\n\n,,\nbad-email,B,Platform\n'

    parsed = parse_people_csv(text)

    assert [r.name for r in parsed.rows] == ["Ana"]
    assert [e.line for e in parsed.errors] == [5]


def test_a_missing_closing_quote_is_an_error_on_its_line_only() -> None:
    text = 'email,name\n"a@example.com,A\nb@example.com,B\nc@example.com,C\n'

    parsed = parse_people_csv(text)

    assert [r.email for r in parsed.rows] == ["b@example.com", "c@example.com"]
    assert [str(e) for e in parsed.errors] == [
        "line 2: a quote is not closed (add the closing double quote; a value cannot run onto "
        "the next line)"]


def test_each_physical_line_is_read_on_its_own_so_no_value_spans_lines() -> None:
    text = 'email,name\r\na@example.com,"A\r\nB"\r\nbad,C\r\nc@example.com,"Lima, C"\r\n'

    parsed = parse_people_csv(text)

    assert [(r.email, r.name, r.line) for r in parsed.rows] == [("c@example.com", "Lima, C", 5)]
    assert [e.line for e in parsed.errors] == [2, 3, 3, 4]
    assert parsed.errors[0].message.startswith("a quote is not closed")


def test_a_quote_in_an_unknown_column_still_cannot_swallow_the_next_rows() -> None:
    text = 'email,name,notes\na@example.com,A,"said ""hi\nb@example.com,B,\n'

    parsed = parse_people_csv(text)

    assert [r.email for r in parsed.rows] == ["b@example.com"]
    assert [e.line for e in parsed.errors] == [2]


def test_a_header_with_an_open_quote_is_one_clear_error() -> None:
    parsed = parse_people_csv('"email,name\na@example.com,A\n')

    assert parsed.rows == []
    assert [e.line for e in parsed.errors] == [1]
    assert parsed.errors[0].message.startswith("a quote is not closed")


def test_a_value_too_large_for_the_csv_reader_is_an_error_on_its_line_only() -> None:
    text = 'email,name\na@example.com,A\nb@example.com,"' + "x" * 200_000 + '"\nc@example.com,C\n'

    parsed = parse_people_csv(text)

    assert [r.email for r in parsed.rows] == ["a@example.com", "c@example.com"]
    assert [str(e) for e in parsed.errors] == [
        "line 3: a value is longer than 1000 characters (no directory value is that long; "
        "check for a stray double quote)"]


def test_an_over_long_cell_is_an_error_naming_its_column_and_is_never_echoed() -> None:
    text = f"email,name,start_date\na@example.com,A,{'9' * 1001}\nb@example.com,B,\n"

    parsed = parse_people_csv(text)

    assert [r.email for r in parsed.rows] == ["b@example.com"]
    assert [str(e) for e in parsed.errors] == [
        "line 2: start_date is longer than 1000 characters (no directory value is that long; "
        "check that the cells line up with the header)"]


def test_a_long_cell_in_an_unknown_column_is_ignored_like_the_column() -> None:
    parsed = parse_people_csv(f"email,name,notes\na@example.com,A,{'n' * 5000}\n")

    assert parsed.errors == []
    assert [r.email for r in parsed.rows] == ["a@example.com"]


@pytest.mark.parametrize(("cell", "code"), [
    ("Ana\x00Lima", "U+0000"), ("Ana\x07", "U+0007"), ("Ana\x0bLima", "U+000B"),
    ("Ana\tLima", "U+0009"), ("Ana\x7f", "U+007F"), ("Ana\x85Lima", "U+0085"),
])
def test_a_control_character_in_a_cell_is_an_error_naming_the_column(cell: str,
                                                                      code: str) -> None:
    parsed = parse_people_csv(f'email,name\na@example.com,"{cell}"\nb@example.com,B\n')

    assert [r.email for r in parsed.rows] == ["b@example.com"]
    assert [str(e) for e in parsed.errors] == [
        f"line 2: name contains an invisible control character ({code}); retype the value "
        "without it"]


def test_a_tab_inside_a_cell_is_allowed_only_in_a_tab_separated_file() -> None:
    parsed = parse_people_csv('email\tname\na@example.com\t"Ana\tLima"\n')

    assert parsed.errors == []
    assert [r.name for r in parsed.rows] == ["Ana\tLima"]


def test_semicolon_separated_files_from_spreadsheets_are_read() -> None:
    parsed = parse_people_csv("email;name;team\na@example.com;Lima, Ana;Platform\n")

    assert [(r.name, r.team) for r in parsed.rows] == [("Lima, Ana", "Platform")]


def test_trailing_empty_cells_from_spreadsheets_are_harmless() -> None:
    parsed = parse_people_csv("email,name\na@example.com,A,,,\nb@example.com\n")

    assert [r.email for r in parsed.rows] == ["a@example.com"]
    assert [str(e) for e in parsed.errors] == [
        "line 3: name is empty (give the person's full name)"]


def test_the_example_org_file_parses_without_errors() -> None:
    parsed = parse_people_csv((FIXTURES / "people.csv").read_text(encoding="utf-8"))

    assert parsed.errors == []
    assert len(parsed.rows) == 12
    assert len({r.team for r in parsed.rows if r.team}) == 3


def test_the_bad_example_file_reports_each_bad_line() -> None:
    parsed = parse_people_csv((FIXTURES / "people_bad.csv").read_text(encoding="utf-8"))

    assert [r.line for r in parsed.rows] == [2, 11]
    assert sorted({e.line for e in parsed.errors}) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert RowError(8, "email jo.park@acme.example already appears on line 2 (list each "
                       "person once)") in parsed.errors


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
