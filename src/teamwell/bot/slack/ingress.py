"""The HTTP entry for Slack: 401 for bad signatures, 400 for malformed bodies, then Bolt."""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # bytes; Slack payloads are far smaller


def _bad(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


def _check_shape(raw: str, content_type: str) -> str | None:
    """Return why the body is malformed, or None when it has a shape Slack sends."""
    if content_type.startswith("application/json"):
        try:
            body = json.loads(raw)
        except ValueError:
            return "body is not valid JSON"
        if not isinstance(body, dict) or "type" not in body:
            return "JSON body has no type"
        if body["type"] == "event_callback" and not isinstance(body.get("event"), dict):
            return "event_callback without an event"
        return None
    form = parse_qs(raw, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload is not valid JSON"
        if not isinstance(payload, dict) or "type" not in payload:
            return "payload has no type"
        return None
    if "command" in form:
        return None
    if "ssl_check" in form:
        return None
    return "body is neither an event, an interaction nor a command"


def slack_route(app: AsyncApp, signing_secret: str) -> Any:
    """An aiohttp handler for POST /slack/events."""
    verifier = SignatureVerifier(signing_secret)

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _bad(413, "body too large")
        data = await request.read()
        if len(data) > MAX_BODY:
            return _bad(413, "body too large")
        if not verifier.is_valid(
            body=data,
            timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
            signature=request.headers.get("X-Slack-Signature", ""),
        ):
            return _bad(401, "invalid signature or stale timestamp")
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            return _bad(400, "body is not UTF-8")
        problem = _check_shape(raw, request.content_type or "")
        if problem:
            log.warning("malformed Slack request: %s", problem)
            return _bad(400, problem)
        try:
            bolt_request = AsyncBoltRequest(body=raw, query=request.query_string,
                                            headers=dict(request.headers))
            bolt_response = await app.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)
        except Exception:  # noqa: BLE001 - the edge's last line: never a 500, Slack may retry
            log.exception("Slack request failed outside Bolt's own error handling")
            return _bad(503, "temporarily unavailable")

    return handle
