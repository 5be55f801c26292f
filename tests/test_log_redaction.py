"""The log redacts tokens and what people wrote, by default."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.bot.log_redaction import REDACTED, RedactingFilter, redact

TOKEN = "xoxb-1234567890-abcdefABCDEF"
PASSWORD = "s3cret-Teams~password"


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO, logging.Handler]]:
    """A logger writing through a handler that carries the filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter([PASSWORD]))
    logger = logging.getLogger("test.redaction")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream, handler
    logger.removeHandler(handler)


def test_tokens_bearer_headers_jwts_and_configured_secrets_are_redacted(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, stream, _ = captured

    logger.info("token %s header %s", TOKEN, "Authorization: Bearer abc.def-ghi")
    logger.info("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig and %s", PASSWORD)
    logger.info("form client_secret=shh&code=1")

    out = stream.getvalue()
    assert TOKEN not in out and "abc.def-ghi" not in out and PASSWORD not in out
    assert "eyJzdWIi" not in out and "shh" not in out
    assert out.count(REDACTED) == 5


def test_message_text_in_a_logged_request_body_is_redacted(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, stream, _ = captured
    body = {"channel": "D123", "text": "I am exhausted, the deadline is killing me",
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Ana's answer"}}]}

    logger.debug("Sending a request - body: %s", body)
    logger.debug('{"comment": "my manager yells", "summary": "Welcome"}')
    logger.debug("payload text=secret%20words&user=U1")

    out = stream.getvalue()
    assert "exhausted" not in out and "Ana's answer" not in out
    assert "yells" not in out and "Welcome" not in out and "secret%20words" not in out
    assert "D123" in out and "U1" in out  # ids stay: they are what an operator needs


def test_message_text_can_be_kept_for_debugging_but_secrets_never() -> None:
    line = redact(f"text='hello there' token {TOKEN}", keep_text=True)

    assert "hello there" in line and TOKEN not in line


def test_an_exception_message_is_redacted_too(
        captured: tuple[logging.Logger, io.StringIO, logging.Handler]) -> None:
    logger, stream, _ = captured

    try:
        raise RuntimeError(f"call failed with {TOKEN}")
    except RuntimeError:
        logger.exception("oops")

    assert TOKEN not in stream.getvalue() and "RuntimeError" in stream.getvalue()


def test_the_command_line_puts_the_filter_on_the_log_with_the_configured_secrets(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.chdir(tmp_path)
    try:
        assert main(["outbox", "status"]) == 0

        with caplog.at_level(logging.INFO):
            logging.getLogger("slack_sdk.web").info("retrying with %s; text='my answer'", TOKEN)
    finally:
        for handler in logging.getLogger().handlers:
            for found in [f for f in handler.filters if isinstance(f, RedactingFilter)]:
                handler.removeFilter(found)

    assert TOKEN not in caplog.text and "my answer" not in caplog.text
    assert REDACTED in caplog.text
