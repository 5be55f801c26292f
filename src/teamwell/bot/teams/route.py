"""The HTTP entry for Teams: 400 for malformed bodies, 401 unverified, then botbuilder's turn."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from aiohttp import web
from botbuilder.core import InvokeResponse
from botbuilder.schema import Activity

from teamwell.bot.teams.edge import NotVerified, TeamsEdge, build_edge
from teamwell.bot.teams.identity import tenant_of
from teamwell.bot.teams.tokens import TokenUnavailable
from teamwell.bot.wiring import Wired

log = logging.getLogger(__name__)
TEAMS_EDGE_KEY = web.AppKey("teams_edge", TeamsEdge)
PATH = "/api/messages"
MAX_BODY = 1_000_000  # bytes; Bot Framework activities are far smaller


def _bad(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


def add_teams_routes(web_app: web.Application, wired: Wired) -> TeamsEdge:
    """Serve POST /api/messages when Teams is configured; the edge is returned either way."""
    edge = build_edge(wired.deps, wired.settings.teams)
    web_app[TEAMS_EDGE_KEY] = edge
    if edge.serving:
        web_app.router.add_post(PATH, teams_route(edge))

    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        yield
        edge.close()

    web_app.cleanup_ctx.append(lifecycle)
    return edge


def parse_activity(raw: bytes) -> tuple[Activity | None, str | None]:
    """The activity in a request body, or why the body is not one (a 400)."""
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None, "body is not valid JSON"
    if not isinstance(body, dict) or not isinstance(body.get("type"), str) or not body["type"]:
        return None, "JSON body has no activity type"
    conversation = body.get("conversation")
    if not isinstance(body.get("serviceUrl"), str) or not isinstance(conversation, dict) \
            or not isinstance(conversation.get("id"), str):
        return None, "activity has no serviceUrl or conversation id"
    try:
        activity = Activity().deserialize(body)
    except Exception:  # noqa: BLE001 - msrest raises several kinds on ill-typed fields
        return None, "body is not a Bot Framework activity"
    return activity, None


def _answer(invoke: Any) -> web.Response:
    """The HTTP answer of a turn: botbuilder 4.17 cannot serialise an invoke's dict body.

    CloudAdapter.process hands every body to serializer_helper, which fails on a dict
    ('dict' object has no attribute 'is_xml_model') and answers 500: the one place we work
    around it is here, writing the body as it is.
    """
    if not isinstance(invoke, InvokeResponse):
        return web.Response(status=200)
    status = int(invoke.status or 200)
    body = invoke.body
    if body is None:
        return web.Response(status=status)
    if hasattr(body, "serialize"):
        body = body.serialize()
    return web.json_response(body, status=status)


def teams_route(edge: TeamsEdge) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler for POST /api/messages."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _bad(413, "body too large")
        raw = await request.read()
        activity, problem = parse_activity(raw)
        if activity is None:
            log.warning("malformed Teams request: %s", problem)
            return _bad(400, problem or "malformed")
        try:
            auth = await edge.authenticate(activity, request.headers.get("Authorization", ""))
        except NotVerified as exc:
            log.warning("unverified Teams request refused: %s", exc)
            return _bad(401, "unauthorized")
        tenant = tenant_of(activity)
        if tenant is None:
            return _bad(400, "activity has no tenant (Teamwell serves Microsoft Teams)")
        allowed = edge.config.tenant_id
        if allowed and tenant != allowed:
            # Authentic, but from an organisation this deployment does not serve.
            log.warning("activity from tenant %s refused (TEAMS_TENANT_ID is %s)", tenant,
                        allowed)
            return _bad(403, "this Teamwell serves one organisation only")
        try:
            invoke = await edge.adapter.process_activity(auth, activity, edge.bot.on_turn)
        except TokenUnavailable as exc:
            # botbuilder gets the bot's token before the turn starts: nothing was handled.
            log.warning("Teams activity refused for now, the bot has no token: %s", exc)
            return _bad(503, "temporarily unavailable")
        except Exception:  # noqa: BLE001 - the edge's last line: never a 500
            log.exception("Teams activity failed outside the turn's error handling")
            return _bad(503, "temporarily unavailable")
        return _answer(invoke)

    return handle
