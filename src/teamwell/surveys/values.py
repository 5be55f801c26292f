"""Company values as data: the #tags people add to kudos, validated on load.

Every problem is raised as InvalidValues naming the file, the value (id or position) and the
field, so an admin can fix the file without guessing. Names and descriptions are plain text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TypeGuard

from teamwell.surveys.pulse_bank_schema import InvalidQuestionBank, Raw, Where, read_text

DATA_DIR = Path(__file__).resolve().parent / "data"
# In a folder of its own: every *.toml directly in data/ is read as an onboarding sequence.
DEFAULT_VALUES = DATA_DIR / "values" / "default.toml"

MIN_VALUES, MAX_VALUES = 1, 20  # more than 20 stops being a list people can remember
ID_LIMIT = 32
NAME_LIMIT = 40
DESCRIPTION_LIMIT = 200

# fullmatch, not ^...$: '$' also matches before a trailing newline.
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_TOP = frozenset({"values"})
_REQUIRED = frozenset({"id", "name", "description"})
_OPTIONAL = frozenset({"emoji"})


class InvalidValues(Exception):
    """The values file is invalid; the message names the file, the value and the field."""


@dataclass(frozen=True, slots=True)
class CompanyValue:
    """One company value; its id is the #tag people type."""

    id: str
    name: str
    description: str
    emoji: str | None = None

    @property
    def tag(self) -> str:
        """The value as people type it, e.g. "#teamwork"."""
        return f"#{self.id}"

    @property
    def label(self) -> str:
        """Emoji shortcode and name as plain text, e.g. ":handshake: Teamwork"."""
        return f"{self.emoji} {self.name}" if self.emoji else self.name


@dataclass(frozen=True, slots=True)
class CompanyValues:
    """Every company value, in file order."""

    values: tuple[CompanyValue, ...]

    def get(self, tag: str) -> CompanyValue | None:
        """The value for a tag such as "#Teamwork" or "teamwork" (case-insensitive), or None."""
        wanted = tag.strip().removeprefix("#").lower()
        for value in self.values:
            if value.id == wanted:
                return value
        return None

    def all(self) -> tuple[CompanyValue, ...]:
        """Every value, in file order."""
        return self.values

    def tags(self) -> tuple[str, ...]:
        """Every value's tag with its '#', in file order (for listing in replies)."""
        return tuple(value.tag for value in self.values)


def is_value_id(text: object) -> TypeGuard[str]:
    """True for a usable tag id: 1 to 32 of a-z, 0-9, '-', '_', with at least one letter."""
    # An all-digit tag such as #123 reads as an issue number, which kudos leave alone.
    return (isinstance(text, str) and _ID.fullmatch(text) is not None
            and any("a" <= char <= "z" for char in text))


def _value_id(raw: Raw, where: Where) -> str:
    value = raw["id"]
    if not is_value_id(value):
        raise where.error("id", f"{value!r} must be 1 to {ID_LIMIT} lowercase letters, digits, "
                                "'-' or '_', starting with a letter or digit and holding at "
                                "least one letter (it is the #tag people type)")
    return value


def _emoji(raw: Raw, where: Where) -> str | None:
    if "emoji" not in raw:
        return None
    value = raw["emoji"]
    if not isinstance(value, str) or _EMOJI.fullmatch(value) is None:
        raise where.error("emoji", f"{value!r} must be a shortcode such as ':rocket:' "
                                   "(lowercase letters, digits, '_', '+' or '-' between colons)")
    return value


def _value(raw: Raw, where: Where) -> CompanyValue:
    where.fields(raw, _REQUIRED, _OPTIONAL)
    return CompanyValue(
        id=_value_id(raw, where),
        name=read_text(raw, "name", where, NAME_LIMIT),
        description=read_text(raw, "description", where, DESCRIPTION_LIMIT),
        emoji=_emoji(raw, where),
    )


def _tables(data: Raw, where: Where) -> list[Raw]:
    tables = data.get("values")
    if not isinstance(tables, list):
        raise where.error("values", "is missing; write each value as a [[values]] table"
                          if tables is None else "must be tables written as [[values]]")
    if not MIN_VALUES <= len(tables) <= MAX_VALUES:
        raise where.error("values", f"has {len(tables)} values; a file needs {MIN_VALUES} to "
                                    f"{MAX_VALUES}")
    for index, table in enumerate(tables, start=1):
        if not isinstance(table, dict):
            raise where.at(f"value #{index}").error("values", "must be a table written as "
                                                              "[[values]]")
    return tables


def _parse(data: Raw, where: Where) -> CompanyValues:
    where.fields(data, frozenset(), _TOP)
    values: list[CompanyValue] = []
    # Keyed by id and by folded name: two values called "Teamwork" would confuse people.
    seen: dict[str, str] = {}
    for index, raw in enumerate(_tables(data, where), start=1):
        label = f"value #{index}" + (f" ({raw['id']})" if is_value_id(raw.get("id")) else "")
        value = _value(raw, where.at(label))
        for field, key in (("id", "id:" + value.id), ("name", "name:" + value.name.casefold())):
            if key in seen:
                raise where.at(label).error(field, f"same {field} as {seen[key]}")
            seen[key] = label
        values.append(value)
    return CompanyValues(tuple(values))


def parse_values(data: Raw, source: str) -> CompanyValues:
    """Validate parsed TOML data as company values; source names the file in error messages."""
    try:
        return _parse(data, Where(source))
    except InvalidQuestionBank as exc:
        # The shared field readers raise the question bank's error; the message already
        # names file, value and field, only the class differs.
        raise InvalidValues(str(exc)) from exc


def load_values(path: Path | None = None) -> CompanyValues:
    """Read and validate a company values file (the shipped one by default)."""
    path = DEFAULT_VALUES if path is None else Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InvalidValues(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InvalidValues(f"{path}: the file is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise InvalidValues(f"{path}: not valid TOML: {exc}") from exc
    return parse_values(data, str(path))
