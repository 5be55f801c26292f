"""The real sender against a fake Slack that refuses anything beyond Slack's (scaled) limits."""

from __future__ import annotations

import time

import pytest
from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.rate_limits import Limits, Rate
from teamwell.bot.slack.fake_api import FakeSlackApiThread
from teamwell.bot.slack.fake_limits import LimitedSlackApi
from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.core.clock import SystemClock

from .conftest import LIMITS, TEAM, TOKEN, Workspace

PACED = SenderSettings(limits=LIMITS, backoff_base=0.05, backoff_cap=0.2)


async def _deliver(workspace: Workspace, client: AsyncWebClient,
                   settings: SenderSettings = PACED) -> tuple[int, float]:
    sender = SlackSender(workspace.uow, client, SystemClock(), settings)
    started = time.monotonic()
    delivered = await sender.drain_until_empty(max_seconds=60)
    return delivered, time.monotonic() - started


@pytest.mark.usefixtures("one_database_thread")
async def test_a_paced_fan_out_meets_no_rate_limit_and_takes_about_the_least_time_allowed(
    workspace: Workspace, client: AsyncWebClient
) -> None:
    people = workspace.people(180)
    # Everyone gets one message; thirty people get two more, queued later.
    workspace.queue([(p, f"pulse for {p}") for p in people]
                    + [(p, f"{word} for {p}") for word in ("reminder", "thanks")
                       for p in people[:30]])

    delivered, took = await _deliver(workspace, client)

    least = workspace.api.minimum_seconds()
    assert workspace.api.refused == {}
    assert delivered == 240 and workspace.unsent() == 0
    posted = workspace.fake.posted_outbox_ids()
    assert len(posted) == len(set(posted)) == 240
    assert workspace.texts(people[0]) == [f"{w} for {people[0]}" for w in
                                          ("pulse", "reminder", "thanks")]
    assert least > 2.0  # 230 posts beyond the burst, at 100 a second
    assert took < 2 * least + 1.5, f"{took:.2f} s for a least of {least:.2f} s"


@pytest.mark.usefixtures("one_database_thread")
async def test_people_found_by_email_are_looked_up_within_their_tier_and_need_no_dm_opened(
    workspace: Workspace, client: AsyncWebClient
) -> None:
    people = workspace.people(40, linked=False)
    workspace.queue([(p, f"hello {p}") for p in people])

    delivered, _ = await _deliver(workspace, client)

    assert workspace.api.refused == {}
    assert delivered == 40
    assert len(workspace.fake.calls_to("users.lookupByEmail")) == 40
    assert workspace.fake.calls_to("conversations.open") == []  # posted to their user ids
    assert workspace.api.minimum_seconds() > 1.5  # Tier 3, not posting, set the pace


class _Overlapping(LimitedSlackApi):
    """Counts how many calls it is answering at the same moment."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.answering = self.most_at_once = 0

    async def _handle(self, request: web.Request) -> web.Response:
        self.answering += 1
        self.most_at_once = max(self.most_at_once, self.answering)
        try:
            return await super()._handle(request)
        finally:
            self.answering -= 1


@pytest.mark.usefixtures("one_database_thread")
async def test_different_peoples_messages_are_sent_side_by_side_each_persons_in_order(
    workspace: Workspace
) -> None:
    overlapping = _Overlapping(token=TOKEN, team_id=TEAM, limits=LIMITS, latency=0.05)
    with FakeSlackApiThread(overlapping) as fake:
        workspace.fake = fake
        people = workspace.people(20)
        workspace.queue([(p, f"{n} for {p}") for n in range(3) for p in people])
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url + "/api/")

        delivered, _ = await _deliver(workspace, client)

        assert delivered == 60
        assert overlapping.most_at_once >= 5
        assert all(workspace.texts(p) == [f"{n} for {p}" for n in range(3)] for p in people)


async def test_the_limited_fake_refuses_a_call_beyond_its_bucket_with_retry_after() -> None:
    limits = Limits(methods={"conversations.open": Rate(0.5, burst=2)})
    with FakeSlackApiThread(LimitedSlackApi(token=TOKEN, limits=limits, jitter=0)) as fake:
        fake.add_user("U1", "Ana")
        client = AsyncWebClient(token=TOKEN, base_url=fake.base_url + "/api/")
        client.retry_handlers.clear()
        for _ in range(2):
            await client.conversations_open(users="U1")

        with pytest.raises(SlackApiError) as refused:
            await client.conversations_open(users="U1")

        assert refused.value.response.status_code == 429
        assert refused.value.response.headers["Retry-After"] == "2"
        assert fake.api.refused == {"conversations.open": 1}
        assert [c.status for c in fake.calls_to("conversations.open")] == [200, 200, 429]
