"""Removing one person from text and JSON that other people keep (messages, kudos, keys).

Only this person's own identifiers are touched: their ids (replaced by a placeholder id that
names nobody, so a mention renders as "someone"), their email and their name. Emails, names and
numbers of anyone else stay as they were.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

NAME = "[name]"
EMAIL = "[email]"
MIN_NAME_PART = 3  # "Al" or "Li" alone would be replaced inside too many ordinary words
# Message JSON fields that hold the codec's own words (block kinds, action ids), never people.
_STRUCTURAL = frozenset({"_", "action", "callback", "style"})


@dataclass(frozen=True)
class Scrubber:
    """Replaces a person's ids, email and name; placeholder is the id left in their place."""

    ids: tuple[str, ...]
    name: str
    email: str | None
    placeholder: str

    @classmethod
    def of(cls, ids: Iterable[str], name: str, email: str | None, placeholder: str) -> Scrubber:
        """A scrubber for these identifiers (empty ones are ignored)."""
        return cls(tuple(sorted({i for i in ids if i}, key=len, reverse=True)), name.strip(),
                   (email or "").strip() or None, placeholder)

    @cached_property
    def _patterns(self) -> list[tuple[re.Pattern[str], str]]:
        found: list[tuple[re.Pattern[str], str]] = []
        # An id is whole when no word character, '-' or '.' touches it: "U123" inside "<@U123>"
        # or "kudos:k1:to:U123" is found, "U1234" is not.
        found += [(re.compile(rf"(?<![\w.\-]){re.escape(i)}(?![\w\-])"), self.placeholder)
                  for i in self.ids]
        if self.email:
            found.append((re.compile(re.escape(self.email), re.IGNORECASE), EMAIL))
        parts = [self.name, *self.name.split()] if self.name else []
        names = sorted({p for p in parts if len(p) >= MIN_NAME_PART}, key=len, reverse=True)
        found += [(re.compile(rf"(?<!\w){re.escape(n)}(?!\w)", re.IGNORECASE), NAME)
                  for n in names]
        return found

    def text(self, value: str) -> str:
        """The text without the person's ids, email or name."""
        for pattern, replacement in self._patterns:
            value = pattern.sub(replacement, value)
        return value

    def mentions(self, value: str) -> bool:
        """Whether the text holds any of the person's identifiers."""
        return self.text(value) != value

    def json(self, data: Any) -> Any:
        """JSON-ready data (such as an encoded message) with every string value scrubbed."""
        if isinstance(data, str):
            return self.text(data)
        if isinstance(data, list):
            return [self.json(item) for item in data]
        if isinstance(data, dict):
            return {k: v if k in _STRUCTURAL else self.json(v) for k, v in data.items()}
        return data
