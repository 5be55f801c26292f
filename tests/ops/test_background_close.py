"""Stopping background work is bounded, and every closer runs (a leader lock is released)."""

from __future__ import annotations

import asyncio
import time

from teamwell.bot.server import Background
from teamwell.bot.wiring import slack_client

from .conftest import SlackWorld


async def test_a_delivery_that_hangs_is_cut_off_at_the_bound_and_the_closers_still_run(
        slack_world: SlackWorld) -> None:
    background = Background(slack_world.wired, slack_client(slack_world.wired.settings))
    await background.start()
    hung = asyncio.ensure_future(asyncio.sleep(3600))  # a platform that never answers
    background.tasks.append(hung)
    ran: list[str] = []

    async def breaks() -> None:
        ran.append("breaks")
        raise RuntimeError("a closer that fails")

    async def releases() -> None:
        ran.append("releases")

    background.closers.extend([breaks, releases])

    started = time.monotonic()
    await background.close(grace=0.3)
    took = time.monotonic() - started

    assert took < 2
    assert hung.cancelled()
    assert all(task.done() for task in background.tasks)
    assert ran == ["breaks", "releases"]


async def test_stopping_with_nothing_in_hand_returns_at_once(slack_world: SlackWorld) -> None:
    background = Background(slack_world.wired, slack_client(slack_world.wired.settings))
    await background.start()

    started = time.monotonic()
    await background.close(grace=10)

    assert time.monotonic() - started < 5
    assert all(task.done() and not task.cancelled() for task in background.tasks)
