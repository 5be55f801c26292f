"""The HTTP entry for Slack: 401 for bad signatures, 400 for malformed bodies, then Bolt."""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from teamwell.bot.slack.inbox import SlackInbox, deferrable, lane_of

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # bytes; Slack payloads are far smaller
# What each interaction type must carry for Bolt and our listeners to act on it.
PAYLOAD_NEEDS = {
    "block_actions": ("actions", list),
    "view_submission": ("view", dict),
    "view_closed": ("view", dict),
    "shortcut": ("callback_id", str),
    "message_action": ("callback_id", str),
    "block_suggestion": ("action_id", str),
}


def _bad(status: int, reason: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status)


def _has_team(body: dict[str, Any]) -> bool:
    team = body.get("team_id") or body.get("team")
    if isinstance(team, dict):
        team = team.get("id")
    user = body.get("user")
    return bool(team) or (isinstance(user, dict) and bool(user.get("team_id")))


def _check_json(raw: str) -> str | None:
    try:
        body = json.loads(raw)
    except ValueError:
        return "body is not valid JSON"
    if not isinstance(body, dict) or not isinstance(body.get("type"), str):
        return "JSON body has no type"
    if body["type"] == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "url_verification without challenge"
    if body["type"] != "event_callback":
        return f"unsupported body type {body['type']!r}"
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event_callback without an event type"
    if not _has_team(body):
        return "event_callback without a team"
    return None


def _check_payload(payload: object) -> str | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        return "payload has no type"
    need = PAYLOAD_NEEDS.get(payload["type"])
    if need is None:
        return f"unsupported payload type {payload['type']!r}"
    field, kind = need
    if not isinstance(payload.get(field), kind) or (kind is list and not payload[field]):
        return f"{payload['type']} payload without {field}"
    if not _has_team(payload) or not isinstance(payload.get("user"), dict):
        return f"{payload['type']} payload without team or user"
    return None


def check_shape(raw: str, content_type: str) -> tuple[str | None, dict[str, Any] | None]:
    """Why the body is malformed (None when it has a shape Slack sends), and an interaction's
    decoded payload (None for events and commands), so that nobody decodes it twice."""
    if content_type.startswith("application/json"):
        return _check_json(raw), None
    if content_type != "application/x-www-form-urlencoded":
        return f"unsupported content type {content_type or 'none'!r}", None
    form = parse_qs(raw, keep_blank_values=True)
    if "payload" in form:
        try:
            payload = json.loads(form["payload"][0])
        except ValueError:
            return "payload is not valid JSON", None
        problem = _check_payload(payload)
        return problem, None if problem else payload
    if "command" in form:
        missing = [k for k in ("team_id", "user_id") if not form.get(k, [""])[0]]
        return (f"command without {', '.join(missing)}" if missing else None), None
    if "ssl_check" in form:
        return None, None
    return "body is neither an event, an interaction nor a command", None


def slack_route(app: AsyncApp, signing_secret: str, inbox: SlackInbox | None = None,
                ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp handler for POST /slack/events (clicks go through the inbox when given)."""
    verifier = SignatureVerifier(signing_secret)

    async def handle(request: web.Request) -> web.StreamResponse:
        if inbox is None:
            return await answer(request)
        with inbox.answering():  # its worker waits while many are (acks go first)
            return await answer(request)

    async def answer(request: web.Request) -> web.StreamResponse:
        if request.content_length is not None and request.content_length > MAX_BODY:
            return _bad(413, "body too large")
        data = await request.read()  # the app's client_max_size answers 413 beyond its limit
        if len(data) > MAX_BODY:
            return _bad(413, "body too large")
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        # Checked before the verifier, which would raise on a non-numeric timestamp.
        if not (timestamp.isascii() and timestamp.isdigit()) or not signature:
            return _bad(401, "missing or malformed signature headers")
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            return _bad(400, "body is not UTF-8")
        if not verifier.is_valid(body=raw, timestamp=timestamp, signature=signature):
            return _bad(401, "invalid signature or stale timestamp")
        content_type = request.content_type or ""
        problem, payload = check_shape(raw, content_type)
        if problem:
            log.warning("malformed Slack request: %s", problem)
            return _bad(400, problem)
        if inbox is not None and payload is not None and deferrable(payload):
            try:
                await inbox.put(raw, content_type, lane_of(payload))
            except Exception:  # noqa: BLE001 - not stored: say so, never pretend
                log.exception("could not store a Slack click")
                return _bad(503, "temporarily unavailable")
            return web.Response(status=200)
        try:
            bolt_request = AsyncBoltRequest(body=raw, query=request.query_string,
                                            headers=dict(request.headers))
            bolt_response = await app.async_dispatch(bolt_request)
            return await to_aiohttp_response(bolt_response)
        except Exception:  # noqa: BLE001 - the edge's last line: never a 500, Slack may retry
            log.exception("Slack request failed outside Bolt's own error handling")
            return _bad(503, "temporarily unavailable")

    return handle
