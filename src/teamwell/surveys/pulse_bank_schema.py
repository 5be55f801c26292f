"""Field readers for the pulse question bank: each failure names the file, the item and the field."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

Raw = dict[str, Any]
LABEL_LIMIT = 30  # Slack button text is cut beyond this, and Teams buttons are narrower still.
MIN_LABELS, MAX_LABELS = 2, 11
MIN_LOW, MAX_LOW = -10, 10

# fullmatch, not ^...$: '$' also matches before a trailing newline.
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

_MBI = "the Maslach Burnout Inventory (MBI)"
_Q12 = "Gallup's Q12"
# Well-known item phrasings of proprietary instruments. A paraphrase in our own words is fine;
# these exact phrasings are not, because the publishers license them.
_PROPRIETARY = (
    (_MBI, "emotionally drained from my work"),
    (_MBI, "used up at the end of the workday"),
    (_MBI, "burned out from my work"),
    (_MBI, "burnt out from my work"),
    (_MBI, "frustrated by my job"),
    (_MBI, "with people all day is really a strain"),
    (_MBI, "working all day is really a strain"),
    (_MBI, "get up in the morning and have to face another day on the job"),
    (_MBI, "working too hard on my job"),
    (_MBI, "at the end of my rope"),
    (_MBI, "as if they were impersonal objects"),
    (_MBI, "more callous toward people"),
    (_MBI, "this job is hardening me emotionally"),
    (_MBI, "recipients blame me for some of their problems"),
    (_MBI, "less enthusiastic about my work"),
    (_MBI, "doubt the significance of my work"),
    (_MBI, "more cynical about whether my work contributes anything"),
    (_Q12, "i have a best friend at work"),
    (_Q12, "in the last seven days i have received recognition or praise"),
    (_Q12, "someone at work who encourages my development"),
    (_Q12, "seems to care about me as a person"),
)


class InvalidQuestionBank(Exception):
    """The question bank file is invalid; the message names the file, the item and the field."""


def squash(text: str) -> str:
    """Lower-case letters and digits only, so spacing, case and punctuation don't hide a match."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_ALNUM.sub("", folded)


_DENYLIST = tuple((instrument, phrase, squash(phrase)) for instrument, phrase in _PROPRIETARY)


def proprietary_match(text: str) -> tuple[str, str] | None:
    """The (instrument, phrase) of a proprietary item phrasing found in text, or None."""
    flat = squash(text)
    for instrument, phrase, flat_phrase in _DENYLIST:
        if flat_phrase in flat:
            return instrument, phrase
    return None


class Where:
    """Where in the bank file we are, for error messages."""

    def __init__(self, source: str, item: str = "") -> None:
        self.source = source
        self.item = item

    def at(self, item: str) -> Where:
        """The same file, inside the named item (e.g. "question #3 (workload-x)")."""
        return Where(self.source, item)

    def error(self, field: str, problem: str) -> InvalidQuestionBank:
        """An error naming the file, the item (when inside one) and the field."""
        item = f"{self.item}: " if self.item else ""
        return InvalidQuestionBank(f"{self.source}: {item}field '{field}': {problem}")

    def fields(self, raw: Raw, required: frozenset[str], optional: frozenset[str] = frozenset(),
               ) -> None:
        """Refuse unknown fields (usually a typo) and missing required ones."""
        allowed = required | optional
        for key in sorted(set(raw) - allowed):
            raise self.error(key, f"unknown field; expected one of {', '.join(sorted(allowed))}")
        for key in sorted(required - set(raw)):
            raise self.error(key, "is missing")


def is_id(value: object) -> bool:
    """True for 1 to 64 lowercase letters, digits, '-' and '_', starting with a letter or digit."""
    return isinstance(value, str) and _ID.fullmatch(value) is not None


def check_id(value: object, where: Where, field: str) -> str:
    """An id (it travels inside button values and database rows)."""
    if isinstance(value, str) and is_id(value):
        return value
    raise where.error(field, f"{value!r} must be 1 to 64 lowercase letters, digits, '-' or '_', "
                             "starting with a letter or digit")


def _control(value: str) -> str | None:
    # Cf covers bidi overrides and zero-width characters that would make a question read
    # differently from how it looks in the file.
    for char in value:
        if unicodedata.category(char) in ("Cc", "Cf"):
            return f"U+{ord(char):04X}"
    return None


def read_text(raw: Raw, key: str, where: Where, limit: int, field: str | None = None) -> str:
    """Required single-line plain text of 1 to limit characters (surrounding spaces dropped)."""
    field = field or key
    value = raw.get(key)
    if not isinstance(value, str):
        raise where.error(field, "is missing" if value is None else "must be text")
    bad = _control(value)
    if bad:
        raise where.error(field, f"contains a control character ({bad}); use plain "
                                 "single-line text")
    value = value.strip()
    if not value:
        raise where.error(field, "must not be empty")
    if len(value) > limit:
        raise where.error(field, f"is {len(value)} characters long; at most {limit} are allowed")
    return value


def read_int(raw: Raw, key: str, where: Where, default: int, low: int, high: int) -> int:
    """An optional whole number between low and high."""
    value = raw.get(key, default)
    # TOML booleans are Python ints; `low = true` is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error(key, "must be a whole number")
    if not low <= value <= high:
        raise where.error(key, f"must be between {low} and {high}")
    return value


def read_bool(raw: Raw, key: str, where: Where) -> bool:
    """A required true or false."""
    value = raw.get(key)
    if not isinstance(value, bool):
        raise where.error(key, "is missing" if value is None else "must be true or false")
    return value


def read_labels(raw: Raw, where: Where) -> tuple[str, ...]:
    """A scale's labels: 2 to 11 distinct, short texts, one per value, lowest value first."""
    labels = raw.get("labels")
    if not isinstance(labels, list):
        raise where.error("labels", "is missing" if labels is None else "must be a list of text")
    if not MIN_LABELS <= len(labels) <= MAX_LABELS:
        many = "label" if len(labels) == 1 else "labels"
        raise where.error("labels", f"has {len(labels)} {many}; a scale needs "
                                    f"{MIN_LABELS} to {MAX_LABELS}")
    seen: list[str] = []
    for i, item in enumerate(labels, start=1):
        label = read_text({"label": item}, "label", where, LABEL_LIMIT, field=f"labels[{i}]")
        if label in seen:
            raise where.error(f"labels[{i}]", f"repeats label {label!r}")
        seen.append(label)
    return tuple(seen)


def read_tables(data: Raw, key: str, where: Where, example: str) -> dict[str, Raw]:
    """A required table of named tables, such as [scales.agree5]."""
    value = data.get(key)
    if not isinstance(value, dict) or not value:
        problem = "is missing" if value is None else f"must hold tables such as {example}"
        raise where.error(key, problem)
    for name, item in value.items():
        if not isinstance(item, dict):
            raise where.error(f"{key}.{name}", f"must be a table such as {example}")
    return value


def read_array(data: Raw, key: str, where: Where, example: str, most: int) -> list[Raw]:
    """A required, non-empty array of tables, such as [[questions]]."""
    value = data.get(key)
    if not isinstance(value, list) or not value:
        raise where.error(key, "is missing" if value is None else f"must be tables {example}")
    if len(value) > most:
        raise where.error(key, f"has {len(value)} entries; at most {most} are allowed")
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise where.error(f"{key}[{i}]", f"must be a table written as {example}")
    return value
