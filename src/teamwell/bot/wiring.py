"""Builds the object graph from settings: storage, deps, the Slack client."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from teamwell.bot.config import Settings
from teamwell.bot.db_thread import use_database_thread
from teamwell.bot.recognition_settings import company_values
from teamwell.bot.slack.install_store import EncryptedInstallationStore
from teamwell.bot.slack.oauth import installation_store
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import Clock, SystemClock
from teamwell.core.sentiment import SentimentModel, SentimentScore
from teamwell.handlers.deps import Deps
from teamwell.surveys.onboarding import load_library
from teamwell.surveys.pulse_bank import load_bank


class LazySentiment:
    """The configured sentiment model, loaded on first use (seconds of work), in the worker
    thread that needs it rather than at start-up or on the event loop."""

    def __init__(self, setting: str) -> None:
        self.name = setting
        self._model: SentimentModel | None = None
        self._lock = threading.Lock()

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """Score texts with the configured model."""
        with self._lock:
            if self._model is None:
                from teamwell.bot.sentiment import load_sentiment_model

                self._model = load_sentiment_model({"TEAMWELL_SENTIMENT_MODEL": self.name})
                self.name = self._model.name
        return self._model.score(texts)


@dataclass
class Wired:
    """The running program's parts."""

    settings: Settings
    engine: Engine
    deps: Deps
    sentiment: SentimentModel
    # OAuth mode: the Slack installations (tokens encrypted); None with one bot token.
    slack_installs: EncryptedInstallationStore | None = None


def wire(settings: Settings, clock: Clock | None = None) -> Wired:
    """Connect storage, clock and survey data according to settings."""
    engine = make_engine(settings.database_url)
    deps = Deps(
        # TEAMWELL_SECRET_KEY also keys the hashes of forgotten accounts (else a database salt).
        uow=SqlUnitOfWorkFactory(engine, settings.slack_oauth.secret_keys),
        clock=clock or SystemClock(),
        sequences=load_library(settings.sequences_dir),
        pulse=settings.pulse,
        questions=load_bank(),
        recognition=settings.recognition,
        values=company_values(settings.values_file),
        retention=settings.retention,
        admins=settings.admins,
    )
    return Wired(settings=settings, engine=engine, deps=deps,
                 sentiment=LazySentiment(settings.sentiment_model),
                 slack_installs=installation_store(settings, engine))


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
        # Its queue serves acks' writes first (bot/db_thread.py).
        use_database_thread(asyncio.get_running_loop())
    # One long-lived session: slack_sdk otherwise opens a connection (and TLS) per call.
    session = aiohttp.ClientSession()
    client.session = session
    try:
        yield
    finally:
        client.session = None
        await session.close()
