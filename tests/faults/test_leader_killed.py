"""kill -9 of the leading worker during a 2,000-message fan-out: a standby takes over."""

from __future__ import annotations

import signal
import time

from sqlalchemy import Engine

from teamwell.bot.slack.fake_api import FakeSlackApiThread

from .conftest import LEADING, STANDBY, Cluster, fan_out, seed_workspace, unfinished, wait_until

PEOPLE = 2_000
TAKEOVER_LIMIT = 30.0


def _syncs(fake: FakeSlackApiThread) -> list[float]:
    """When each directory sync began: the scheduled job's first users.list page."""
    return [c.monotonic for c in fake.calls_to("users.list") if not c.params.get("cursor")]


def test_killing_the_leader_mid_fan_out_hands_over_within_30_s_and_everyone_gets_one_message(
    cluster: Cluster, engine: Engine, fake_slack: FakeSlackApiThread
) -> None:
    ws = seed_workspace(engine, fake_slack, PEOPLE)
    expected = fan_out(engine, ws, "closure")
    fake_slack.latency = 0.002  # delivery takes a while: the kill lands in the middle of it
    workers = [cluster.spawn("worker-a", "worker"), cluster.spawn("worker-b", "worker")]

    def alive() -> None:
        for w in workers:
            w.running()

    wait_until(lambda: any(w.says(LEADING) for w in workers)
               and any(w.says(STANDBY) for w in workers), 60, "one leader, one standby", alive)
    leader, standby = sorted(workers, key=lambda w: not w.says(LEADING))
    wait_until(lambda: len(fake_slack.posted_outbox_ids()) >= PEOPLE // 4, 60,
               "a quarter delivered", alive)
    syncs_before = len(_syncs(fake_slack))
    leader.popen.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    leader.popen.wait(timeout=10)
    posted_at_kill = len(fake_slack.posted_outbox_ids())
    took_over_at = wait_until(lambda: standby.says(LEADING), 2 * TAKEOVER_LIMIT,
                              "the standby leads", standby.running)
    wait_until(lambda: unfinished(engine) == 0, 60, "every message sent", standby.running)
    standby.popen.send_signal(signal.SIGTERM)  # a graceful stop releases the lock and exits 0
    stopped = standby.popen.wait(timeout=30)

    takeover = took_over_at - killed_at
    print(f"\ntakeover after kill -9: {takeover:.1f} s; {posted_at_kill} of {PEOPLE} "
          f"messages were posted at the kill")
    assert leader.popen.returncode == -signal.SIGKILL
    assert posted_at_kill < PEOPLE
    assert takeover < TAKEOVER_LIMIT
    posted = fake_slack.posted_outbox_ids()
    assert len(posted) == len(set(posted)), "someone got the message twice"
    assert set(posted) == expected
    # The scheduled jobs ran in one process at a time: one directory sync per leadership.
    syncs = _syncs(fake_slack)
    assert syncs_before == 1
    assert len(syncs) == 2 and syncs[1] > killed_at
    assert stopped == 0 and "Traceback" not in standby.output()
