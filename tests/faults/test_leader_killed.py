"""kill -9 of the leading worker during a 2,000-message fan-out: a standby takes over.

Only the leader sends (so that pacing holds for the deployment): the standby's /metrics count
no delivery until it leads, and then it delivers the rest, each message once.
"""

from __future__ import annotations

import signal
import time

from sqlalchemy import Engine

from teamwell.bot.slack.fake_api import FakeSlackApiThread

from .conftest import (
    LEADING,
    STANDBY,
    Cluster,
    fan_out,
    free_port,
    seed_workspace,
    slack_deliveries,
    unfinished,
    wait_until,
)

PEOPLE = 2_000
TAKEOVER_LIMIT = 30.0
SEND_LIMIT = 120.0  # one worker sends about 50 a second to the fake; the held rows wait 10 s


def _syncs(fake: FakeSlackApiThread) -> list[float]:
    """When each directory sync began: the scheduled job's first users.list page."""
    return [c.monotonic for c in fake.calls_to("users.list") if not c.params.get("cursor")]


def test_only_the_leader_sends_and_when_killed_mid_fan_out_the_standby_sends_the_rest_once(
    cluster: Cluster, engine: Engine, fake_slack: FakeSlackApiThread
) -> None:
    ws = seed_workspace(engine, fake_slack, PEOPLE)
    expected = fan_out(engine, ws, "closure")
    fake_slack.latency = 0.002  # delivery takes a while: the kill lands in the middle of it
    ports = {"worker-a": free_port(), "worker-b": free_port()}
    workers = [cluster.spawn(name, "worker", "--metrics-host", "127.0.0.1", "--metrics-port",
                             str(port)) for name, port in ports.items()]

    def alive() -> None:
        for w in workers:
            w.running()

    wait_until(lambda: any(w.says(LEADING) for w in workers)
               and any(w.says(STANDBY) for w in workers), 60, "one leader, one standby", alive)
    leader, standby = sorted(workers, key=lambda w: not w.says(LEADING))
    wait_until(lambda: len(fake_slack.posted_outbox_ids()) >= PEOPLE // 4, 60,
               "a quarter delivered", alive)
    standby_sent_while_standby = slack_deliveries(ports[standby.name])
    leader_sent_before_kill = slack_deliveries(ports[leader.name]) or 0
    syncs_before = len(_syncs(fake_slack))
    leader.popen.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    leader.popen.wait(timeout=10)
    posted_at_kill = len(fake_slack.posted_outbox_ids())
    took_over_at = wait_until(lambda: standby.says(LEADING), 2 * TAKEOVER_LIMIT,
                              "the standby leads", standby.running)
    wait_until(lambda: unfinished(engine) == 0, SEND_LIMIT, "every message sent",
               standby.running)
    standby_sent = slack_deliveries(ports[standby.name]) or 0
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
    # Only the leader sent; the standby, once it led, delivered the rest (and marked sent the
    # messages the dead leader had posted without recording it).
    assert standby_sent_while_standby == 0, "the standby sent while another process led"
    assert leader_sent_before_kill > 0
    assert PEOPLE - posted_at_kill <= standby_sent <= PEOPLE - leader_sent_before_kill
    # The scheduled jobs ran in one process at a time: one directory sync per leadership.
    syncs = _syncs(fake_slack)
    assert syncs_before == 1
    assert len(syncs) == 2 and syncs[1] > killed_at
    assert stopped == 0 and "Traceback" not in standby.output()
