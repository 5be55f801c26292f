"""Onboarding sequences are validated data; every error names the file, the step and the field."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest

from teamwell.core.errors import InvalidSequence
from teamwell.surveys.onboarding import (
    Audience,
    DayCount,
    StepKind,
    load_library,
    load_sequence,
)

HEADER = 'id = "custom"\nname = "Custom"\n'
GOOD_STEP = """
[[steps]]
id = "hello"
kind = "message"
day = 0
at = "09:00"
to = "new_hire"
title = "Hi {name}"
text = "Welcome! {buddy} will show you around."
"""


def _write(directory: Path, body: str, name: str = "seq.toml") -> Path:
    path = directory / name
    path.write_text(body, encoding="utf-8")
    return path


def test_the_default_sequence_has_the_agreed_steps() -> None:
    default = load_library().default()

    plan = [(s.id, s.kind, s.day, s.count, s.to) for s in default.steps]

    assert default.id == "default"
    assert ("prepare-first-week", StepKind.MANAGER_PROMPT, -3, DayCount.BUSINESS,
            Audience.MANAGER) in plan
    assert ("welcome", StepKind.MESSAGE, 0, DayCount.BUSINESS, Audience.NEW_HIRE) in plan
    assert ("buddy-heads-up", StepKind.INTRODUCTION, 0, DayCount.BUSINESS, Audience.BUDDY) in plan
    assert ("setup-checklist", StepKind.CHECKLIST, 1, DayCount.BUSINESS, Audience.NEW_HIRE) in plan
    checkins = [(s.day, s.count) for s in default.steps if s.kind is StepKind.CHECKIN]
    assert checkins == [(3, DayCount.BUSINESS), (7, DayCount.BUSINESS), (30, DayCount.CALENDAR),
                        (60, DayCount.CALENDAR), (90, DayCount.CALENDAR)]
    prompts = [s.day for s in default.steps if s.kind is StepKind.MANAGER_PROMPT]
    assert prompts == [-3, 30, 90]


def test_the_default_sequence_links_are_https_and_check_ins_have_five_labels() -> None:
    default = load_library().default()

    links = [link.url for s in default.steps for link in s.links]
    scales = [s.scale_labels for s in default.steps if s.kind is StepKind.CHECKIN]

    assert links and all(url.startswith("https://") for url in links)
    assert scales and all(len(labels) == 5 for labels in scales)
    assert default.step("welcome") is not None
    assert default.step("welcome").at == time(9, 0)  # type: ignore[union-attr]


def test_a_valid_file_loads_with_its_source_recorded(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + GOOD_STEP)

    sequence = load_sequence(path)

    assert sequence.id == "custom"
    assert sequence.source == str(path)
    assert [s.id for s in sequence.steps] == ["hello"]
    assert sequence.steps[0].count is DayCount.BUSINESS


BROKEN_STEPS = [
    ("unknown kind", GOOD_STEP.replace('"message"', '"poem"'), "'hello'", "kind"),
    ("unknown field", GOOD_STEP + 'colour = "red"\n', "'hello'", "colour"),
    ("time without leading zero", GOOD_STEP.replace('"09:00"', '"9:00"'), "'hello'", "at"),
    ("hour 24", GOOD_STEP.replace('"09:00"', '"24:00"'), "'hello'", "at"),
    ("missing title", GOOD_STEP.replace('title = "Hi {name}"\n', ""), "'hello'", "title"),
    ("missing id", GOOD_STEP.replace('id = "hello"\n', ""), "#1", "id"),
    ("upper-case id", GOOD_STEP.replace('"hello"', '"Hello"'), "'Hello'", "id"),
    ("boolean day", GOOD_STEP.replace("day = 0", "day = true"), "'hello'", "day"),
    ("negative day for the new hire", GOOD_STEP.replace("day = 0", "day = -2"), "'hello'", "day"),
    ("unknown recipient", GOOD_STEP.replace('"new_hire"', '"ceo"'), "'hello'", "to"),
    ("unknown count", GOOD_STEP + 'count = "lunar"\n', "'hello'", "count"),
    ("unknown placeholder", GOOD_STEP.replace("{buddy}", "{team}"), "'hello'", "text"),
    ("lone brace", GOOD_STEP.replace("Welcome!", "Welcome {"), "'hello'", "text"),
    ("duplicate step id", GOOD_STEP + GOOD_STEP, "'hello'", "id"),
    ("http link", """
[[steps]]
id = "links"
kind = "links"
day = 1
at = "10:00"
to = "new_hire"
title = "Links"
text = "Some links"
links = [{ label = "Handbook", url = "http://example.com/handbook" }]
""", "'links'", "links[1].url"),
    ("script link", """
[[steps]]
id = "links"
kind = "links"
day = 1
at = "10:00"
to = "new_hire"
title = "Links"
text = "Some links"
links = [{ label = "x", url = "https://ok.example" }, { label = "y", url = "javascript:alert(1)" }]
""", "'links'", "links[2].url"),
    ("duplicate task id", """
[[steps]]
id = "setup"
kind = "checklist"
day = 1
at = "10:00"
to = "new_hire"
title = "Setup"
text = "Tick these"
tasks = [{ id = "laptop", label = "Laptop" }, { id = "laptop", label = "Laptop again" }]
""", "'setup'", "tasks[2].id"),
    ("placeholder in a task label", """
[[steps]]
id = "setup"
kind = "checklist"
day = 1
at = "10:00"
to = "new_hire"
title = "Setup"
text = "Tick these"
tasks = [{ id = "one", label = "Meet {manager}" }]
""", "'setup'", "tasks[1].label"),
    ("checklist for the manager", """
[[steps]]
id = "setup"
kind = "checklist"
day = 1
at = "10:00"
to = "manager"
title = "Setup"
text = "Tick these"
tasks = [{ id = "one", label = "One" }]
""", "'setup'", "to"),
    ("four scale labels", """
[[steps]]
id = "pulse"
kind = "checkin"
day = 3
at = "15:00"
to = "new_hire"
title = "Check-in"
text = "How is it going?"
question = "How are you?"
scale_labels = ["1", "2", "3", "4"]
""", "'pulse'", "scale_labels"),
    ("check-in without question", """
[[steps]]
id = "pulse"
kind = "checkin"
day = 3
at = "15:00"
to = "new_hire"
title = "Check-in"
text = "How is it going?"
scale_labels = ["a", "b", "c", "d", "e"]
""", "'pulse'", "question"),
]


@pytest.mark.parametrize(("case", "steps", "step", "field"), BROKEN_STEPS,
                         ids=[c[0] for c in BROKEN_STEPS])
def test_an_invalid_step_is_reported_with_file_step_and_field(
        tmp_path: Path, case: str, steps: str, step: str, field: str) -> None:
    path = _write(tmp_path, HEADER + steps)

    with pytest.raises(InvalidSequence) as caught:
        load_sequence(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: step {step}: field '{field}':"), (case, message)


@pytest.mark.parametrize(("body", "field"), [
    ('name = "No id"\n' + GOOD_STEP, "id"),
    (HEADER + 'owner = "hr"\n' + GOOD_STEP, "owner"),
    (HEADER, "steps"),
])
def test_an_invalid_top_level_field_is_reported_with_file_and_field(
        tmp_path: Path, body: str, field: str) -> None:
    path = _write(tmp_path, body)

    with pytest.raises(InvalidSequence, match=f"^{re.escape(str(path))}: field '{field}':"):
        load_sequence(path)


def test_a_file_that_is_not_toml_is_reported_by_name(tmp_path: Path) -> None:
    path = _write(tmp_path, HEADER + "[[steps]\n")

    with pytest.raises(InvalidSequence, match="not valid TOML") as caught:
        load_sequence(path)

    assert str(path) in str(caught.value)


def test_an_admin_directory_adds_sequences_and_may_replace_the_default(tmp_path: Path) -> None:
    _write(tmp_path, HEADER + GOOD_STEP, "custom.toml")
    _write(tmp_path, 'id = "default"\nname = "Ours"\n' + GOOD_STEP, "ours.toml")

    library = load_library(tmp_path)

    assert library.ids() == ("custom", "default")
    assert library.default().name == "Ours"
    assert library.get("custom").steps[0].id == "hello"


def test_two_admin_files_with_one_id_are_refused_naming_both(tmp_path: Path) -> None:
    first = _write(tmp_path, HEADER + GOOD_STEP, "a.toml")
    second = _write(tmp_path, HEADER + GOOD_STEP, "b.toml")

    with pytest.raises(InvalidSequence) as caught:
        load_library(tmp_path)

    assert str(second) in str(caught.value) and str(first) in str(caught.value)


def test_a_broken_admin_file_stops_loading_and_is_named(tmp_path: Path) -> None:
    broken = _write(tmp_path, HEADER + GOOD_STEP.replace('"09:00"', '"noon"'), "broken.toml")

    with pytest.raises(InvalidSequence, match=f"^{re.escape(str(broken))}: step 'hello': field 'at':"):
        load_library(tmp_path)


def test_asking_for_an_unknown_sequence_names_it_and_the_known_ones() -> None:
    library = load_library()

    with pytest.raises(InvalidSequence, match="'welcome-v2'.*known: default"):
        library.get("welcome-v2")
