"""APScheduler ticks: jobs only ask "what is due now?"; the database makes a double tick harmless."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC

import aiohttp
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.metrics import watch_jobs
from teamwell.bot.slack.directory import sync_workspace_users
from teamwell.bot.slack.identity import slack_workspace
from teamwell.bot.slack.tokens import TeamTokens, with_token
from teamwell.core.sentiment import SentimentModel
from teamwell.handlers.celebrations import send_due_celebrations
from teamwell.handlers.comment_scoring import score_pending_comments
from teamwell.handlers.deps import Deps
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.onboarding import due_steps_left, run_due_steps, send_due_reminders
from teamwell.handlers.pulse_delivery import send_due_invites, send_due_pulse_reminders
from teamwell.handlers.pulse_rounds import close_due_rounds, open_weekly_rounds
from teamwell.handlers.recognition import send_recognition_prompts
from teamwell.handlers.retention import run_retention
from teamwell.handlers.suggestion_actions import send_due_suggestion_reminders

log = logging.getLogger(__name__)
TICK_SECONDS = 60
RECOGNITION_MINUTES = 15
MAX_BATCHES = 20  # per tick; what is left waits a minute
SENTIMENT_MINUTES = 5


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


async def pulse_tick(deps: Deps) -> int:
    """Open this week's rounds, send due invitations and reminders, close rounds that are done."""
    opened = await asyncio.to_thread(open_weekly_rounds, deps)
    invited = 0
    for _ in range(MAX_BATCHES):
        batch = await asyncio.to_thread(send_due_invites, deps)
        invited += batch
        if not batch:
            break
    reminded = await asyncio.to_thread(send_due_pulse_reminders, deps)
    closed = await asyncio.to_thread(close_due_rounds, deps)
    if opened or invited or reminded or closed:
        log.info("pulse tick: %d rounds opened, %d invitations, %d reminders, %d closed",
                 opened, invited, reminded, closed)
    return opened + invited + reminded + closed


async def scheduled_tick(deps: Deps) -> None:
    """The job APScheduler runs: a tick that a shutdown may interrupt without alarm."""
    try:
        await onboarding_tick(deps)
        await pulse_tick(deps)
    except asyncio.CancelledError:
        # Shutdown cancels a running job; work already in its thread finishes or rolls back,
        # and the next start picks up whatever is still due.
        log.info("scheduled tick interrupted by shutdown")


async def recognition_tick(deps: Deps) -> None:
    """Celebrations and managers' recognition prompts: each reads the whole directory, so they
    run every quarter hour rather than every minute (09:00 posts go out by 09:15)."""
    try:
        await asyncio.to_thread(send_due_celebrations, deps)
        await asyncio.to_thread(send_recognition_prompts, deps)
    except asyncio.CancelledError:
        log.info("recognition tick interrupted by shutdown")


async def digest_tick(deps: Deps) -> None:
    """Weekly digests (Monday 09:00 local) and reminders of check-ins managers took on."""
    try:
        sent = await asyncio.to_thread(send_due_digests, deps)
        reminded = await asyncio.to_thread(send_due_suggestion_reminders, deps)
        if sent or reminded:
            log.info("digest tick: %d digests, %d check-in reminders queued", sent, reminded)
    except asyncio.CancelledError:
        log.info("digest tick interrupted by shutdown")


async def sentiment_tick(deps: Deps, model: SentimentModel) -> int:
    """Score new comments in batches, in a worker thread (a neural network is slow)."""
    scored = 0
    try:
        for _ in range(MAX_BATCHES):
            batch = await asyncio.to_thread(score_pending_comments, deps, model)
            scored += batch
            if not batch:
                break
    except asyncio.CancelledError:
        log.info("sentiment tick interrupted by shutdown")
    return scored


async def retention_job(deps: Deps) -> None:
    """Nightly: delete what is past its retention period (comment text, message contents,
    stale event ids and clicks, how to reach people who left, and then those people)."""
    try:
        expired = await asyncio.to_thread(run_retention, deps)
        log.info("retention: %s", "; ".join(expired.lines()))
    except asyncio.CancelledError:
        log.info("retention job interrupted by shutdown")


async def _teams(client: AsyncWebClient, teams: TeamTokens | None
                 ) -> list[tuple[str, AsyncWebClient]]:
    if teams is None:
        team = (await client.auth_test()).get("team_id")
        return [(str(team), client)] if team else []
    # OAuth installs: every installed workspace, each with its own token (uninstalled ones
    # have none left, so they are not synced).
    return [(team, with_token(client, token)) for team, token in await asyncio.to_thread(teams)]


async def directory_sync(deps: Deps, client: AsyncWebClient,
                         teams: TeamTokens | None = None) -> int:
    """Refresh the directory from Slack's users.list: the bot token's workspace, or (teams
    given) every installed workspace."""
    count = 0
    try:
        for team, team_client in await _teams(client, teams):
            try:
                ws = await asyncio.to_thread(slack_workspace, deps, team)
                count += await sync_workspace_users(team_client, deps, ws)
            except (SlackApiError, aiohttp.ClientError, OSError) as exc:
                # Slack unreachable or the token refused: the next run tries again; events
                # still flow, and the other workspaces are synced meanwhile.
                log.warning("directory sync from Slack team %s failed: %s", team, exc)
    except (SlackApiError, aiohttp.ClientError, OSError) as exc:
        log.warning("directory sync from Slack failed: %s", exc)
        return count
    except asyncio.CancelledError:
        log.info("directory sync interrupted by shutdown")
        return count
    log.info("directory sync: %d people from Slack", count)
    return count


def build_scheduler(deps: Deps, tick_seconds: int = TICK_SECONDS,
                    client: AsyncWebClient | None = None,
                    sentiment: SentimentModel | None = None,
                    teams: TeamTokens | None = None) -> AsyncIOScheduler:
    """An in-memory scheduler (nothing pickled); state lives in the database, not in jobs.

    teams: with OAuth installs, every installed Slack team and its token (directory sync).
    """
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
    scheduler.add_job(recognition_tick, "interval", minutes=RECOGNITION_MINUTES, args=[deps],
                      id="recognition_tick", next_run_time=deps.clock.now())
    scheduler.add_job(digest_tick, "interval", minutes=RECOGNITION_MINUTES, args=[deps],
                      id="digest_tick", next_run_time=deps.clock.now())
    if sentiment is not None:
        scheduler.add_job(sentiment_tick, "interval", minutes=SENTIMENT_MINUTES,
                          args=[deps, sentiment], id="sentiment_tick",
                          next_run_time=deps.clock.now())
    scheduler.add_job(retention_job, "cron", hour=3, minute=30, args=[deps], id="retention")
    if client is not None:
        # At start and daily: team_join and user_change keep it current in between.
        scheduler.add_job(directory_sync, "interval", hours=24, args=[deps, client, teams],
                          id="directory_sync", next_run_time=deps.clock.now())
    watch_jobs(scheduler)
    return scheduler
