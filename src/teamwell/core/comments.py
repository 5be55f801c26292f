"""Free-text pulse comments: redaction of names, emails and phone numbers, and when to show them.

Text in, text out: nothing is interpreted as markup (the renderer escapes later); only Slack
mention ids, which name a person, are replaced. Matching runs on an accent-folded copy of the
text with the same length, so "Jose" finds "José" and the reverse, and the gaps are copied from
the original (NFC-normalised) text.

Comments can be differenced like figures (Engineering's comments that are not Platform's are
Design's), so callers take group_n from anonymity.publishable run on commenters per atom with the
comment minimum, and pass 0 for any group it hides.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

from teamwell.core.anonymity import ABSOLUTE_MIN_GROUP_SIZE

DEFAULT_COMMENT_MINIMUM = 5
NAME, EMAIL, PHONE = "[name]", "[email]", "[phone]"
MIN_NAME_PART = 3
MIN_PHONE_DIGITS = 7

_SLACK_MENTION = r"<@[A-Z0-9]+(?:\|[^<>]*)?>"
_EMAIL = r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+"
# Liberal on purpose; _phone() then decides by counting digits and ruling out dates and amounts.
_PHONE = r"(?<![\w+])\+?\(?\d(?:[ .\-]{0,2}[()]?[ .\-]{0,2}\d)+"
_HANDLE = r"(?<![\w@])@\w+(?:[.\-]\w+)*"
_NOT_PHONES = re.compile(
    r"(?:19|20)\d\d[-.](?:19|20)\d\d"  # a span of years
    r"|\d{4}-\d\d-\d\d"  # an ISO date
    r"|\d\d?[.\-]\d\d?[.\-]\d{4}"  # a day-month-year date
)
_CURRENCY = "$€£¥"
_CONTACT = re.compile(rf"(?P<mention>{_SLACK_MENTION})|(?P<email>{_EMAIL})|(?P<phone>{_PHONE})"
                      rf"|(?P<handle>{_HANDLE})", re.IGNORECASE)
_WORD = re.compile(r"\w+")
# What may stand between the words of one name: "Zoë  Martin", "Anne-Marie", "O'Brien".
_JOIN = re.compile(r"\s+|['’\-]")


def redact(comment: str, names: Iterable[str]) -> str:
    """The comment with emails, phone numbers, mentions and the given people's names replaced."""
    return _Redactor(names)(comment)


def redactor(names: Iterable[str]) -> Callable[[str], str]:
    """A redact function for one directory, prepared once for many comments."""
    return _Redactor(names)


def shown_comments(comments: Sequence[str], names: Iterable[str] | Callable[[str], str],
                   group_n: int, comment_minimum: int, rng: random.Random) -> list[str]:
    """The group's comments redacted and shuffled, or none when the group is too small.

    names may be a prepared redactor(), which saves rebuilding it for every group.
    """
    if comment_minimum < ABSOLUTE_MIN_GROUP_SIZE:
        raise ValueError(f"the comment minimum must be at least {ABSOLUTE_MIN_GROUP_SIZE} "
                         f"(got {comment_minimum})")
    if group_n < comment_minimum:
        return []
    clean = names if callable(names) else _Redactor(names)
    shown = [clean(c) for c in comments if c.strip()]
    # Random order so that the order of answering (and so who answered when) is not shown.
    rng.shuffle(shown)
    return shown


class _Redactor:
    """Redaction for one set of names, prepared once for many comments."""

    def __init__(self, names: Iterable[str]) -> None:
        # Names are looked up word by word: one regex alternative per person would make large
        # directories slow to compile and to match.
        self._names: set[tuple[str, ...]] = set()
        for name in names:
            folded = _fold(unicodedata.normalize("NFC", name))
            whole = _words(folded)
            if whole:
                self._names.add(whole)
            # Each part as written ("Anne-Marie", "O'Brien") and each word in it ("Marie").
            parts = [_words(p) for p in folded.split() if len(p) >= MIN_NAME_PART]
            self._names.update(p for p in parts if p)
            self._names.update((w,) for w in whole if len(w) >= MIN_NAME_PART)
        self._longest = max(map(len, self._names), default=0)

    def __call__(self, comment: str) -> str:
        text = unicodedata.normalize("NFC", comment)
        folded = _fold(text)
        parts: list[str] = []
        end = 0
        for match in _CONTACT.finditer(folded):
            start, stop = match.span()
            parts.append(self._people(text, folded, end, start))
            if match.lastgroup == "email":
                parts.append(EMAIL)
            elif match.lastgroup == "phone":
                parts.append(_phone(text, start, stop))
            else:
                parts.append(NAME)
            end = stop
        parts.append(self._people(text, folded, end, len(text)))
        return "".join(parts)

    def _people(self, text: str, folded: str, start: int, stop: int) -> str:
        """text[start:stop] with known names replaced, longest name first."""
        words = [(m.start(), m.end(), m.group().casefold())
                 for m in _WORD.finditer(folded, start, stop)]
        parts: list[str] = []
        last, i = start, 0
        while i < len(words):
            for size in range(min(self._longest, len(words) - i), 0, -1):
                run = words[i:i + size]
                if (tuple(w for _, _, w in run) in self._names
                        and all(_JOIN.fullmatch(folded, a[1], b[0]) for a, b in pairwise(run))):
                    parts += [text[last:run[0][0]], NAME]
                    last, i = run[-1][1], i + size
                    break
            else:
                i += 1
        parts.append(text[last:stop])
        return "".join(parts)


def _phone(text: str, start: int, stop: int) -> str:
    found = text[start:stop]
    groups = re.findall(r"\d+", found)
    digits = sum(len(g) for g in groups)
    after = text[stop:stop + 1]
    amount = (start > 0 and text[start - 1] in _CURRENCY) or (after != "" and after in "%" + _CURRENCY)
    # Phone numbers are written in groups; a run of single digits is a list of numbers.
    single = sum(1 for g in groups if len(g) == 1)
    if digits < MIN_PHONE_DIGITS or amount or single > 2 or _NOT_PHONES.fullmatch(found):
        return found
    return PHONE


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.casefold() for w in _WORD.findall(text))


def _fold(text: str) -> str:
    """The text with accents removed, one character for one, so positions still match."""
    return "".join(_fold_char(c) for c in text)


def _fold_char(char: str) -> str:
    parts = unicodedata.normalize("NFD", char)
    if len(parts) > 1 and all(unicodedata.combining(c) for c in parts[1:]):
        return parts[0]
    return char
