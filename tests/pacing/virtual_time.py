"""A monotonic clock and sleep for the pacer that move only when every caller is asleep."""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Awaitable
from typing import Any


class VirtualTime:
    """Time jumps straight to the next wake-up once the event loop has nothing else to do."""

    def __init__(self) -> None:
        self.now = 0.0
        self._sleepers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        """Sleep in virtual time."""
        woken: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._sleepers, (self.now + seconds, next(self._order), woken))
        await woken

    async def run(self, *calls: Awaitable[Any]) -> list[Any]:
        """Run calls side by side until all are done; their results in order."""
        tasks = [asyncio.ensure_future(c) for c in calls]
        while not all(t.done() for t in tasks):
            for _ in range(20):  # let every runnable task run (lock hand-overs take a few)
                await asyncio.sleep(0)
            if self._sleepers and not all(t.done() for t in tasks):
                wake, _, woken = heapq.heappop(self._sleepers)
                self.now = max(self.now, wake)
                woken.set_result(None)
        return [t.result() for t in tasks]
