"""Field readers for sequence files: each failure names the file, the step and the field."""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import urlsplit

from teamwell.surveys.errors import InvalidSequence

Raw = dict[str, Any]
PLACEHOLDERS = ("name", "manager", "buddy")
SCALE_SIZE = 5
MIN_DAY, MAX_DAY = -30, 366
E = TypeVar("E", bound=StrEnum)

_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_BRACED = re.compile(r"\{([^{}]*)\}")


class Where:
    """Where in a file we are, for error messages."""

    def __init__(self, source: str, step: str = "") -> None:
        self.source = source
        self.step = step

    def at_step(self, step: str) -> Where:
        """The same file, inside the named step."""
        return Where(self.source, step)

    def error(self, field: str, problem: str) -> InvalidSequence:
        """An error naming the file, the step (when inside one) and the field."""
        step = f"step {self.step}: " if self.step else ""
        return InvalidSequence(f"{self.source}: {step}field '{field}': {problem}")

    def no_unknown(self, raw: Raw, allowed: set[str] | frozenset[str], prefix: str = "") -> None:
        """Refuse keys that are not allowed here (usually a typo an admin would want to know)."""
        for key in sorted(set(raw) - set(allowed)):
            field = f"{prefix}.{key}" if prefix else key
            raise self.error(field, f"unknown field; expected one of {', '.join(sorted(allowed))}")

    @staticmethod
    def is_https(url: str) -> bool:
        """True for an absolute https URL with a host."""
        parts = urlsplit(url)
        return parts.scheme == "https" and bool(parts.hostname) and " " not in url


def require_id(raw: Raw, key: str, where: Where, field: str | None = None) -> str:
    """An id: lowercase letters, digits, '-' and '_' (it travels inside button values)."""
    field = field or key
    value = raw.get(key)
    if value is None:
        raise where.error(field, "is missing")
    if not isinstance(value, str) or not _ID.match(value):
        raise where.error(field, f"{value!r} must be 1 to 64 lowercase letters, digits, '-' or '_'")
    return value


def _check_braces(value: str, field: str, where: Where, placeholders: bool) -> None:
    for name in _BRACED.findall(value):
        if not placeholders:
            raise where.error(field, "placeholders such as {name} are not allowed here")
        if name not in PLACEHOLDERS:
            allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise where.error(field, f"unknown placeholder {{{name}}}; use {allowed}")
    if "{" in _BRACED.sub("", value) or "}" in _BRACED.sub("", value):
        raise where.error(field, "has a brace without its partner")


def read_text(raw: Raw, key: str, where: Where, limit: int, placeholders: bool = False,
              field: str | None = None) -> str:
    """Required, non-empty plain text of at most limit characters."""
    field = field or key
    value = raw.get(key)
    if value is None:
        raise where.error(field, "is missing")
    if not isinstance(value, str) or not value.strip():
        raise where.error(field, "must be non-empty text")
    if len(value) > limit:
        raise where.error(field, f"is longer than {limit} characters")
    _check_braces(value, field, where, placeholders)
    return value.strip()


def read_list(raw: Raw, key: str, where: Where, tables: bool = False,
              most: int = 30) -> list[Any]:
    """A required, non-empty list (of tables when tables is set)."""
    value = raw.get(key)
    if value is None:
        raise where.error(key, "is missing")
    if not isinstance(value, list) or not value:
        raise where.error(key, "must be a non-empty list")
    if len(value) > most:
        raise where.error(key, f"has more than {most} entries")
    if tables:
        for i, item in enumerate(value, start=1):
            if not isinstance(item, dict):
                raise where.error(f"{key}[{i}]", "must be a table such as { id = ..., label = ... }")
    return value


def read_choice(raw: Raw, key: str, enum: type[E], where: Where, default: E | None) -> E:
    """One of an enum's values (default when absent, if there is one)."""
    value = raw.get(key)
    if value is None and default is not None:
        return default
    if value is None:
        raise where.error(key, "is missing")
    allowed = [e.value for e in enum]
    if value not in allowed:
        raise where.error(key, f"{value!r} is not one of {', '.join(allowed)}")
    return enum(value)


def read_day(raw: Raw, where: Where) -> int:
    """A whole number of days from day 0, within a sensible range."""
    value = raw.get("day")
    if value is None:
        raise where.error("day", "is missing")
    # TOML booleans are Python ints; `day = true` is a mistake, not day 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise where.error("day", "must be a whole number of days")
    if not MIN_DAY <= value <= MAX_DAY:
        raise where.error("day", f"must be between {MIN_DAY} and {MAX_DAY}")
    return value


def read_time(raw: Raw, where: Where) -> time:
    """A local time of day written as "HH:MM"."""
    value = raw.get("at")
    if value is None:
        raise where.error("at", "is missing")
    parts = value.split(":") if isinstance(value, str) else []
    if len(parts) != 2 or not all(len(p) == 2 and p.isascii() and p.isdigit() for p in parts):
        raise where.error("at", f"{value!r} is not a time like \"09:30\"")
    hour, minute = int(parts[0]), int(parts[1])
    if hour > 23 or minute > 59:
        raise where.error("at", f"{value!r} is not a time of day")
    return time(hour, minute)


def read_scale(raw: Raw, where: Where) -> tuple[str, ...]:
    """Exactly five short labels, one per check-in score."""
    labels = read_list(raw, "scale_labels", where)
    if len(labels) != SCALE_SIZE:
        raise where.error("scale_labels", f"needs exactly {SCALE_SIZE} labels, one per score")
    for i, label in enumerate(labels, start=1):
        if not isinstance(label, str) or not label.strip() or len(label) > 30:
            raise where.error(f"scale_labels[{i}]", "must be text of 1 to 30 characters")
    return tuple(str(label).strip() for label in labels)
