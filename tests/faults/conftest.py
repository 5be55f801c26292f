"""Fault tests: real `teamwell` processes on a real PostgreSQL, a fake Slack in a thread."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text

from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import upgrade
from teamwell.bot.storage.tables import OutboxRow, PersonAccountRow, PersonRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.messages import Message, Section
from teamwell.core.messages import text as mrkdwn
from teamwell.handlers.notify import queue_for

TOKEN = "xoxb-faults"
TEAM = "T0FAULTS"
LEADING = "leading: this process runs the scheduled jobs"
STANDBY = "standby: another process runs the scheduled jobs"


@pytest.fixture
def pg_url() -> str:
    """A fresh, migrated PostgreSQL database (TEST_DATABASE_URL; skipped without it)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url:
        pytest.skip("fault tests need PostgreSQL: set TEST_DATABASE_URL")
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    upgrade(url)
    return url


@pytest.fixture
def engine(pg_url: str) -> Iterator[Engine]:
    """An engine on the test database, for seeding and checking."""
    eng = make_engine(pg_url)
    yield eng
    eng.dispose()


def seed_workspace(engine: Engine, fake: FakeSlackApiThread, people: int) -> str:
    """A Slack workspace of people already introduced, in the database and in the fake."""
    with SqlUnitOfWorkFactory(engine)() as uow:
        ws = uow.workspaces.ensure("slack", TEAM, "Faults Inc")
        uow.commit()
    now = datetime.now(UTC)
    dms: list[str] = []
    for n in range(people):
        fake.add_user(f"U{n:05d}", f"Person {n}", f"person{n}@faults.test", tz="UTC")
        dms.append(fake.dm_channel(f"U{n:05d}") or "")
    # Bulk rows, as an import and earlier messages leave them (linked, DM known, introduced):
    # one fan-out is one message each.
    with engine.begin() as conn:
        conn.execute(insert(PersonRow), [
            {"workspace_id": ws, "id": f"p{n:05d}", "name": f"Person {n}",
             "email": f"person{n}@faults.test", "introduced_at": now} for n in range(people)])
        conn.execute(insert(PersonAccountRow), [
            {"workspace_id": ws, "platform": "slack", "external_id": f"U{n:05d}",
             "person_id": f"p{n:05d}", "conversation_id": dms[n]} for n in range(people)])
    return ws


def fan_out(engine: Engine, workspace_id: str, key: str) -> set[str]:
    """Queue one announcement to everyone, as a handler would (one transaction); the ids of
    every outbox row so far."""
    message = Message(f"Announcement {key}", (Section(mrkdwn(f"Announcement {key}")),))
    with SqlUnitOfWorkFactory(engine)() as uow:
        now = datetime.now(UTC)
        for person in uow.people.list(workspace_id):
            assert queue_for(uow, now, person, f"{key}:{person.id}", message)
        uow.commit()
        return set(uow.session.scalars(select(OutboxRow.id)))


def unfinished(engine: Engine) -> int:
    """Outbox rows not yet sent (pending, sending or failed)."""
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(OutboxRow)
                               .where(OutboxRow.status != "sent")) or 0)


def wait_until(done: Callable[[], bool], seconds: float, what: str,
               alive: Callable[[], None] = lambda: None) -> float:
    """Poll until done() (checking alive() meanwhile); the monotonic time it became true."""
    deadline = time.monotonic() + seconds
    while not done():
        alive()
        assert time.monotonic() < deadline, f"timed out waiting: {what}"
        time.sleep(0.05)
    return time.monotonic()


def web_up(port: int) -> bool:
    """Whether a process answers /healthz on 127.0.0.1:port."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def free_port() -> int:
    """A TCP port nothing listens on now, on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


_SENT = re.compile(r'^teamwell_outbox_deliveries_total\{(?=[^}]*outcome="sent")'
                   r'(?=[^}]*platform="slack")[^}]*\} (\S+)$', re.M)


def slack_deliveries(metrics_port: int) -> int | None:
    """The Slack messages a process delivered, from its /metrics (None: it does not answer)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics",
                                    timeout=2) as resp:
            page = resp.read().decode()
    except OSError:
        return None
    found = _SENT.search(page)
    return int(float(found.group(1))) if found else 0


@dataclass
class Proc:
    """One `teamwell` process and its log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        """Everything it logged so far."""
        return self.log.read_text(errors="replace")

    def says(self, words: str) -> bool:
        """Whether its log contains words."""
        return words in self.output()

    def running(self) -> None:
        """Fail the test, with the log, if the process has ended."""
        assert self.popen.poll() is None, f"{self.name} ended:\n{self.output()[-4000:]}"


@dataclass
class Cluster:
    """`teamwell` processes sharing one database and one fake Slack."""

    tmp: Path
    env: dict[str, str]
    procs: list[Proc] = field(default_factory=list)

    def spawn(self, name: str, *args: str) -> Proc:
        """Start `teamwell ARGS...` with the cluster's settings."""
        log = self.tmp / f"{name}.log"
        popen = subprocess.Popen([sys.executable, "-m", "teamwell.bot.cli", *args],
                                 cwd=self.tmp, env=self.env, stdout=log.open("wb"),
                                 stderr=subprocess.STDOUT)
        proc = Proc(name, popen, log)
        self.procs.append(proc)
        return proc

    def stop_all(self) -> None:
        """SIGTERM what still runs (SIGKILL after 20 s)."""
        for proc in self.procs:
            if proc.popen.poll() is None:
                proc.popen.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.popen.kill()
                proc.popen.wait()


@pytest.fixture
def cluster(tmp_path: Path, pg_url: str, fake_slack: FakeSlackApiThread) -> Iterator[Cluster]:
    """Processes started by the test, all stopped at its end."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "TEAMWELL_", "TEAMS_")) and "proxy" not in k.lower()}
    env.update(TEAMWELL_DATABASE_URL=pg_url, SLACK_BOT_TOKEN=TOKEN,
               SLACK_API_URL=fake_slack.base_url + "/api/", TEAMWELL_LOG_LEVEL="INFO",
               TEAMWELL_OUTBOX_LEASE_SECONDS="10",
               # The fake Slack enforces no limits; paced to Slack's, a 2,000-person fan-out
               # would take minutes (pacing has its own tests, tests/pacing/).
               TEAMWELL_OUTBOX_PACING="off")
    group = Cluster(tmp_path, env)
    yield group
    group.stop_all()


@pytest.fixture
def fake_slack() -> Iterator[FakeSlackApiThread]:
    """A fake Slack Web API on 127.0.0.1 in its own thread."""
    with FakeSlackApiThread(token=TOKEN, team_id=TEAM) as fake:
        yield fake
