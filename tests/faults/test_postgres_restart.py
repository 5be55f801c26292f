"""PostgreSQL restarted (or every session cut) during delivery: the workers reconnect; nothing
lost or duplicated."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from teamwell.bot.slack.fake_api import FakeSlackApiThread

from .conftest import LEADING, Cluster, fan_out, seed_workspace, unfinished, wait_until

PEOPLE = 1_000
CLUSTERS = Path("/etc/postgresql")

RESTART = pytest.param("restart", marks=pytest.mark.skipif(
    os.environ.get("TEAMWELL_RESTART_POSTGRES") != "1",
    reason="restarts the machine's PostgreSQL: set TEAMWELL_RESTART_POSTGRES=1 when no other "
           "test run uses it (CI runs the suite alone and sets it)"))


def _outage(kind: str, engine: Engine) -> None:
    if kind == "restart":
        version = sorted(CLUSTERS.iterdir())[-1].name
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main",
                        "restart"], check=True, timeout=120, capture_output=True)
        return
    # What a restart or a failover does to the clients, confined to this test's database.
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                          " WHERE datname = current_database() AND pid <> pg_backend_pid()"))


def _syncs(fake: FakeSlackApiThread) -> list[float]:
    """When each directory sync began: the scheduled job's first users.list page."""
    return [c.monotonic for c in fake.calls_to("users.list") if not c.params.get("cursor")]


def _all_sent(engine: Engine) -> bool:
    try:
        return unfinished(engine) == 0
    except SQLAlchemyError:  # the database is still coming back
        return False


@pytest.mark.parametrize("outage", ["sessions-cut", RESTART])
def test_a_database_restart_mid_delivery_loses_and_repeats_nothing(
    cluster: Cluster, engine: Engine, fake_slack: FakeSlackApiThread, outage: str
) -> None:
    ws = seed_workspace(engine, fake_slack, PEOPLE)
    expected = fan_out(engine, ws, "restart")
    fake_slack.latency = 0.002
    workers = [cluster.spawn("worker-a", "worker"), cluster.spawn("worker-b", "worker")]

    def alive() -> None:
        for w in workers:
            w.running()

    wait_until(lambda: len(fake_slack.posted_outbox_ids()) >= PEOPLE // 4, 60,
               "a quarter delivered", alive)
    _outage(outage, engine)
    posted_at_restart = len(fake_slack.posted_outbox_ids())
    wait_until(lambda: _all_sent(engine), 90, "every message sent", alive)
    wait_until(lambda: sum(w.output().count(LEADING) for w in workers) >= 2, 30,
               "a leader after the restart", alive)

    assert posted_at_restart < PEOPLE
    posted = fake_slack.posted_outbox_ids()
    assert len(posted) == len(set(posted)), "someone got the message twice"
    assert set(posted) == expected
    # The restart ended the leader's lock session; a leader was chosen again, and each
    # leadership ran its start-up directory sync once.
    leaderships = sum(w.output().count(LEADING) for w in workers)
    wait_until(lambda: len(_syncs(fake_slack)) >= leaderships, 15, "the new leader's sync")
    assert leaderships >= 2
    assert len(_syncs(fake_slack)) == leaderships
