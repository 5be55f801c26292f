"""SIGTERM: `teamwell serve` and `teamwell worker` finish the message in hand and exit 0."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import upgrade
from teamwell.bot.storage.tables import OutboxRow

from .conftest import TEAM, outbox_statuses, seed_outbox

TOKEN = "xoxb-ops-test"
MESSAGES = 40
BOUND = 25.0  # seconds from SIGTERM to exit, inside a usual 30 s termination period


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMWELL_", "TEAMS_")) and "proxy" not in k.lower()}
    env.update(extra)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spawn(cwd: Path, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "teamwell.bot.cli", *args], cwd=cwd,
                            env=_env(**env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def _world(tmp_path: Path, fake: FakeSlackApiThread, messages: int) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'teamwell.db'}"
    upgrade(url)
    for user_id, name, email in seed_outbox(url, messages, 4, datetime.now(UTC)):
        fake.add_user(user_id, name, email, tz="UTC")
    return {"TEAMWELL_DATABASE_URL": url, "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": "ops-secret", "SLACK_API_URL": fake.base_url + "/api/"}


def _statuses_by_id(url: str) -> dict[str, str]:
    engine = make_engine(url)
    with engine.connect() as conn:
        found = {row_id: status for row_id, status in conn.execute(
            select(OutboxRow.id, OutboxRow.status))}
    engine.dispose()
    return found


def _wait_until(predicate: Callable[[], bool], process: subprocess.Popen[str], what: str,
                seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if process.poll() is not None:
            raise AssertionError(f"the process ended before {what}: "
                                 f"{process.stdout.read() if process.stdout else ''}")
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.05)


@pytest.mark.parametrize("command", ["worker", "serve"])
def test_sigterm_mid_delivery_exits_0_with_every_row_sent_once_or_still_pending(
        tmp_path: Path, command: str) -> None:
    with FakeSlackApiThread(token=TOKEN, team_id=TEAM) as fake:
        env = _world(tmp_path, fake, MESSAGES)
        fake.latency = 0.2  # each Slack call takes a while: SIGTERM finds one in hand
        args = ["serve", "--host", "127.0.0.1", "--port", str(_free_port())] \
            if command == "serve" else ["worker"]
        process = _spawn(tmp_path, env, *args)
        try:
            _wait_until(lambda: len(fake.posted_outbox_ids()) >= 3, process,
                        "three messages were posted")
            signalled = time.monotonic()
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=BOUND + 5)
            took = time.monotonic() - signalled
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        posted = fake.posted_outbox_ids()
        statuses = _statuses_by_id(env["TEAMWELL_DATABASE_URL"])

        fake.latency = 0.0
        rest = subprocess.run([sys.executable, "-m", "teamwell.bot.cli", "outbox", "send",
                               "--until-empty"], cwd=tmp_path, env=_env(**env),
                              capture_output=True, text=True, timeout=60)
        posted_in_the_end = fake.posted_outbox_ids()

    assert process.returncode == 0, output
    assert took < BOUND
    assert len(posted) == len(set(posted)), "a message was posted twice"
    assert 3 <= len(posted) < MESSAGES
    # Every post is recorded, and nothing is left `sending`: the sender handed back what it
    # had claimed but not begun.
    assert {row_id for row_id, s in statuses.items() if s == "sent"} == set(posted)
    assert {s for row_id, s in statuses.items() if row_id not in posted} == {"pending"}
    assert rest.returncode == 0, rest.stderr
    assert sorted(posted_in_the_end) == sorted(set(posted_in_the_end)) == sorted(statuses)
    assert outbox_statuses(env["TEAMWELL_DATABASE_URL"]) == {"sent": MESSAGES}
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    assert any("finishing the messages in hand" in line["message"] for line in lines)
    assert all({"time", "level", "logger", "message"} <= line.keys() for line in lines)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read().decode()
    except OSError:
        return 0, ""


def test_a_worker_with_a_metrics_port_can_be_probed_and_scraped(tmp_path: Path) -> None:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"

    def delivered_all() -> bool:
        status, page = _get(base + "/metrics")
        if status != 200:
            return False
        values = {(s.name, tuple(sorted(s.labels.items()))): s.value
                  for f in text_string_to_metric_families(page) for s in f.samples}
        return values.get(("teamwell_outbox_messages",
                           (("platform", "slack"), ("status", "pending")))) == 0 and \
            values.get(("teamwell_outbox_deliveries_total",
                        (("outcome", "sent"), ("platform", "slack"))), 0) >= 3

    with FakeSlackApiThread(token=TOKEN, team_id=TEAM) as fake:
        env = _world(tmp_path, fake, 3)
        process = _spawn(tmp_path, env, "worker", "--metrics-port", str(port),
                         "--metrics-host", "127.0.0.1")
        try:
            _wait_until(delivered_all, process, "/metrics showed the outbox delivered")
            ready = _get(base + "/readyz")
            health = _get(base + "/healthz")
            page = _get(base + "/metrics")[1]
        finally:
            process.send_signal(signal.SIGTERM)
            output, _ = process.communicate(timeout=BOUND + 5)

    assert process.returncode == 0, output
    assert ready == (200, json.dumps({"ok": True, "database": "ok", "migrations": "current"}))
    assert health[0] == 200
    assert 'teamwell_job_runs_total{job="onboarding_tick",outcome="ok"}' in page
    assert "process_resident_memory_bytes" in page
