"""/healthz says the process lives; /readyz says whether it may take work, and why not."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import text

from teamwell.bot.config import load_settings
from teamwell.bot.ops_http import build_ops_app
from teamwell.bot.storage.migrate import packaged_heads, upgrade
from teamwell.bot.wiring import Wired, wire


@pytest.fixture
async def probe() -> AsyncIterator[Callable[[str, str], Any]]:
    """GET a path of the operations app of a process using a database URL: (status, JSON)."""
    servers: list[TestServer] = []
    wireds: list[Wired] = []
    session = aiohttp.ClientSession()

    async def get(database_url: str, path: str) -> tuple[int, dict[str, Any]]:
        wired = wire(load_settings({"TEAMWELL_DATABASE_URL": database_url}))
        wireds.append(wired)
        server = TestServer(build_ops_app(wired), host="127.0.0.1")
        await server.start_server()
        servers.append(server)
        async with session.get(server.make_url(path)) as resp:
            return resp.status, await resp.json()

    yield get
    await session.close()
    for server in servers:
        await server.close()
    for wired in wireds:
        wired.engine.dispose()


async def test_readyz_answers_200_when_the_database_answers_and_its_schema_is_current(
        db_url: str, probe: Callable[[str, str], Any]) -> None:
    status, body = await probe(db_url, "/readyz")

    assert status == 200
    assert body == {"ok": True, "database": "ok", "migrations": "current"}


async def test_readyz_answers_503_naming_migrations_when_the_schema_is_behind_the_code(
        db_url: str, probe: Callable[[str, str], Any]) -> None:
    wired = wire(load_settings({"TEAMWELL_DATABASE_URL": db_url}))
    with wired.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    wired.engine.dispose()

    status, body = await probe(db_url, "/readyz")

    assert status == 503
    assert body["ok"] is False and body["failed"] == "migrations"
    assert body["database"] == "ok" and body["migrations"] == "not current"
    assert body["database_revision"] == "0001"
    assert body["code_revision"] == ",".join(sorted(packaged_heads()))


async def test_readyz_answers_503_naming_migrations_before_the_first_upgrade(
        tmp_path: Path, probe: Callable[[str, str], Any]) -> None:
    status, body = await probe(f"sqlite:///{tmp_path / 'empty.db'}", "/readyz")

    assert status == 503
    assert body["failed"] == "migrations" and body["database_revision"] == "none"


async def test_readyz_answers_503_naming_the_database_when_it_cannot_be_reached(
        probe: Callable[[str, str], Any]) -> None:
    status, body = await probe("postgresql://nobody@127.0.0.1:1/nothing", "/readyz")

    assert status == 503
    assert body == {"ok": False, "failed": "database", "database": "unreachable",
                    "migrations": "unknown"}


async def test_healthz_answers_200_even_when_the_database_cannot_be_reached(
        probe: Callable[[str, str], Any]) -> None:
    status, body = await probe("postgresql://nobody@127.0.0.1:1/nothing", "/healthz")

    assert (status, body) == (200, {"ok": True})


async def test_readyz_is_ready_again_once_the_database_is_upgraded(
        tmp_path: Path, probe: Callable[[str, str], Any]) -> None:
    url = f"sqlite:///{tmp_path / 'late.db'}"
    first, _ = await probe(url, "/readyz")

    upgrade(url)
    second, _ = await probe(url, "/readyz")

    assert (first, second) == (503, 200)
