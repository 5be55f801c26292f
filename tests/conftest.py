"""Shared fixtures: real databases (SQLite always, PostgreSQL when TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.migrate import upgrade
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock

for _var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy",
             "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET"):
    os.environ.pop(_var, None)

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
SHARED = Path(__file__).resolve().parents[2] / "shared"


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _database_url(kind: str, tmp_path: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'teamwell-test.db'}"
    if not PG_URL:
        pytest.skip("PostgreSQL tests need TEST_DATABASE_URL (e.g. "
                    "postgresql+psycopg://postgres@127.0.0.1:5432/test)")
    _reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A migrated SQLite database file."""
    url = _database_url("sqlite", tmp_path)
    upgrade(url)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database of each supported kind."""
    url = _database_url(request.param, tmp_path)
    upgrade(url)
    return url


@pytest.fixture
def uow_factory(sqlite_url: str) -> Iterator[SqlUnitOfWorkFactory]:
    """Units of work on a migrated SQLite database."""
    engine = make_engine(sqlite_url)
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


@pytest.fixture
def any_uow_factory(db_url: str) -> Iterator[SqlUnitOfWorkFactory]:
    """Units of work on each supported database (storage contract tests)."""
    engine = make_engine(db_url)
    yield SqlUnitOfWorkFactory(engine)
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    """A fake clock at Monday 2026-03-02 08:00 UTC."""
    return FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
