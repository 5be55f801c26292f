"""The pulse question bank is validated data; every error names the file, the item and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teamwell.surveys.pulse_bank import (
    DEFAULT_BANK,
    ENPS,
    REQUIRED_DIMENSIONS,
    InvalidQuestionBank,
    load_bank,
)

# Well-known MBI item wordings, typed out here independently of the loader's denylist.
MBI_ITEMS = (
    "I feel emotionally drained from my work",
    "I feel used up at the end of the workday",
    "I feel fatigued when I get up in the morning and have to face another day on the job",
    "Working with people all day is really a strain for me",
    "I feel burned out from my work",
    "I feel frustrated by my job",
    "I feel I'm working too hard on my job",
    "I feel like I'm at the end of my rope",
)
FREE_BURNOUT_SOURCES = ("CBI", "OLBI", "single-item")

SCALES = """
[scales.agree5]
labels = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]
low = 1

[scales.enps11]
labels = ["0 · Not at all likely", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10 · Very likely"]
low = 0
"""


def _dimension(dim_id: str) -> str:
    scale = "enps11" if dim_id == ENPS else "agree5"
    better = "false" if dim_id == "energy" else "true"
    return (f'\n[dimensions.{dim_id}]\nname = "{dim_id.title()}"\nscale = "{scale}"\n'
            f"higher_is_better = {better}\n")


def _question(dim_id: str, n: int) -> str:
    return (f'\n[[questions]]\nid = "{dim_id}-{n}"\ndimension = "{dim_id}"\n'
            f'text = "Question {n} about {dim_id}."\nsource = "Test wording."\n')


DIMENSIONS = "".join(_dimension(d) for d in REQUIRED_DIMENSIONS)
# Two questions per rotating dimension (workload-1 is question #1, workload-2 is #2, ...), one eNPS.
QUESTIONS = "".join(_question(d, n) for d in REQUIRED_DIMENSIONS
                    for n in ((1,) if d == ENPS else (1, 2)))
GOOD = SCALES + DIMENSIONS + QUESTIONS


def _write(directory: Path, body: str) -> Path:
    path = directory / "bank.toml"
    path.write_text(body, encoding="utf-8")
    return path


def _swap(old: str, new: str, body: str = GOOD) -> str:
    assert body.count(old) == 1, old
    return body.replace(old, new)


def test_the_shipped_bank_loads_from_the_package_data() -> None:
    bank = load_bank()

    assert DEFAULT_BANK.name == "questions.toml" and DEFAULT_BANK.parent.name == "pulse"
    assert bank.get("workload-manageable") is not None
    assert bank.get("no-such-question") is None


def test_the_shipped_bank_covers_every_required_dimension() -> None:
    bank = load_bank()

    dimension_ids = [d.id for d in bank.dimensions()]

    assert sorted(dimension_ids) == sorted(REQUIRED_DIMENSIONS)


def test_every_dimension_in_the_shipped_bank_has_four_questions() -> None:
    bank = load_bank()

    counts = {d.id: len(bank.in_dimension(d.id)) for d in bank.dimensions() if d.id != ENPS}

    assert counts == {d: 4 for d in REQUIRED_DIMENSIONS if d != ENPS}
    assert len(bank.rotating()) == 32
    assert all(q.dimension.id not in (ENPS, "energy") for q in bank.rotating())


def test_the_shipped_bank_asks_exhaustion_every_week_outside_the_rotation() -> None:
    bank = load_bank()

    weekly = bank.weekly()

    assert [q.dimension.id for q in weekly] == ["energy"] * 4
    assert weekly == bank.in_dimension("energy")
    assert [d.id for d in bank.dimensions() if d.weekly] == ["energy"]


def test_enps_is_one_question_on_a_zero_to_ten_scale() -> None:
    bank = load_bank()

    (question,) = bank.in_dimension(ENPS)

    assert question.scale.values() == range(0, 11)
    assert question.scale.label(0).startswith("0")
    assert question.scale.label(10).startswith("10")
    assert question.dimension.higher_is_better
    with pytest.raises(ValueError):
        question.scale.label(11)


def test_every_shipped_scale_label_fits_on_a_button() -> None:
    bank = load_bank()

    labels = {label for d in bank.dimensions() for label in d.scale.labels}

    assert labels and all(0 < len(label) <= 30 for label in labels)


def test_every_shipped_question_is_short_plain_text_with_a_unique_id() -> None:
    bank = load_bank()

    ids = [q.id for q in bank.questions]

    assert len(ids) == len(set(ids)) == 37
    assert all(0 < len(q.text) <= 150 and q.text.isprintable() for q in bank.questions)


def test_every_shipped_question_names_its_source() -> None:
    bank = load_bank()

    sources = [q.source for q in bank.questions]

    assert all(len(source) >= 20 for source in sources)


def test_energy_is_measured_as_exhaustion_from_free_burnout_instruments() -> None:
    bank = load_bank()

    energy = bank.in_dimension("energy")
    cited = {name for q in energy for name in FREE_BURNOUT_SOURCES if name in q.source}

    assert not energy[0].dimension.higher_is_better
    assert all(any(name in q.source for name in FREE_BURNOUT_SOURCES) for q in energy)
    assert cited == set(FREE_BURNOUT_SOURCES)


def test_the_shipped_bank_uses_no_mbi_wording() -> None:
    bank = load_bank()

    def squash(text: str) -> str:
        return re.sub(r"[^a-z0-9]", "", text.lower())

    texts = [squash(q.text) for q in bank.questions]

    assert not [item for item in MBI_ITEMS for text in texts if squash(item) in text]
    assert not any("maslach" in q.source.lower() or "mbi" in q.source.lower().split()
                   for q in bank.questions)


def test_a_valid_custom_bank_loads_in_file_order(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD)

    bank = load_bank(path)

    assert [q.id for q in bank.questions][:3] == ["workload-1", "workload-2", "energy-1"]
    assert len(bank.rotating()) == 18
    assert bank.weekly() == ()
    assert not bank.get("energy-1").dimension.higher_is_better  # type: ignore[union-attr]
    assert bank.get("workload-1").scale.low == 1  # type: ignore[union-attr]


def test_a_custom_bank_may_ask_one_dimension_every_week(tmp_path: Path) -> None:
    path = _write(tmp_path, _swap(WELLBEING_TABLE, WELLBEING_TABLE + "weekly = true\n"))

    bank = load_bank(path)

    assert [q.id for q in bank.weekly()] == ["wellbeing-1", "wellbeing-2"]
    assert len(bank.rotating()) == 16
    assert "wellbeing-1" not in {q.id for q in bank.rotating()}


def test_a_toml_syntax_error_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "[scales.agree5]\nlabels = [\"a\", \"b\"]\nlow = \n")

    with pytest.raises(InvalidQuestionBank) as caught:
        load_bank(path)

    message = str(caught.value)
    assert message.startswith(f"{path}: not valid TOML:")
    assert "line 3" in message


def test_a_missing_file_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"

    with pytest.raises(InvalidQuestionBank, match=f"^{re.escape(str(path))}: cannot read"):
        load_bank(path)


def test_a_file_that_is_not_utf8_is_reported_by_name(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(GOOD.replace("Neither", "Ni\u00e9").encode("latin-1"))

    with pytest.raises(InvalidQuestionBank, match=f"^{re.escape(str(path))}: .*not UTF-8"):
        load_bank(path)


AGREE_LABELS = 'labels = ["Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"]'
TWELVE = ", ".join(f'"{n}"' for n in range(12))
Q1 = 'id = "workload-1"\ndimension = "workload"\ntext = "Question 1 about workload."'
Q1_SOURCE = 'text = "Question 1 about workload."\nsource = "Test wording."'
ENPS_Q = _question(ENPS, 1)

WELLBEING_TABLE = _dimension("wellbeing")
ENERGY_TABLE = _dimension("energy")

# (case, body, item, field, words the problem must mention)
BROKEN = [
    ("unknown top-level key", 'version = 2\n' + GOOD, "", "version", "unknown field"),
    ("no scales", DIMENSIONS + QUESTIONS, "", "scales", "missing"),
    ("scales not tables", "scales = 3\n" + DIMENSIONS + QUESTIONS, "", "scales", "tables"),
    ("no questions", SCALES + DIMENSIONS, "", "questions", "missing"),
    ("questions not tables", "questions = [1, 2]\n" + SCALES + DIMENSIONS, "", "questions[1]",
     "table"),
    ("unknown scale field", _swap("low = 1\n", 'low = 1\ncolour = "red"\n'), "scale 'agree5'",
     "colour", "unknown field"),
    ("missing labels", _swap(AGREE_LABELS + "\n", ""), "scale 'agree5'", "labels", "missing"),
    ("labels not a list", _swap(AGREE_LABELS, 'labels = "Disagree"'), "scale 'agree5'", "labels",
     "list"),
    ("one label", _swap('"Disagree", "Neither", "Agree", "Strongly agree"]', "]"),
     "scale 'agree5'", "labels", "2 to 11"),
    ("twelve labels", _swap('"0 · Not at all likely", "1", "2", "3", "4", "5", "6", "7", "8", '
                            '"9", "10 · Very likely"', TWELVE), "scale 'enps11'", "labels",
     "2 to 11"),
    ("empty label", _swap('"Neither"', '"  "'), "scale 'agree5'", "labels[3]", "empty"),
    ("label over 30 characters", _swap('"Neither"', '"' + "n" * 31 + '"'), "scale 'agree5'",
     "labels[3]", "at most 30"),
    ("label not text", _swap('"Neither"', "3"), "scale 'agree5'", "labels[3]", "text"),
    ("repeated label", _swap('"Neither"', '"Agree"'), "scale 'agree5'", "labels[4]", "repeats"),
    ("boolean low", _swap("low = 1\n", "low = true\n"), "scale 'agree5'", "low", "whole number"),
    ("badly named scale", GOOD.replace("agree5", "Agree5"), "scale 'Agree5'", "id",
     "lowercase"),
    ("unknown scale reference", _swap('[dimensions.workload]\nname = "Workload"\nscale = "agree5"',
                                      '[dimensions.workload]\nname = "Workload"\nscale = "agree7"'),
     "dimension 'workload'", "scale", "unknown scale 'agree7'"),
    ("dimension without a name", _swap('name = "Growth"\n', ""), "dimension 'growth'", "name",
     "missing"),
    ("unknown dimension field", _swap('name = "Growth"\n', 'name = "Growth"\ncolour = "red"\n'),
     "dimension 'growth'", "colour", "unknown field"),
    ("polarity not a boolean", _swap('name = "Growth"\nscale = "agree5"\nhigher_is_better = true',
                                     'name = "Growth"\nscale = "agree5"\nhigher_is_better = "y"'),
     "dimension 'growth'", "higher_is_better", "true or false"),
    ("enps on five points", _swap('scale = "enps11"', 'scale = "agree5"'), "dimension 'enps'",
     "scale", "11-point"),
    ("enps from one", _swap("low = 0\n", "low = 1\n"), "dimension 'enps'", "scale", "0 to 10"),
    ("enps lower is better", _swap('scale = "enps11"\nhigher_is_better = true',
                                   'scale = "enps11"\nhigher_is_better = false'),
     "dimension 'enps'", "higher_is_better", "true"),
    ("required dimension missing", SCALES + DIMENSIONS.replace(_dimension("growth"), "")
     + QUESTIONS.replace(_question("growth", 1), "").replace(_question("growth", 2), ""),
     "", "dimensions", "'growth' is missing"),
    ("unknown dimension reference", _swap(Q1, Q1.replace('"workload"\n', '"wrkload"\n')),
     "question #1 (workload-1)", "dimension", "unknown dimension 'wrkload'"),
    ("dimension not text", _swap(Q1, Q1.replace('"workload"\n', '["workload"]\n')),
     "question #1 (workload-1)", "dimension", "unknown dimension"),
    ("missing text", _swap('text = "Question 1 about workload."\n', ""),
     "question #1 (workload-1)", "text", "missing"),
    ("extra question field", _swap(Q1_SOURCE, Q1_SOURCE + '\nnote = "x"'),
     "question #1 (workload-1)", "note", "unknown field"),
    ("upper-case question id", _swap('id = "workload-1"', 'id = "Workload-1"'), "question #1",
     "id", "lowercase"),
    ("id with a trailing newline", _swap('id = "workload-1"', 'id = "workload-1\\n"'),
     "question #1", "id", "lowercase"),
    ("duplicate question id", _swap('id = "workload-2"', 'id = "workload-1"'),
     "question #2 (workload-1)", "id", "question #1 (workload-1)"),
    ("duplicate wording", _swap("Question 2 about workload.", "question 1, about workload!"),
     "question #2 (workload-2)", "text", "same wording as question #1"),
    ("text over 150 characters", _swap("Question 1 about workload.", "w" * 151),
     "question #1 (workload-1)", "text", "at most 150"),
    ("empty text", _swap("Question 1 about workload.", " "), "question #1 (workload-1)", "text",
     "empty"),
    ("text not a string", _swap('text = "Question 1 about workload."', "text = 5"),
     "question #1 (workload-1)", "text", "must be text"),
    ("newline in text", _swap("Question 1 about workload.", "Line one\\nline two"),
     "question #1 (workload-1)", "text", "control character (U+000A)"),
    ("bidi override in text", _swap("Question 1 about workload.", "Fine \\u202e reversed"),
     "question #1 (workload-1)", "text", "control character (U+202E)"),
    ("empty source", _swap(Q1_SOURCE, Q1_SOURCE.replace("Test wording.", "")),
     "question #1 (workload-1)", "source", "empty"),
    ("missing source", _swap(Q1_SOURCE, Q1_SOURCE.replace('\nsource = "Test wording."', "")),
     "question #1 (workload-1)", "source", "missing"),
    ("mbi wording", _swap("Question 1 about workload.", "I feel emotionally drained from my work."),
     "question #1 (workload-1)", "text", "Maslach Burnout Inventory (MBI)"),
    ("mbi wording in disguise", _swap("Question 1 about workload.",
                                      "Lately I feel USED-UP at the end of the work day!"),
     "question #1 (workload-1)", "text", "proprietary"),
    ("gallup q12 wording", _swap("Question 1 about workload.", "I have a best friend at work."),
     "question #1 (workload-1)", "text", "Gallup's Q12"),
    ("rotating dimension one short", _swap(_question("energy", 2), ""), "dimension 'energy'",
     "questions", "has 1 question, but the other rotating dimensions have 2"),
    ("extra dimension without questions", GOOD.replace(SCALES, SCALES + _dimension("focus")),
     "dimension 'focus'", "questions", "has 0 questions"),
    ("two enps questions", GOOD + ENPS_Q.replace("enps-1", "enps-2").replace("Question 1",
                                                                            "Question 2"),
     "dimension 'enps'", "questions", "exactly one question"),
    ("no enps question", _swap(ENPS_Q, ""), "dimension 'enps'", "questions",
     "exactly one question"),
    ("weekly not a boolean", _swap(ENERGY_TABLE, ENERGY_TABLE + 'weekly = "yes"\n'),
     "dimension 'energy'", "weekly", "true or false"),
    ("two weekly dimensions", _swap(WELLBEING_TABLE, WELLBEING_TABLE + "weekly = true\n",
                                    _swap(ENERGY_TABLE, ENERGY_TABLE + "weekly = true\n")),
     "dimension 'wellbeing'", "weekly", "only one dimension may be asked every week; 'energy'"),
    ("weekly enps", _swap('scale = "enps11"\nhigher_is_better = true',
                          'scale = "enps11"\nhigher_is_better = true\nweekly = true'),
     "dimension 'enps'", "weekly", "monthly"),
    ("weekly dimension without questions",
     GOOD.replace(SCALES, SCALES + _dimension("focus") + "weekly = true\n"),
     "dimension 'focus'", "questions", "asked every week but has no question"),
]


@pytest.mark.parametrize(("case", "body", "item", "field", "problem"), BROKEN,
                         ids=[c[0] for c in BROKEN])
def test_an_invalid_bank_is_reported_with_file_item_and_field(
        tmp_path: Path, case: str, body: str, item: str, field: str, problem: str) -> None:
    path = _write(tmp_path, body)

    with pytest.raises(InvalidQuestionBank) as caught:
        load_bank(path)

    message = str(caught.value)
    where = f"{item}: " if item else ""
    assert message.startswith(f"{path}: {where}field '{field}': "), (case, message)
    assert problem in message, (case, message)
