"""A message whose content expired can still be edited in place, or fails at once if it failed."""

from __future__ import annotations

from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.core.clock import FakeClock
from teamwell.core.retention import TOMBSTONE, RetentionConfig
from teamwell.handlers.deps import Deps
from teamwell.handlers.retention import run_retention
from teamwell.surveys.onboarding import load_library
from tests.outbox.conftest import Org

FAST = SenderSettings(lease_seconds=30, backoff_base=0.05, backoff_cap=0.2, original_wait=0.05)


def _retention(org: Org, clock: FakeClock) -> None:
    deps = Deps(uow=org.uow, clock=clock, sequences=load_library(),
                retention=RetentionConfig(message_days=1))
    run_retention(deps)


async def test_a_checklist_whose_content_expired_is_still_updated_in_place(
        org: Org, client: AsyncWebClient, clock: FakeClock) -> None:
    ana = org.person(1)
    org.queue(org.item("checklist", to=ana, words="0 of 3 done"))
    sender = SlackSender(org.uow, client, clock, FAST)
    await sender.drain()
    clock.advance(timedelta(days=2))
    _retention(org, clock)

    org.queue(org.item("checklist:v2", to=ana, replaces="checklist", words="1 of 3 done"))
    delivered = await sender.drain()

    rows = org.rows()
    assert rows["checklist"].payload == TOMBSTONE
    assert delivered == 1 and rows["checklist:v2"].status == "sent"
    channel = org.fake.dm_channel("U0001")
    assert [m["text"] for m in org.fake.messages_in(channel or "")] == ["1 of 3 done"]


async def test_an_update_of_an_expired_failed_message_fails_at_once_instead_of_waiting(
        org: Org, client: AsyncWebClient, clock: FakeClock) -> None:
    ana = org.person(1)
    org.queue(org.item("checklist", to=ana, words="0 of 3 done"))
    org.fake.fail_next("chat.postMessage", 1, status=200, error="channel_not_found")
    sender = SlackSender(org.uow, client, clock, FAST)
    await sender.drain()
    clock.advance(timedelta(days=2))
    _retention(org, clock)

    org.queue(org.item("checklist:v2", to=ana, replaces="checklist", words="1 of 3 done"))
    await sender.drain()

    rows = org.rows()
    assert rows["checklist"].status == "expired"
    assert rows["checklist:v2"].status == "failed"
    assert "failed" in (rows["checklist:v2"].last_error or "")
