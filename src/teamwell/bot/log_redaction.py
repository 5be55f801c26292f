"""The log never shows a token, a password or what people wrote, unless told to.

A filter on every root handler rewrites each record once it is formatted: secrets by shape
(Slack tokens, Bearer headers, JWTs) and by value (the configured secrets), and the text of
messages (JSON or repr fields such as "text", "comment", "value", "summary") — libraries such
as slack_sdk log whole request bodies at DEBUG. TEAMWELL_LOG_MESSAGE_TEXT=true keeps message
text (for debugging on a developer's machine); secrets are redacted whatever the setting.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

REDACTED = "[redacted]"
_SHAPES = (
    # xoxe: the refresh tokens of token rotation (and xoxe.xoxb-... rotated tokens).
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]+"),
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"),
    re.compile(r"(?i)(client_secret|password|signing_secret)=([^&\s]+)"),
)
_TEXT_KEYS = "text|comment|value|summary|fallback|fallbackText|title|message|real_name|email"
# "key": "value" or 'key': 'value' (JSON or a Python repr), value up to its closing quote.
_TEXT_FIELD = re.compile(
    rf"""(?P<key>["'](?:{_TEXT_KEYS})["']\s*:\s*)(?P<q>["'])(?P<val>(?:\\.|(?!(?P=q)).)*)(?P=q)""")
_FORM_FIELD = re.compile(rf"(?P<key>\b(?:{_TEXT_KEYS})=)(?P<val>[^&\s]+)")


def redact(line: str, secrets: Iterable[str] = (), keep_text: bool = False) -> str:
    """The line without secrets (and without message text unless keep_text)."""
    for secret in secrets:
        if secret and len(secret) >= 6:
            line = line.replace(secret, REDACTED)
    for shape in _SHAPES:
        if shape.groups == 2:
            line = shape.sub(lambda m: f"{m.group(1)}={REDACTED}", line)
        else:
            line = shape.sub(REDACTED, line)
    if not keep_text:
        line = _TEXT_FIELD.sub(lambda m: f"{m.group('key')}{m.group('q')}{REDACTED}"
                                         f"{m.group('q')}", line)
        line = _FORM_FIELD.sub(lambda m: f"{m.group('key')}{REDACTED}", line)
    return line


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and exception text) through redact()."""

    def __init__(self, secrets: Iterable[str] = (), keep_text: bool = False) -> None:
        super().__init__()
        self.secrets = tuple(s for s in secrets if s)
        self.keep_text = keep_text

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact in place; never drops a record."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must still be logged
            message = str(record.msg)
        record.msg = redact(message, self.secrets, self.keep_text)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets, self.keep_text)
        return True


def install(secrets: Iterable[str], keep_text: bool = False) -> RedactingFilter:
    """Put the filter on every handler of the root logger; returns it."""
    found = RedactingFilter(secrets, keep_text)
    for handler in logging.getLogger().handlers:
        for old in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
            handler.removeFilter(old)
        handler.addFilter(found)
    return found
