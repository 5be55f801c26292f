"""The durable inbox: a click is stored before its 200 and handled once, even across a crash."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from teamwell.bot.slack import inbox as inbox_module
from teamwell.bot.slack import simulate
from teamwell.bot.slack.inbox import LEASE, deferrable
from teamwell.bot.slack.ingress import check_shape
from teamwell.bot.storage.tables import PulseAnswerRow
from tests.slack.conftest import SECRET, TEAM, SlackWorld
from tests.slack.test_slack_pulse import SLACK_IDS, _pulse_buttons, _team_of_seven_gets_a_pulse


def _answers(w: SlackWorld) -> list[Any]:
    with w.wired.deps.uow() as uow:
        return list(uow.session.scalars(select(PulseAnswerRow)).all())


def _first_answer_click(w: SlackWorld, user: str) -> tuple[str, str]:
    button = next(b for b in _pulse_buttons(w, user) if b["value"].endswith("|4"))
    return simulate.block_action_body(TEAM, user, button["action_id"], button["value"],
                                      w.api.dm_channel(user))


def test_only_plain_button_clicks_are_deferred() -> None:
    click = simulate.block_action_body(TEAM, "U1", "tw_pulse_answer:2", "r|q|3", "D1")
    form_opener = simulate.block_action_body(TEAM, "U1", "tw_pulse_comment", "r", "D1")
    unknown = simulate.block_action_body(TEAM, "U1", "mystery", "x", "D1")
    command = simulate.command_body(TEAM, "U1", "/teamwell", "pulse")
    submit = simulate.view_submission_body(TEAM, "U1", "tw_pulse_comment_submit", "r", {"c": "x"})

    def payload(body: tuple[str, str]) -> dict[str, Any]:
        return check_shape(*body)[1] or {}

    assert deferrable(payload(click))
    assert not any(deferrable(payload(other))
                   for other in (form_opener, unknown, command, submit))


async def test_a_click_acked_just_before_a_crash_is_handled_after_the_restart(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    body, ctype = _first_answer_click(w, "UADA")
    # What the ack path wrote before the process died, never handled.
    await asyncio.to_thread(w.inbox.store.add_many, [(ctype, body)], w.clock.now())
    assert _answers(w) == []

    await w.inbox.drain()  # the restarted server's worker

    assert len(_answers(w)) == 1
    assert await asyncio.to_thread(w.inbox.store.waiting) == 0


async def test_a_worker_that_died_holding_a_click_leaves_it_to_the_next_after_its_lease(
        slack_world: SlackWorld) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    body, ctype = _first_answer_click(w, "UBO")
    await asyncio.to_thread(w.inbox.store.add_many, [(ctype, body)], w.clock.now())
    claimed = await asyncio.to_thread(w.inbox.store.claim, w.clock.now(), LEASE, 10)
    assert len(claimed) == 1  # ... and then that worker died

    await w.inbox.drain()
    assert _answers(w) == []  # still leased
    w.clock.advance(LEASE + timedelta(seconds=1))
    await w.inbox.drain()

    assert len(_answers(w)) == 1


async def test_clicks_arriving_together_share_commits_and_are_all_handled(
        slack_world: SlackWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    commits: list[int] = []
    real_add = w.inbox.store.add_many

    def counting_add(requests: Any, now: Any) -> None:
        commits.append(len(requests))
        real_add(requests, now)

    monkeypatch.setattr(w.inbox.store, "add_many", counting_add)
    clicks = [simulate.block_action_body(TEAM, user, b["action_id"], b["value"],
                                         w.api.dm_channel(user))
              for user in SLACK_IDS for b in _pulse_buttons(w, user) if b["value"].endswith("|3")]

    statuses = await asyncio.gather(*(w.post(*click) for click in clicks))

    assert all(status == 200 for status, _ in statuses)
    assert sum(commits) == len(clicks) >= 7 * 4  # every question of all seven
    assert len(commits) < len(clicks)
    assert len(_answers(w)) == len(clicks)


async def test_a_stored_click_is_filed_under_its_clicker_so_their_clicks_keep_their_order(
        slack_world: SlackWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    lanes: list[str] = []
    real_add = w.inbox.store.add_many

    def noting_add(requests: Any, now: Any) -> None:
        lanes.extend(request[2] for request in requests)
        real_add(requests, now)

    monkeypatch.setattr(w.inbox.store, "add_many", noting_add)

    status, _ = await w.post(*_first_answer_click(w, "UADA"))

    assert status == 200
    assert lanes == [f"{TEAM}:UADA"]


async def test_a_click_that_cannot_be_stored_gets_a_503_not_a_false_ok(
        slack_world: SlackWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)

    def broken(_requests: Any, _now: Any) -> None:
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(w.inbox.store, "add_many", broken)

    status, _ = await w.post(*_first_answer_click(w, "UCY"))

    assert status == 503
    assert _answers(w) == []


async def test_the_worker_process_handles_stored_clicks_when_the_web_server_does_not(
        slack_world: SlackWorld) -> None:
    from teamwell.bot.server import Background
    from teamwell.bot.wiring import slack_client

    w = slack_world  # its web server runs without background work, like serve --no-scheduler
    await _team_of_seven_gets_a_pulse(w)
    body, ctype = _first_answer_click(w, "UDI")
    await asyncio.to_thread(w.inbox.store.add_many, [(ctype, body)], w.clock.now())
    jobs = Background(w.wired, slack_client(w.wired.settings))  # what `teamwell worker` runs

    await jobs.start()
    try:
        for _ in range(100):
            if _answers(w):
                break
            await asyncio.sleep(0.05)
    finally:
        await jobs.close()

    assert len(_answers(w)) == 1


async def test_in_a_burst_of_clicks_the_worker_takes_small_batches_and_catches_up_after(
        slack_world: SlackWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    w = slack_world
    await _team_of_seven_gets_a_pulse(w)
    monkeypatch.setattr(inbox_module, "MAX_DEFER", 0.1)
    monkeypatch.setattr(inbox_module, "BURST_BATCH", 2)
    store = w.inbox.store
    real_add, real_claim = store.add_many, store.claim
    limits: list[tuple[bool, int]] = []  # (during the burst, claim limit)
    burst = asyncio.Event()

    def slow_add(requests: Any, now: Any) -> None:
        time.sleep(0.02)  # storing takes a while, so the clickers' requests pile up
        real_add(requests, now)

    def noting_claim(now: Any, lease: Any, limit: int) -> Any:
        limits.append((burst.is_set(), limit))
        return real_claim(now, lease, limit)

    monkeypatch.setattr(store, "add_many", slow_add)
    monkeypatch.setattr(store, "claim", noting_claim)
    clicks = [simulate.block_action_body(TEAM, user, b["action_id"], b["value"],
                                         w.api.dm_channel(user))
              for user in SLACK_IDS for b in _pulse_buttons(w, user) if b["value"].endswith("|3")]
    await asyncio.to_thread(real_add, [(c, b, "") for b, c in clicks[:10]], w.clock.now())

    url = w.server.make_url("/slack/events")

    async def keep_clicking(n: int) -> None:
        # One of eight clickers, each clicking again as soon as answered, over HTTP.
        for body, ctype in itertools.islice(itertools.cycle(clicks[n::8]), 15):
            headers = {"Content-Type": ctype, **simulate.sign(SECRET, body)}
            async with w.session.post(url, data=body.encode(), headers=headers) as resp:
                assert resp.status == 200

    burst.set()
    clicking = asyncio.gather(*(keep_clicking(n) for n in range(8)))
    while w.inbox.open_requests < inbox_module.BUSY_ACKS:  # the burst is on when the worker starts
        await asyncio.sleep(0.001)
    stop = asyncio.Event()
    worker = asyncio.ensure_future(w.inbox.run(stop))
    await clicking
    burst.clear()
    await asyncio.sleep(0.05)
    for _ in range(200):
        if await asyncio.to_thread(store.waiting) == 0:
            break
        await asyncio.sleep(0.05)
    stop.set()
    await worker

    during = [limit for busy, limit in limits if busy]
    assert during and set(during) == {2}, "in the burst: only small batches"
    assert (False, inbox_module.BATCH) in limits, "after it: full batches"
    assert await asyncio.to_thread(store.waiting) == 0
    assert len(_answers(w)) == len(clicks)  # each question of all seven, answered once
