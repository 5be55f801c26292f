"""kill -9 the sender process mid-delivery: after a restart, every message was posted once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import TOKEN, Org

MESSAGES = 500
PEOPLE = 25


def _sender(database_url: str, org: Org, log: Path) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    env["LOG_LEVEL"] = "WARNING"
    return subprocess.Popen(
        [sys.executable, "-m", "teamwell.bot.outbox_main", "--database-url", database_url,
         "--slack-api-url", org.fake.base_url + "/api/", "--token", TOKEN, "--until-empty",
         "--lease-seconds", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=log.open("wb"),
    )


@pytest.mark.parametrize("kill_after", [1, 150, 400])
def test_a_sender_killed_mid_delivery_then_restarted_posts_every_message_exactly_once(
    org: Org, sqlite_url: str, tmp_path: Path, kill_after: int
) -> None:
    people = [org.person(n) for n in range(1, PEOPLE + 1)]
    org.queue(*(org.item(f"m{i:03d}", to=people[i % PEOPLE]) for i in range(MESSAGES)))
    expected = {row.id for row in org.rows().values()}
    org.fake.latency = 0.005

    first = _sender(sqlite_url, org, tmp_path / "first.log")
    deadline = time.monotonic() + 30
    while len(org.fake.posted_outbox_ids()) < kill_after:
        assert first.poll() is None, (tmp_path / "first.log").read_text()
        assert time.monotonic() < deadline, "the sender did not start delivering"
        time.sleep(0.002)
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    posted_before_kill = len(org.fake.posted_outbox_ids())

    second = _sender(sqlite_url, org, tmp_path / "second.log")
    second.wait(timeout=60)

    assert first.returncode == -signal.SIGKILL
    assert 0 < posted_before_kill < MESSAGES
    assert second.returncode == 0, (tmp_path / "second.log").read_text()
    posted = org.fake.posted_outbox_ids()
    assert len(posted) == len(set(posted)), "a message was posted twice"
    assert set(posted) == expected
    assert {row.status for row in org.rows().values()} == {"sent"}
    # Each person got their messages in the order they were queued.
    for n in range(1, PEOPLE + 1):
        channel = org.fake.dm_channel(f"U{n:04d}")
        assert channel is not None
        texts = [m["text"] for m in org.fake.messages_in(channel)]
        assert texts == sorted(texts) and len(texts) == MESSAGES // PEOPLE
