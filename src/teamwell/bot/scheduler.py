"""APScheduler ticks: jobs only ask "what is due now?"; the database makes a double tick harmless."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from teamwell.handlers.deps import Deps
from teamwell.handlers.onboarding import due_steps_left, run_due_steps, send_due_reminders

log = logging.getLogger(__name__)
TICK_SECONDS = 60
MAX_BATCHES = 20  # per tick; what is left waits a minute


async def onboarding_tick(deps: Deps) -> int:
    """Send due onboarding steps and reminders (in a worker thread: storage is synchronous)."""
    sent = 0
    # Small batches, so that on SQLite's single database thread a click never waits long.
    for _ in range(MAX_BATCHES):
        batch = await asyncio.to_thread(run_due_steps, deps)
        sent += batch
        if not batch or not await asyncio.to_thread(due_steps_left, deps):
            break
    reminded = await asyncio.to_thread(send_due_reminders, deps)
    if sent or reminded:
        log.info("onboarding tick: %d steps, %d reminders queued", sent, reminded)
    return sent + reminded


async def scheduled_tick(deps: Deps) -> None:
    """The job APScheduler runs: a tick that a shutdown may interrupt without alarm."""
    try:
        await onboarding_tick(deps)
    except asyncio.CancelledError:
        # Shutdown cancels a running job; work already in its thread finishes or rolls back,
        # and the next start picks up whatever is still due.
        log.info("onboarding tick interrupted by shutdown")


def build_scheduler(deps: Deps, tick_seconds: int = TICK_SECONDS) -> AsyncIOScheduler:
    """An in-memory scheduler (nothing pickled); state lives in the database, not in jobs."""
    scheduler = AsyncIOScheduler(
        timezone=UTC,
        job_defaults={
            # A tick missed during a deploy still runs (once) when the process is back.
            "coalesce": True,
            "max_instances": 1,
            "misfire_grace_time": 6 * 3600,
        },
    )
    scheduler.add_job(scheduled_tick, "interval", seconds=tick_seconds, args=[deps],
                      id="onboarding_tick", next_run_time=deps.clock.now())
    return scheduler
