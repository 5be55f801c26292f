"""One claimed batch of the outbox, delivered lane by lane, the lanes side by side.

A lane is one recipient's messages (or one channel's). Within a lane rows go out one after
another in queue order, as ever. With a pacer, different lanes go at the same time, so that the
sender is held back by the platform's rate limits rather than by waiting on each answer in
turn; the batch size bounds how many lanes run at once. Without one (no limits known: tests,
the offline demo) the batch goes one row at a time in queue order, as it always did.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from teamwell.bot.pacing import Pacer, pacing
from teamwell.bot.storage.outbox_store import Claimed, OutboxStore
from teamwell.core.clock import Clock

log = logging.getLogger(__name__)

Outcome = tuple[bool, datetime | None]  # (delivered, when the row's lane may go on)


def lane_of(claim: Claimed) -> tuple[str, str]:
    """The lane a row belongs to: its workspace and recipient (or channel)."""
    return claim.workspace_id, claim.recipient_id or f"#{claim.channel}"


@dataclass
class BatchRun:
    """Delivers one batch; `paused` is the sender's own map of rate-limited workspaces."""

    store: OutboxStore
    clock: Clock
    lease: timedelta
    paused: dict[str, datetime]
    deliver: Callable[[Claimed], Awaitable[Outcome]]
    pacer: Pacer | None
    stop: asyncio.Event | None

    async def run(self, batch: list[Claimed]) -> int:
        """Deliver the batch; how many rows were delivered."""
        lanes: dict[tuple[str, str], deque[Claimed]] = {}
        for claim in batch:
            lanes.setdefault(lane_of(claim), deque()).append(claim)
        if self.pacer is None or len(lanes) == 1:
            return await self._rows(deque(batch))
        tasks = [asyncio.ensure_future(self._rows(rows)) for rows in lanes.values()]
        try:
            return sum(await asyncio.gather(*tasks))
        except BaseException:
            # As when one row broke the old one-by-one loop: the rest of the batch stops and
            # its rows wait for their lease.
            for task in tasks:
                task.cancel()
            raise

    async def _rows(self, rows: deque[Claimed]) -> int:
        delivered = 0
        held: dict[tuple[str, str], datetime] = {}  # lanes waiting (a retry, a lost row)
        while rows:
            now = self.clock.now()
            if now >= rows[0].lease_until - self.lease / 2:
                # Renewed, the row goes on at once: re-reading the clock first could find the
                # lease stale again while other lanes ran, over and over.
                rows = await self._renew(rows, held)
                if not rows:
                    break
            claim = rows.popleft()
            hold = held.get(lane_of(claim))
            paused = self.paused.get(claim.workspace_id)
            if paused is not None and paused > now:
                hold = max(hold or paused, paused)
            if self.stop is not None and self.stop.is_set():
                hold = now
            if hold is not None:
                # Hand the row back unchanged so the lane keeps its order (or another sender
                # can take it at once when stopping).
                await asyncio.to_thread(self.store.reschedule, claim, hold, None, False,
                                        claim.in_doubt)
                continue
            with pacing(self.pacer, claim.workspace_id):
                sent, lane_waits_until = await self.deliver(claim)
            delivered += int(sent)
            if lane_waits_until is not None:
                held[lane_of(claim)] = lane_waits_until
        return delivered

    async def _renew(self, rows: deque[Claimed], held: dict[tuple[str, str], datetime]
                     ) -> deque[Claimed]:
        now = self.clock.now()
        kept = await asyncio.to_thread(self.store.renew, list(rows), now + self.lease)
        lost = [c for c in rows if c.id not in kept]
        if lost:
            log.warning("outbox sender: lost the claim on %d rows to another sender", len(lost))
        for claim in lost:
            # The rest of its lane waits for the sender that took it over: handed back now.
            held.setdefault(lane_of(claim), now)
        return deque(replace(c, lease_until=now + self.lease) for c in rows if c.id in kept)
