"""Logs are one JSON object a line (or text), and redaction applies to both."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.bot.config import ConfigError, load_settings
from teamwell.bot.log_redaction import REDACTED
from teamwell.bot.logs import TextFormatter, default_format, request_id

TOKEN = "xoxb-1234567890-abcdefABCDEF"


@contextmanager
def fresh_root() -> Iterator[None]:
    """The root logger as a new process has it (no handlers); pytest's come back after."""
    root = logging.getLogger()
    saved, level = root.handlers[:], root.level
    root.handlers = []
    try:
        yield
    finally:
        root.handlers = saved
        root.setLevel(level)


def _run_cli_and_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", f"sqlite:///{tmp_path / 'tw.db'}")
    monkeypatch.setenv("TEAMWELL_LOG_FORMAT", fmt)
    monkeypatch.chdir(tmp_path)
    with fresh_root():
        assert main(["outbox", "status"]) == 0
        logging.getLogger("slack_sdk.web").warning(
            "retrying with %s; body {'channel': 'D1', 'text': 'I am exhausted'}", TOKEN)
        try:
            raise RuntimeError(f"call failed with {TOKEN}")
        except RuntimeError:
            logging.getLogger("teamwell.tests").exception("delivery failed")


def test_the_command_line_writes_json_lines_with_secrets_and_message_text_redacted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _run_cli_and_log(tmp_path, monkeypatch, "json")

    err = capsys.readouterr().err
    lines = [json.loads(line) for line in err.splitlines()]
    retry, failure = lines[-2:]
    assert TOKEN not in err and "exhausted" not in err
    assert retry["level"] == "WARNING" and retry["logger"] == "slack_sdk.web"
    assert REDACTED in retry["message"] and "D1" in retry["message"]
    assert failure["message"] == "delivery failed"
    assert "RuntimeError" in failure["exception"] and REDACTED in failure["exception"]
    assert retry["time"].endswith("Z")
    assert datetime.fromisoformat(retry["time"].replace("Z", "+00:00")).utcoffset() is not None


def test_text_logs_are_redacted_the_same_way(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _run_cli_and_log(tmp_path, monkeypatch, "text")

    err = capsys.readouterr().err
    assert TOKEN not in err and "exhausted" not in err
    assert "WARNING slack_sdk.web: retrying with [redacted]" in err
    assert not err.lstrip().startswith("{")


def test_serving_processes_log_json_and_one_shot_commands_log_text_by_default() -> None:
    assert [default_format(c) for c in ("serve", "worker", "outbox", "people", "db")] == [
        "json", "json", "text", "text", "text"]


def test_a_log_format_other_than_json_or_text_is_refused_naming_the_setting(
        tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TEAMWELL_LOG_FORMAT"):
        load_settings({"TEAMWELL_LOG_FORMAT": "xml"}, cwd=tmp_path)


def test_a_text_line_ends_with_its_request_id_when_it_has_one() -> None:
    record = logging.LogRecord("teamwell.x", logging.INFO, __file__, 1, "hello", None, None)
    record.request_id = "r-1"
    token = request_id.set("ignored: the record carries its own")
    try:
        line = TextFormatter().format(record)
    finally:
        request_id.reset(token)

    assert line.endswith("INFO teamwell.x: hello request_id=r-1")
