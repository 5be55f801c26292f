"""Builds the object graph from settings: storage, deps, the Slack client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from teamwell.bot.config import Settings
from teamwell.bot.recognition_settings import company_values
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import Clock, SystemClock
from teamwell.handlers.deps import Deps
from teamwell.surveys.onboarding import load_library
from teamwell.surveys.pulse_bank import load_bank


@dataclass
class Wired:
    """The running program's parts."""

    settings: Settings
    engine: Engine
    deps: Deps


def wire(settings: Settings, clock: Clock | None = None) -> Wired:
    """Connect storage, clock and survey data according to settings."""
    engine = make_engine(settings.database_url)
    deps = Deps(
        uow=SqlUnitOfWorkFactory(engine),
        clock=clock or SystemClock(),
        sequences=load_library(settings.sequences_dir),
        pulse=settings.pulse,
        questions=load_bank(),
        recognition=settings.recognition,
        values=company_values(settings.values_file),
    )
    return Wired(settings=settings, engine=engine, deps=deps)


def slack_client(settings: Settings) -> AsyncWebClient:
    """A Slack Web API client pointed at SLACK_API_URL (a local fake in tests and the demo)."""
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    # The outbox does its own retrying; slack_sdk's built-in retries would double it.
    client.retry_handlers.clear()
    return client


@asynccontextmanager
async def running(settings: Settings, client: AsyncWebClient) -> AsyncIterator[None]:
    """Event-loop resources for a serving process: one HTTP session, a database executor."""
    if settings.database_url.startswith("sqlite"):
        # SQLite takes one writer at a time; threads queueing for its lock back off for up to
        # 100 ms each. One database thread turns that contention into an orderly queue.
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="teamwell-db"))
    # One long-lived session: slack_sdk otherwise opens a connection (and TLS) per call.
    session = aiohttp.ClientSession()
    client.session = session
    try:
        yield
    finally:
        client.session = None
        await session.close()
