"""Every request has an id: taken from X-Request-Id or made, sent back, and on its log lines."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from teamwell.bot.config import load_settings
from teamwell.bot.logs import JsonFormatter, RequestIdFilter
from teamwell.bot.ops_http import HEADER, add_ops_routes
from teamwell.bot.wiring import wire

log = logging.getLogger("teamwell.tests.request_ids")


async def _work(_request: web.Request) -> web.Response:
    """Log on the loop, in a task the request starts, and in a worker thread."""
    log.info("on the loop")
    await asyncio.create_task(_later())
    await asyncio.to_thread(log.info, "in a thread")
    return web.json_response({"ok": True})


async def _later() -> None:
    log.info("in a task")


@dataclass
class Served:
    """A small app with the operations middlewares, and what it logged."""

    server: TestServer
    session: aiohttp.ClientSession
    stream: io.StringIO

    def lines(self) -> list[dict[str, str]]:
        """The JSON log lines written so far."""
        return [json.loads(line) for line in self.stream.getvalue().splitlines()]


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    """JSON lines of the test logger, through the request id filter."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    yield stream
    log.removeHandler(handler)


@pytest.fixture
async def served(sqlite_url: str, captured: io.StringIO) -> AsyncIterator[Served]:
    """The app on loopback."""
    wired = wire(load_settings({"TEAMWELL_DATABASE_URL": sqlite_url}))
    app = web.Application()
    add_ops_routes(app, wired)
    app.router.add_get("/work", _work)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    session = aiohttp.ClientSession()
    yield Served(server, session, captured)
    await session.close()
    await server.close()
    wired.engine.dispose()


async def test_the_callers_request_id_is_sent_back_and_on_every_line_the_request_logs(
        served: Served) -> None:
    async with served.session.get(served.server.make_url("/work"),
                                  headers={HEADER: "req-42.a:b"}) as resp:
        echoed = resp.headers[HEADER]

    lines = served.lines()
    assert echoed == "req-42.a:b"
    assert [line["message"] for line in lines] == ["on the loop", "in a task", "in a thread"]
    assert {line["request_id"] for line in lines} == {"req-42.a:b"}


async def test_a_request_without_an_id_gets_a_fresh_one_each_time(served: Served) -> None:
    ids = []
    for _ in range(2):
        async with served.session.get(served.server.make_url("/work")) as resp:
            ids.append(resp.headers[HEADER])

    assert len(set(ids)) == 2 and all(len(i) == 32 for i in ids)
    assert [line["request_id"] for line in served.lines()] == [ids[0]] * 3 + [ids[1]] * 3


@pytest.mark.parametrize("given", ["two words", "x" * 129, "a\"quote", ""])
async def test_an_id_that_could_garble_a_log_line_is_replaced(served: Served,
                                                             given: str) -> None:
    async with served.session.get(served.server.make_url("/healthz"),
                                  headers={HEADER: given}) as resp:
        echoed = resp.headers[HEADER]

    assert echoed != given and len(echoed) == 32


async def test_an_error_answer_carries_the_request_id_too(served: Served) -> None:
    async with served.session.get(served.server.make_url("/no-such-page"),
                                  headers={HEADER: "lost-1"}) as resp:
        assert resp.status == 404
        assert resp.headers[HEADER] == "lost-1"


def test_a_line_logged_outside_any_request_has_no_request_id(captured: io.StringIO) -> None:
    log.info("between requests")

    (line,) = [json.loads(x) for x in captured.getvalue().splitlines()]
    assert "request_id" not in line
