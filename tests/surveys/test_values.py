"""Company values are validated data; every error names the file, the value and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teamwell.surveys.values import (
    DATA_DIR,
    DEFAULT_VALUES,
    MAX_VALUES,
    CompanyValue,
    InvalidValues,
    load_values,
)

GOOD = """
[[values]]
id = "teamwork"
name = "Teamwork"
description = "Makes the people around them better."
emoji = ":handshake:"

[[values]]
id = "ownership"
name = "Ownership"
description = "Sees things through."
"""


def _write(directory: Path, body: str) -> Path:
    path = directory / "values.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _swap(old: str, new: str, body: str = GOOD) -> str:
    assert body.count(old) == 1, old
    return body.replace(old, new)


def _value(n: int) -> str:
    return f'\n[[values]]\nid = "value-{n}"\nname = "Value {n}"\ndescription = "Number {n}."\n'


def _error(tmp_path: Path, body: str) -> str:
    path = _write(tmp_path, body)
    with pytest.raises(InvalidValues) as caught:
        load_values(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    return message


def test_the_shipped_values_load_from_their_own_folder() -> None:
    values = load_values()

    assert DEFAULT_VALUES.parent == DATA_DIR / "values"
    assert len(values.all()) == 5
    assert {"#teamwork", "#ownership", "#curiosity"} <= set(values.tags())


def test_the_shipped_values_are_not_in_the_folder_read_as_onboarding_sequences() -> None:
    assert DEFAULT_VALUES not in set(DATA_DIR.glob("*.toml"))


def test_every_shipped_value_has_a_name_a_description_and_an_emoji() -> None:
    values = load_values().all()

    assert all(v.name and v.description and v.emoji for v in values)
    assert all(re.fullmatch(r":[a-z0-9_+-]+:", v.emoji or "") for v in values)


def test_a_value_is_found_by_its_tag_in_any_case_with_or_without_the_hash(tmp_path: Path) -> None:
    values = load_values(_write(tmp_path, GOOD))

    found = [values.get(tag) for tag in ("teamwork", "#TeamWork", "  #teamwork ", "TEAMWORK")]

    assert [v.id if v else None for v in found] == ["teamwork"] * 4
    assert values.get("#team") is None
    assert values.get("##teamwork") is None


def test_values_keep_file_order_and_optional_emoji(tmp_path: Path) -> None:
    values = load_values(_write(tmp_path, GOOD))

    assert values.tags() == ("#teamwork", "#ownership")
    assert values.all()[1] == CompanyValue("ownership", "Ownership", "Sees things through.")
    assert values.all()[0].label == ":handshake: Teamwork"
    assert values.all()[1].label == "Ownership"


def test_an_unknown_field_is_named_with_the_value(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('emoji = ":handshake:"', 'emoij = ":handshake:"'))

    assert "value #1 (teamwork)" in message
    assert "field 'emoij': unknown field" in message


def test_an_unknown_top_level_key_is_named(tmp_path: Path) -> None:
    message = _error(tmp_path, 'title = "Ours"\n' + GOOD)

    assert "field 'title': unknown field" in message


@pytest.mark.parametrize(("field", "line"), [
    ("id", 'id = "ownership"\n'),
    ("name", 'name = "Ownership"\n'),
    ("description", 'description = "Sees things through."\n'),
])
def test_a_missing_field_is_named_with_the_value_position(tmp_path: Path, field: str,
                                                          line: str) -> None:
    message = _error(tmp_path, _swap(line, ""))

    assert "value #2" in message
    assert f"field '{field}': is missing" in message


@pytest.mark.parametrize("bad_id", ["Teamwork", "-team", "team work", "#team", "a" * 33, "123", ""])
def test_a_bad_id_is_refused_naming_the_value_and_the_field(tmp_path: Path, bad_id: str) -> None:
    message = _error(tmp_path, _swap('id = "teamwork"', f'id = "{bad_id}"'))

    assert "value #1: field 'id'" in message
    assert repr(bad_id) in message


def test_an_id_that_is_a_number_is_refused_because_it_reads_as_an_issue_number(
        tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('id = "teamwork"', 'id = "2024"'))

    assert "at least one letter" in message


def test_a_duplicate_id_names_both_values(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('id = "ownership"', 'id = "teamwork"'))

    assert "value #2 (teamwork): field 'id': same id as value #1 (teamwork)" in message


def test_a_duplicate_name_in_another_case_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('name = "Ownership"', 'name = "TEAMWORK"'))

    assert "value #2 (ownership): field 'name': same name as value #1 (teamwork)" in message


def test_a_name_over_40_characters_is_refused_with_its_length(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('name = "Ownership"', f'name = "{"x" * 41}"'))

    assert "value #2 (ownership): field 'name': is 41 characters long; at most 40" in message


def test_a_description_over_200_characters_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('"Sees things through."', f'"{"y" * 201}"'))

    assert "field 'description': is 201 characters long; at most 200" in message


def test_a_name_with_a_control_character_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('name = "Ownership"', 'name = "Own\\u202Eership"'))

    assert "field 'name': contains a control character (U+202E)" in message


@pytest.mark.parametrize("emoji", ["rocket", ":Rocket:", ":rocket", "🚀", ":a b:", "::"])
def test_an_emoji_that_is_not_a_shortcode_is_refused(tmp_path: Path, emoji: str) -> None:
    message = _error(tmp_path, _swap('":handshake:"', f'"{emoji}"'))

    assert "value #1 (teamwork): field 'emoji'" in message
    assert "':rocket:'" in message


def test_an_emoji_that_is_not_text_is_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, _swap('":handshake:"', "1"))

    assert "field 'emoji'" in message


def test_a_file_without_values_is_refused(tmp_path: Path) -> None:
    assert "field 'values': is missing" in _error(tmp_path, "# nothing here\n")
    assert "field 'values': has 0 values; a file needs 1 to 20" in _error(tmp_path, "values = []")


def test_more_than_twenty_values_are_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, "".join(_value(n) for n in range(MAX_VALUES + 1)))

    assert "field 'values': has 21 values; a file needs 1 to 20" in message


def test_twenty_values_are_fine(tmp_path: Path) -> None:
    values = load_values(_write(tmp_path, "".join(_value(n) for n in range(MAX_VALUES))))

    assert len(values.tags()) == MAX_VALUES


def test_values_written_as_a_plain_list_are_refused(tmp_path: Path) -> None:
    message = _error(tmp_path, 'values = ["teamwork"]')

    assert "value #1: field 'values': must be a table" in message


def test_a_file_that_is_not_toml_names_the_problem(tmp_path: Path) -> None:
    message = _error(tmp_path, "[[values]\n")

    assert "not valid TOML" in message


def test_a_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"

    with pytest.raises(InvalidValues, match="cannot read the file") as caught:
        load_values(missing)

    assert str(caught.value).startswith(str(missing))
