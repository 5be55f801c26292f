"""Operations over HTTP: /healthz, /readyz and /metrics, request ids and request metrics.

`teamwell serve` mounts these on its own app; `teamwell worker --metrics-port` serves them on a
small app of their own, so that a worker can be probed and scraped too.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from functools import partial

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import Engine, text

from teamwell.bot import metrics
from teamwell.bot.logs import request_id
from teamwell.bot.storage.inbox_store import InboxStore
from teamwell.bot.storage.migrate import database_heads, packaged_heads
from teamwell.bot.storage.outbox_depth import outbox_depth
from teamwell.bot.wiring import Wired

log = logging.getLogger(__name__)
HEADER = "X-Request-Id"
# A caller's id is kept only when it cannot smuggle anything into a log line.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"
READY_TIMEOUT = 5.0  # seconds; a probe must get an answer even when the database hangs
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def request_ids(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Take X-Request-Id from the request (or make one), log with it, and send it back."""
    given = request.headers.get(HEADER, "")
    rid = given if _SAFE_ID.match(given) else uuid.uuid4().hex
    # aiohttp handles each request in a task of its own, so this stays with this request
    # (and its access-log line) and never leaks into the next one on the connection.
    request_id.set(rid)
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        exc.headers[HEADER] = rid
        raise
    if not response.prepared:
        response.headers[HEADER] = rid
    return response


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    # Templates, not paths: a label per distinct URL would grow without bound.
    return resource.canonical if resource is not None else UNMATCHED


@web.middleware
async def request_metrics(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count requests by route and status; time the answers to platform POSTs."""
    started = time.perf_counter()
    status = "500"
    try:
        response = await handler(request)
        status = str(response.status)
        return response
    except web.HTTPException as exc:
        status = str(exc.status)
        raise
    except asyncio.CancelledError:
        status = "499"  # the client went away first
        raise
    finally:
        route = _route(request)
        method = request.method if request.method in _METHODS else "other"
        metrics.HTTP_REQUESTS.labels(route, method, status).inc()
        # The only POST routes are the platforms' entries (/slack/events, /api/messages).
        if method == "POST" and route != UNMATCHED:
            metrics.ACK_SECONDS.labels(route).observe(time.perf_counter() - started)


def readiness(engine: Engine) -> dict[str, object]:
    """Whether this process may take work: the database answers and its schema is current."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            at = database_heads(conn)
    except Exception as exc:  # noqa: BLE001 - readiness reports any database failure
        log.warning("not ready: the database is unreachable: %s", exc)
        return {"ok": False, "failed": "database", "database": "unreachable",
                "migrations": "unknown"}
    code = packaged_heads()
    if at != code:
        found, wanted = ",".join(sorted(at)) or "none", ",".join(sorted(code))
        log.warning("not ready: the database schema is at %s, this code needs %s (run "
                    "`teamwell db upgrade`)", found, wanted)
        return {"ok": False, "failed": "migrations", "database": "ok",
                "migrations": "not current", "database_revision": found,
                "code_revision": wanted}
    return {"ok": True, "database": "ok", "migrations": "current"}


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


def _readyz(engine: Engine) -> Handler:
    async def handler(_request: web.Request) -> web.Response:
        try:
            report = await asyncio.wait_for(asyncio.to_thread(readiness, engine),
                                            READY_TIMEOUT)
        except TimeoutError:
            log.warning("not ready: the database did not answer in %.0f s", READY_TIMEOUT)
            report = {"ok": False, "failed": "database", "database": "timeout",
                      "migrations": "unknown"}
        return web.json_response(report, status=200 if report["ok"] else 503)
    return handler


def _metrics(wired: Wired) -> Handler:
    outbox = metrics.OutboxCollector(partial(outbox_depth, wired.engine), wired.deps.clock.now)
    inbox = metrics.InboxCollector(InboxStore(wired.engine).depth, wired.deps.clock.now)

    async def handler(_request: web.Request) -> web.Response:
        # The outbox and inbox gauges query the database: off the event loop.
        page = await asyncio.to_thread(metrics.render, outbox, inbox)
        return web.Response(body=page, headers={"Content-Type": CONTENT_TYPE_LATEST})
    return handler


def add_ops_routes(app: web.Application, wired: Wired) -> None:
    """Mount /healthz, /readyz and /metrics, and the request-id and metrics middlewares."""
    app.middlewares.extend([request_ids, request_metrics])
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/readyz", _readyz(wired.engine))
    app.router.add_get("/metrics", _metrics(wired))


def build_ops_app(wired: Wired) -> web.Application:
    """An app with only the operations endpoints (for processes that serve nothing else)."""
    app = web.Application()
    add_ops_routes(app, wired)
    return app


@asynccontextmanager
async def ops_server(wired: Wired, port: int | None,
                     host: str = "0.0.0.0") -> AsyncIterator[None]:
    """Serve the operations endpoints on host:port while the block runs (nothing if no port)."""
    if port is None:
        yield
        return
    # No access log: a scrape every few seconds would drown the lines that matter.
    runner = web.AppRunner(build_ops_app(wired), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        log.info("operations endpoints on http://%s:%d (/healthz, /readyz, /metrics)",
                 host, port)
        yield
    finally:
        await runner.cleanup()
