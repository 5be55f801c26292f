"""Prometheus metrics: every instrument Teamwell exposes, in one registry per process.

The registry is our own rather than prometheus_client's global one, so that nothing another
library registers there appears on our page. Counters live for the whole process (tests read
them before and after); the outbox gauges are read from the database when a scrape asks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    JobEvent,
)
from apscheduler.schedulers.base import BaseScheduler
from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from teamwell.bot.storage.outbox_depth import Depth

log = logging.getLogger(__name__)
REGISTRY = CollectorRegistry(auto_describe=True)
for _standard in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
    REGISTRY.register(_standard)  # process_*, python_info, python_gc_*: memory, CPU, open fds

HTTP_REQUESTS = Counter(
    "teamwell_http_requests", "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"], registry=REGISTRY)
# Slack wants an answer within 3 s; the buckets bracket that limit.
ACK_SECONDS = Histogram(
    "teamwell_ack_latency_seconds", "Time to answer a platform's POST (Slack or Teams).",
    ["route"], buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0),
    registry=REGISTRY)
DELIVERIES = Counter(
    "teamwell_outbox_deliveries", "Outbox delivery attempts by platform and outcome "
    "(sent, retried, failed).", ["platform", "outcome"], registry=REGISTRY)
RATE_LIMITED = Counter(
    "teamwell_outbox_rate_limited", "429 answers from the platform, by platform.",
    ["platform"], registry=REGISTRY)
JOB_RUNS = Counter(
    "teamwell_job_runs", "Scheduler job runs by job id and outcome (ok, error, missed, "
    "skipped).", ["job", "outcome"], registry=REGISTRY)
JOB_LAST_SUCCESS = Gauge(
    "teamwell_job_last_success_timestamp_seconds", "When each job last finished without error "
    "(Unix time).", ["job"], registry=REGISTRY)

_JOB_OUTCOMES = {EVENT_JOB_EXECUTED: "ok", EVENT_JOB_ERROR: "error", EVENT_JOB_MISSED: "missed",
                 EVENT_JOB_MAX_INSTANCES: "skipped"}


def delivered(platform: str, outcome: str, rate_limited: bool = False) -> None:
    """Count one delivery attempt of the outbox sender."""
    DELIVERIES.labels(platform, outcome).inc()
    if rate_limited:
        RATE_LIMITED.labels(platform).inc()


def _job_event(event: JobEvent) -> None:
    outcome = _JOB_OUTCOMES.get(event.code, "other")
    JOB_RUNS.labels(event.job_id, outcome).inc()
    if outcome == "ok":
        JOB_LAST_SUCCESS.labels(event.job_id).set_to_current_time()


def watch_jobs(scheduler: BaseScheduler) -> None:
    """Count the scheduler's job runs by outcome."""
    scheduler.add_listener(_job_event, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED
                           | EVENT_JOB_MAX_INSTANCES)


class OutboxCollector(Collector):
    """Outbox depth and age, read from the database at scrape time."""

    def __init__(self, read: Callable[[], Iterable[Depth]],
                 now: Callable[[], datetime]) -> None:
        self.read = read
        self.now = now

    def collect(self) -> Iterator[Metric]:
        """One cheap grouped query per scrape; nothing when the database is away."""
        try:
            depths = list(self.read())
        except Exception as exc:  # noqa: BLE001 - a scrape must answer; /readyz says why
            log.warning("metrics: outbox depth unavailable: %s", exc)
            return
        now = self.now()
        count = GaugeMetricFamily("teamwell_outbox_messages", "Outbox rows by platform and "
                                  "status (pending, sending, failed).",
                                  labels=["platform", "status"])
        age = GaugeMetricFamily("teamwell_outbox_oldest_age_seconds", "Age of the oldest row "
                                "in each platform and status (0 when there is none).",
                                labels=["platform", "status"])
        for depth in depths:
            count.add_metric([depth.platform, depth.status], depth.count)
            waited = (now - depth.oldest).total_seconds() if depth.oldest else 0.0
            age.add_metric([depth.platform, depth.status], max(waited, 0.0))
        yield count
        yield age


class InboxCollector(Collector):
    """Stored Slack clicks not yet handled, and the age of the oldest, at scrape time."""

    def __init__(self, read: Callable[[], tuple[int, datetime | None]],
                 now: Callable[[], datetime]) -> None:
        self.read = read
        self.now = now

    def collect(self) -> Iterator[Metric]:
        """One query per scrape; nothing when the database is away."""
        try:
            count, oldest = self.read()
        except Exception as exc:  # noqa: BLE001 - a scrape must answer; /readyz says why
            log.warning("metrics: inbox depth unavailable: %s", exc)
            return
        waited = (self.now() - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("teamwell_slack_inbox_clicks", "Slack clicks acknowledged and "
                                "stored, not yet handled.", value=count)
        yield GaugeMetricFamily("teamwell_slack_inbox_oldest_age_seconds", "Age of the oldest "
                                "stored Slack click (0 when there is none).",
                                value=max(waited, 0.0))


class _Joined(Collector):
    def __init__(self, *parts: Collector) -> None:
        self.parts = parts

    def collect(self) -> Iterator[Metric]:
        for part in self.parts:
            yield from part.collect()


def render(*extra: Collector) -> bytes:
    """The exposition page: the process's instruments plus per-app collectors."""
    return generate_latest(_Joined(REGISTRY, *extra))

