"""Log lines as JSON (one object a line) or text, each carrying the request id it belongs to.

The request id lives in a context variable: asyncio copies it into tasks a request starts and
into `asyncio.to_thread`, so work a request causes on the same path keeps its id.
"""

from __future__ import annotations

import json
import logging
import sys
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TextIO

FORMATS = ("json", "text")
# Long-running processes feed a log collector; one-shot commands are read by a person.
JSON_BY_DEFAULT = frozenset({"serve", "worker"})
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

request_id: ContextVar[str | None] = ContextVar("teamwell_request_id", default=None)


def default_format(command: str) -> str:
    """The log format of a `teamwell` command when TEAMWELL_LOG_FORMAT is not set."""
    return "json" if command in JSON_BY_DEFAULT else "text"


class RequestIdFilter(logging.Filter):
    """Puts the current request id (or None) on each record as `request_id`."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Annotate; never drops a record."""
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """time (UTC ISO 8601), level, logger, message, request_id and exception when present."""

    def format(self, record: logging.LogRecord) -> str:
        """One JSON object, on one line."""
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None)
        if rid:
            line["request_id"] = rid
        # The redaction filter has already rewritten exc_text; formatting exc_info afresh
        # here would bring the secrets back.
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """The classic one-line text format, with ` request_id=...` when there is one."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The text line, with the request id appended."""
        text = super().formatMessage(record)
        rid = getattr(record, "request_id", None)
        return f"{text} request_id={rid}" if rid else text


def formatter(fmt: str) -> logging.Formatter:
    """The formatter for "json" or "text"."""
    return JsonFormatter() if fmt == "json" else TextFormatter()


def configure(level: str, fmt: str, stream: TextIO | None = None) -> None:
    """Log to stderr in fmt at level, unless the root logger already has handlers (as under
    pytest, like logging.basicConfig); every root handler gets the request id filter."""
    root = logging.getLogger()
    if not root.handlers:
        ours = logging.StreamHandler(stream or sys.stderr)
        ours.setFormatter(formatter(fmt))
        root.addHandler(ours)
        root.setLevel(level)
    for handler in root.handlers:
        if not any(isinstance(f, RequestIdFilter) for f in handler.filters):
            handler.addFilter(RequestIdFilter())
