"""Web replicas behind a load balancer: Slack's retries of one event, spread over replicas."""

from __future__ import annotations

import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import Engine, func, select

from teamwell.bot.slack import simulate
from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.storage.tables import OutboxRow

from .conftest import (
    LEADING,
    TEAM,
    Cluster,
    free_port,
    seed_workspace,
    unfinished,
    wait_until,
    web_up,
)

SECRET = "replica-signing-secret"


def _deliver(port: int, body: str, ctype: str, retry: int) -> int:
    """POST the event as Slack does; a retry carries X-Slack-Retry-Num and its reason."""
    headers = {"Content-Type": ctype, **simulate.sign(SECRET, body)}
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/slack/events",
                                     data=body.encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=10) as resp:
        return int(resp.status)


def test_an_event_delivered_three_times_to_two_replicas_at_once_is_answered_once(
    cluster: Cluster, engine: Engine, fake_slack: FakeSlackApiThread
) -> None:
    seed_workspace(engine, fake_slack, 3)
    dm = fake_slack.dm_channel("U00001")
    cluster.env["SLACK_SIGNING_SECRET"] = SECRET
    ports = [free_port(), free_port()]
    web = [cluster.spawn(f"web-{p}", "serve", "--no-scheduler", "--host", "127.0.0.1",
                         "--port", str(p)) for p in ports]
    worker = cluster.spawn("worker", "worker")

    def alive() -> None:
        for proc in [*web, worker]:
            proc.running()

    wait_until(lambda: all(web_up(p) for p in ports) and worker.says(LEADING), 60,
               "replicas and worker up", alive)
    body, ctype = simulate.event_body(TEAM, {
        "type": "message", "channel_type": "im", "channel": dm, "user": "U00001",
        "text": "help", "ts": f"{time.time():.6f}"}, "EvSAMEEVENT1")
    # The first delivery and both retries, at once, through a load balancer's round robin.
    with ThreadPoolExecutor(3) as pool:
        statuses = list(pool.map(lambda n: _deliver(ports[n % 2], body, ctype, n), range(3)))
    wait_until(lambda: unfinished(engine) == 0 and bool(fake_slack.messages_in(dm or "")), 30,
               "the answer delivered", alive)
    time.sleep(1.5)  # a second answer, if there were one, would be posted by now

    with engine.connect() as conn:
        queued = conn.scalar(select(func.count()).select_from(OutboxRow))
    syncs = [c for c in fake_slack.calls_to("users.list") if not c.params.get("cursor")]
    assert statuses == [200, 200, 200]
    assert queued == 1
    assert len(fake_slack.messages_in(dm or "")) == 1
    assert len(syncs) == 1, "a web replica ran scheduled jobs"
