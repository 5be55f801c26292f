"""/metrics: requests, ack latency, outbox depth and age, deliveries, 429s and job runs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp.test_utils import TestServer
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client.parser import text_string_to_metric_families

from teamwell.bot import metrics
from teamwell.bot.config import load_settings
from teamwell.bot.scheduler import build_scheduler
from teamwell.bot.server import build_web_app
from teamwell.bot.wiring import slack_client, wire
from teamwell.core.messages import Message, Section, text
from teamwell.core.outbox import OutboundItem

from .conftest import SlackWorld


def sample(name: str, **labels: str) -> float:
    """The current value of one sample of the process's registry (0 when never set)."""
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


async def scrape(world: SlackWorld) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """GET /metrics over HTTP and parse it: (sample name, sorted labels) -> value."""
    async with world.session.get(world.server.make_url("/metrics")) as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        page = await resp.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(page) for s in family.samples}


def queue(world: SlackWorld, *keys: str, to: str) -> None:
    """Queue one message per key to a person, as a handler would."""
    ws = world.workspace_id
    with world.wired.deps.uow() as uow:
        for key in keys:
            uow.outbox.add(OutboundItem(ws, key,
                                        Message(key, (Section(text(key)),)), recipient_id=to),
                           world.clock.now())
        uow.commit()


async def test_a_slack_request_is_counted_by_route_and_status_and_its_ack_is_timed(
        slack_world: SlackWorld) -> None:
    labels = {"route": "/slack/events", "method": "POST"}
    ok, refused = sample("teamwell_http_requests_total", status="200", **labels), \
        sample("teamwell_http_requests_total", status="401", **labels)
    acks = sample("teamwell_ack_latency_seconds_count", route="/slack/events")

    status, _ = await slack_world.command("UNOBODY", "help")
    forged, _ = await slack_world.post("command=/teamwell", "application/x-www-form-urlencoded",
                                       secret="not-the-secret")

    assert (status, forged) == (200, 401)
    assert sample("teamwell_http_requests_total", status="200", **labels) == ok + 1
    assert sample("teamwell_http_requests_total", status="401", **labels) == refused + 1
    assert sample("teamwell_ack_latency_seconds_count", route="/slack/events") == acks + 2
    page = await scrape(slack_world)
    assert page[("teamwell_ack_latency_seconds_bucket",
                 (("le", "3.0"), ("route", "/slack/events")))] >= acks + 2


async def test_a_teams_post_is_timed_as_an_ack_too(sqlite_url: str) -> None:
    settings = load_settings({"TEAMWELL_DATABASE_URL": sqlite_url,
                              "TEAMWELL_TEAMS_ANONYMOUS": "true"})
    wired = wire(settings)
    server = TestServer(build_web_app(wired, slack_client(settings), with_background=False),
                        host="127.0.0.1")
    await server.start_server()
    acks = sample("teamwell_ack_latency_seconds_count", route="/api/messages")
    malformed = sample("teamwell_http_requests_total", route="/api/messages", method="POST",
                       status="400")
    try:
        async with aiohttp.ClientSession() as session, session.post(
                server.make_url("/api/messages"), data=b"not json") as resp:
            status = resp.status
    finally:
        await server.close()
        wired.engine.dispose()

    assert status == 400
    assert sample("teamwell_ack_latency_seconds_count", route="/api/messages") == acks + 1
    assert sample("teamwell_http_requests_total", route="/api/messages", method="POST",
                  status="400") == malformed + 1


async def test_unknown_paths_share_one_label_instead_of_one_each(
        slack_world: SlackWorld) -> None:
    before = sample("teamwell_http_requests_total", route="unmatched", method="GET",
                    status="404")

    for path in ("/nope-1", "/nope-2"):
        async with slack_world.session.get(slack_world.server.make_url(path)) as resp:
            assert resp.status == 404

    assert sample("teamwell_http_requests_total", route="unmatched", method="GET",
                  status="404") == before + 2
    assert sample("teamwell_http_requests_total", route="/nope-1", method="GET",
                  status="404") == 0


async def test_the_page_shows_outbox_depth_and_the_age_of_the_oldest_row_by_status(
        slack_world: SlackWorld) -> None:
    nia = slack_world.add_person("UNIA", "Nia", "UTC")
    queue(slack_world, "first", to=nia)
    slack_world.clock.advance(timedelta(seconds=30))
    queue(slack_world, "second", to=nia)
    slack_world.clock.advance(timedelta(seconds=60))

    page = await scrape(slack_world)

    def gauge(name: str, status: str) -> float:
        return page[(name, (("platform", "slack"), ("status", status)))]

    assert gauge("teamwell_outbox_messages", "pending") == 2
    assert gauge("teamwell_outbox_oldest_age_seconds", "pending") == 90
    assert gauge("teamwell_outbox_messages", "sending") == 0
    assert gauge("teamwell_outbox_messages", "failed") == 0
    assert gauge("teamwell_outbox_oldest_age_seconds", "failed") == 0


async def test_the_page_shows_stored_clicks_waiting_and_the_age_of_the_oldest(
        slack_world: SlackWorld) -> None:
    store = slack_world.inbox.store
    empty = await scrape(slack_world)
    store.add_many([("application/x-www-form-urlencoded", "payload=one", "T:U1")],
                   slack_world.clock.now())
    slack_world.clock.advance(timedelta(seconds=45))
    store.add_many([("application/x-www-form-urlencoded", "payload=two", "T:U2")],
                   slack_world.clock.now())

    page = await scrape(slack_world)

    assert empty[("teamwell_slack_inbox_clicks", ())] == 0
    assert empty[("teamwell_slack_inbox_oldest_age_seconds", ())] == 0
    assert page[("teamwell_slack_inbox_clicks", ())] == 2
    assert page[("teamwell_slack_inbox_oldest_age_seconds", ())] == 45


async def test_deliveries_are_counted_by_outcome_and_rate_limits_by_platform(
        slack_world: SlackWorld) -> None:
    nia = slack_world.add_person("UNIA", "Nia", "UTC")
    queue(slack_world, "first", "second", to=nia)
    before = {outcome: sample("teamwell_outbox_deliveries_total", platform="slack",
                              outcome=outcome) for outcome in ("sent", "retried", "failed")}
    limited = sample("teamwell_outbox_rate_limited_total", platform="slack")

    slack_world.api.fail_next("chat.postMessage", status=429, retry_after=1)
    await slack_world.sender.drain()
    slack_world.clock.advance(timedelta(seconds=2))
    slack_world.api.fail_next("chat.postMessage", status=200, error="channel_not_found")
    await slack_world.sender.drain()

    after = {outcome: sample("teamwell_outbox_deliveries_total", platform="slack",
                             outcome=outcome) for outcome in before}
    assert {k: after[k] - before[k] for k in before} == {"sent": 1, "retried": 1, "failed": 1}
    assert sample("teamwell_outbox_rate_limited_total", platform="slack") == limited + 1
    page = await scrape(slack_world)
    assert page[("teamwell_outbox_messages", (("platform", "slack"), ("status", "failed")))] == 1


async def _until(predicate: Callable[[], bool], seconds: float = 10.0) -> None:
    for _ in range(int(seconds / 0.05)):
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the scheduler did not report the job in time")


async def test_scheduler_job_runs_are_counted_by_job_and_outcome(sqlite_url: str) -> None:
    wired = wire(load_settings({"TEAMWELL_DATABASE_URL": sqlite_url}))
    ok = sample("teamwell_job_runs_total", job="onboarding_tick", outcome="ok")
    scheduler = build_scheduler(wired.deps)

    scheduler.start()
    try:
        await _until(lambda: sample("teamwell_job_runs_total", job="onboarding_tick",
                                    outcome="ok") > ok)
    finally:
        scheduler.shutdown(wait=False)
        wired.engine.dispose()

    assert sample("teamwell_job_last_success_timestamp_seconds", job="onboarding_tick") > 0


async def test_a_failing_job_is_counted_as_an_error_and_a_late_one_as_missed() -> None:
    errors = sample("teamwell_job_runs_total", job="breaks", outcome="error")
    missed = sample("teamwell_job_runs_total", job="late", outcome="missed")

    async def breaks() -> None:
        raise RuntimeError("boom")

    async def late() -> None:
        raise AssertionError("a missed run must not run")

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(breaks, id="breaks")
    scheduler.add_job(late, "date", run_date=datetime.now(UTC) - timedelta(hours=1),
                      misfire_grace_time=1, id="late")
    metrics.watch_jobs(scheduler)
    scheduler.start()
    try:
        await _until(lambda: sample("teamwell_job_runs_total", job="breaks",
                                    outcome="error") > errors
                     and sample("teamwell_job_runs_total", job="late",
                                outcome="missed") > missed)
    finally:
        scheduler.shutdown(wait=False)
