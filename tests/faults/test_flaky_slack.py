"""Slack failing 20% of calls at random (429, 5xx, timeouts): every message arrives once."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.slack.fake_chaos import KINDS, ChaosSlackApi

from .conftest import TEAM, TOKEN, fan_out, seed_workspace, unfinished

PEOPLE = 50
ROUNDS = 3  # messages per person, queued in this order


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApiThread]:
    """A fake Slack failing a fifth of its calls; a timed-out call answers after 2 s."""
    with FakeSlackApiThread(ChaosSlackApi(token=TOKEN, team_id=TEAM, fault_rate=0.2,
                                          hang_seconds=2.0, seed=7)) as fake:
        yield fake


def _sender(pg_url: str, fake: FakeSlackApiThread, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["LOG_LEVEL"] = "WARNING"
    return subprocess.Popen(
        [sys.executable, "-m", "teamwell.bot.outbox_main", "--database-url", pg_url,
         "--slack-api-url", fake.base_url + "/api/", "--token", TOKEN, "--until-empty",
         "--slack-timeout", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"))


def test_two_senders_against_a_flaky_slack_deliver_every_message_once_and_in_order(
    pg_url: str, engine: Engine, fake_slack: FakeSlackApiThread, tmp_path: Path
) -> None:
    ws = seed_workspace(engine, fake_slack, PEOPLE)
    for n in range(ROUNDS):
        expected = fan_out(engine, ws, f"round-{n}")
    logs = [tmp_path / "a.log", tmp_path / "b.log"]

    senders = [_sender(pg_url, fake_slack, log) for log in logs]
    for sender, log in zip(senders, logs, strict=True):
        assert sender.wait(timeout=120) == 0, log.read_text()

    chaos = fake_slack.api
    assert isinstance(chaos, ChaosSlackApi)
    calls = len(chaos.calls)
    failed = sum(chaos.injected.values())
    print(f"\n{calls} calls, {failed} failed on purpose: {dict(chaos.injected)}")
    assert all(chaos.injected[kind] > 0 for kind in KINDS)
    assert unfinished(engine) == 0
    posted = fake_slack.posted_outbox_ids()
    assert len(posted) == len(set(posted)), "a message was posted twice"
    assert set(posted) == expected
    for n in range(PEOPLE):
        texts = [m["text"] for m in fake_slack.messages_in(fake_slack.dm_channel(f"U{n:05d}"))]
        assert texts == [f"Announcement round-{r}" for r in range(ROUNDS)]
