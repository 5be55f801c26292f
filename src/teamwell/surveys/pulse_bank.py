"""The pulse question bank as data: scales, dimensions and questions, validated on load.

Every question in a dimension uses that dimension's scale and polarity, so a dimension's answers
can be counted and averaged together. Wording is plain text, never markup. At most one dimension
is marked weekly: one of its questions is asked every week (they take turns), outside the
rotation of the others (docs/burnout.md, the shipped bank's exhaustion dimension).
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from teamwell.surveys.pulse_bank_schema import (
    MAX_LOW,
    MIN_LOW,
    Raw,
    Where,
    check_id,
    is_id,
    proprietary_match,
    read_array,
    read_bool,
    read_int,
    read_labels,
    read_tables,
    read_text,
    squash,
)

# The error class lives with the field readers that raise it; it is public from here.
from teamwell.surveys.pulse_bank_schema import InvalidQuestionBank as InvalidQuestionBank

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_BANK = DATA_DIR / "pulse" / "questions.toml"

ENPS = "enps"
# The dimensions every bank must cover (issue 3); a bank may add more.
REQUIRED_DIMENSIONS = (
    "workload", "energy", "recognition", "manager_support", "belonging", "growth", "autonomy",
    "psychological_safety", "wellbeing", ENPS,
)
ENPS_POINTS = 11  # 0 to 10
TEXT_LIMIT = 150
NAME_LIMIT = 60
SOURCE_LIMIT = 500
MOST_QUESTIONS = 1000


@dataclass(frozen=True, slots=True)
class Scale:
    """An answer scale: consecutive integer values from low, each with a label people see."""

    id: str
    labels: tuple[str, ...]
    low: int = 1

    @property
    def high(self) -> int:
        """The highest value on the scale."""
        return self.low + len(self.labels) - 1

    def values(self) -> range:
        """Every value on the scale, lowest first."""
        return range(self.low, self.high + 1)

    def label(self, value: int) -> str:
        """The label of a value (ValueError when off the scale)."""
        if value not in self.values():
            raise ValueError(f"{value} is not on scale {self.id}")
        return self.labels[value - self.low]


@dataclass(frozen=True, slots=True)
class Dimension:
    """What a group of questions measures; higher_is_better False for e.g. exhaustion.

    weekly: one of its questions is asked every week, in turn, instead of rotating with the rest.
    """

    id: str
    name: str
    scale: Scale
    higher_is_better: bool = True
    weekly: bool = False


@dataclass(frozen=True, slots=True)
class Question:
    """One pulse question; source says which instrument or practice it paraphrases."""

    id: str
    dimension: Dimension
    text: str
    source: str
    # An answer at or beyond this value (in the dimension's "worse" direction) shows the person
    # support resources at once; nobody else is told.
    support_at: int | None = None

    def offers_support(self, value: int | None) -> bool:
        """True when this answer is severe enough to show the person support resources."""
        if self.support_at is None or value is None:
            return False
        return value <= self.support_at if self.dimension.higher_is_better else (
            value >= self.support_at)

    @property
    def scale(self) -> Scale:
        """The dimension's scale."""
        return self.dimension.scale


@dataclass(frozen=True, slots=True)
class QuestionBank:
    """Every question, in file order, with look-ups by id and dimension."""

    questions: tuple[Question, ...]

    def get(self, question_id: str) -> Question | None:
        """The question with this id, or None."""
        for q in self.questions:
            if q.id == question_id:
                return q
        return None

    def dimensions(self) -> tuple[Dimension, ...]:
        """Every dimension, in order of first appearance."""
        seen: dict[str, Dimension] = {}
        for q in self.questions:
            seen.setdefault(q.dimension.id, q.dimension)
        return tuple(seen.values())

    def in_dimension(self, dimension_id: str) -> tuple[Question, ...]:
        """The questions of one dimension, in file order."""
        return tuple(q for q in self.questions if q.dimension.id == dimension_id)

    def rotating(self) -> tuple[Question, ...]:
        """Questions that share the weekly rotation: all but eNPS (monthly) and weekly()."""
        return tuple(q for q in self.questions
                     if q.dimension.id != ENPS and not q.dimension.weekly)

    def weekly(self) -> tuple[Question, ...]:
        """The weekly dimension's questions, one asked every week in turn (empty if none)."""
        return tuple(q for q in self.questions if q.dimension.weekly)


_TOP = frozenset({"scales", "dimensions", "questions"})
_SCALE, _SCALE_OPTIONAL = frozenset({"labels"}), frozenset({"low"})
_DIMENSION, _DIMENSION_OPTIONAL = frozenset({"name", "scale", "higher_is_better"}), frozenset(
    {"weekly"})
_QUESTION = frozenset({"id", "dimension", "text", "source"})
_QUESTION_OPTIONAL = frozenset({"support_at"})


def _scales(data: Raw, where: Where) -> dict[str, Scale]:
    scales: dict[str, Scale] = {}
    for scale_id, raw in read_tables(data, "scales", where, "[scales.agree5]").items():
        here = where.at(f"scale {scale_id!r}")
        check_id(scale_id, here, "id")
        here.fields(raw, _SCALE, _SCALE_OPTIONAL)
        labels = read_labels(raw, here)
        scales[scale_id] = Scale(scale_id, labels, read_int(raw, "low", here, 1, MIN_LOW, MAX_LOW))
    return scales


def _dimension(dim_id: str, raw: Raw, scales: dict[str, Scale], where: Where) -> Dimension:
    check_id(dim_id, where, "id")
    where.fields(raw, _DIMENSION, _DIMENSION_OPTIONAL)
    name = read_text(raw, "name", where, NAME_LIMIT)
    scale_id = raw["scale"]
    if not isinstance(scale_id, str) or scale_id not in scales:
        known = ", ".join(scales)
        raise where.error("scale", f"unknown scale {scale_id!r}; the file defines {known}")
    scale = scales[scale_id]
    higher_is_better = read_bool(raw, "higher_is_better", where)
    if dim_id == ENPS:
        if len(scale.labels) != ENPS_POINTS or scale.low != 0:
            raise where.error("scale", f"eNPS needs an 11-point scale from 0 to 10; {scale_id!r} "
                                       f"runs from {scale.low} to {scale.high}")
        if not higher_is_better:
            raise where.error("higher_is_better", "must be true for eNPS (10 is the best answer)")
    weekly = "weekly" in raw and read_bool(raw, "weekly", where)
    if weekly and dim_id == ENPS:
        raise where.error("weekly", "cannot be true for eNPS (it is asked monthly)")
    return Dimension(dim_id, name, scale, higher_is_better, weekly)


def _dimensions(data: Raw, scales: dict[str, Scale], where: Where) -> dict[str, Dimension]:
    tables = read_tables(data, "dimensions", where, "[dimensions.workload]")
    found = {dim_id: _dimension(dim_id, raw, scales, where.at(f"dimension {dim_id!r}"))
             for dim_id, raw in tables.items()}
    for required in REQUIRED_DIMENSIONS:
        if required not in found:
            raise where.error("dimensions", f"required dimension {required!r} is missing; every "
                                            f"bank needs {', '.join(REQUIRED_DIMENSIONS)}")
    weekly = [d.id for d in found.values() if d.weekly]
    if len(weekly) > 1:
        # Each weekly dimension takes a slot of every round; one keeps the rotation going.
        raise where.at(f"dimension {weekly[1]!r}").error(
            "weekly", f"only one dimension may be asked every week; {weekly[0]!r} already is")
    return found


def _question(raw: Raw, dimensions: dict[str, Dimension], where: Where) -> Question:
    where.fields(raw, _QUESTION, _QUESTION_OPTIONAL)
    question_id = check_id(raw["id"], where, "id")
    dim_id = raw["dimension"]
    if not isinstance(dim_id, str) or dim_id not in dimensions:
        raise where.error("dimension", f"unknown dimension {dim_id!r}; the file defines "
                                       f"{', '.join(dimensions)}")
    text = read_text(raw, "text", where, TEXT_LIMIT)
    found = proprietary_match(text)
    if found:
        instrument, phrase = found
        raise where.error("text", f"uses the wording of {instrument} ({phrase!r}), which is "
                                  "proprietary; write the item in your own words (for burnout, "
                                  "paraphrase a free instrument such as the CBI or OLBI)")
    source = read_text(raw, "source", where, SOURCE_LIMIT)
    scale = dimensions[dim_id].scale
    support_at = None
    if "support_at" in raw:
        support_at = read_int(raw, "support_at", where, scale.low, scale.low, scale.high)
    return Question(question_id, dimensions[dim_id], text, source, support_at)


def _questions(data: Raw, dimensions: dict[str, Dimension], where: Where) -> list[Question]:
    questions: list[Question] = []
    # Keyed by id and by squashed text, so "Same words." and "same words" count as repeats.
    seen: dict[str, str] = {}
    for index, raw in enumerate(read_array(data, "questions", where, "[[questions]]",
                                           MOST_QUESTIONS), start=1):
        label = f"question #{index}" + (f" ({raw['id']})" if is_id(raw.get("id")) else "")
        question = _question(raw, dimensions, where.at(label))
        for field, key in (("id", question.id), ("text", "text:" + squash(question.text))):
            if key in seen:
                what = "id" if field == "id" else "wording"
                raise where.at(label).error(field, f"same {what} as {seen[key]}")
            seen[key] = label
        questions.append(question)
    return questions


def _check_counts(questions: list[Question], dimensions: dict[str, Dimension],
                  where: Where) -> None:
    counts = Counter({dim_id: 0 for dim_id in dimensions})
    counts.update(q.dimension.id for q in questions)
    if counts[ENPS] != 1:
        raise where.at(f"dimension {ENPS!r}").error(
            "questions", f"needs exactly one question (asked monthly); found {counts[ENPS]}")
    for dim_id, n in counts.items():
        if n == 0 and dimensions[dim_id].weekly:
            raise where.at(f"dimension {dim_id!r}").error(
                "questions", "is asked every week but has no question")
    rotating = {dim_id: n for dim_id, n in counts.items()
                if dim_id != ENPS and not dimensions[dim_id].weekly}
    # The weekly rotation asks one question per dimension in turn, so unequal counts would
    # ask some questions more often than others; the most common count is taken as intended.
    usual = Counter(rotating.values()).most_common(1)[0][0]
    for dim_id, n in rotating.items():
        if n != usual:
            raise where.at(f"dimension {dim_id!r}").error(
                "questions", f"has {n} question{'s' if n != 1 else ''}, but the other rotating "
                             f"dimensions have {usual} each; the weekly rotation needs equal counts")


def parse_bank(data: Raw, source: str) -> QuestionBank:
    """Validate parsed TOML data as a question bank; source names the file in error messages."""
    where = Where(source)
    where.fields(data, frozenset(), _TOP)
    scales = _scales(data, where)
    dimensions = _dimensions(data, scales, where)
    questions = _questions(data, dimensions, where)
    _check_counts(questions, dimensions, where)
    return QuestionBank(tuple(questions))


def load_bank(path: Path | None = None) -> QuestionBank:
    """Read and validate a question bank file (the shipped one by default)."""
    path = DEFAULT_BANK if path is None else Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidQuestionBank(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InvalidQuestionBank(f"{path}: the file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        # tomllib's message ends with "(at line N, column M)".
        raise InvalidQuestionBank(f"{path}: not valid TOML: {exc}") from exc
    return parse_bank(data, str(path))
