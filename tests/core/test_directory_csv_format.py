"""How the people CSV copes with real files: encodings, separators, quotes, odd cells."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from teamwell.core.directory_csv import RowError, parse_people_csv

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "email,name,manager_email,team,start_date,birthday,timezone\n"


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
