"""A local fake of the Slack Web API for tests and the offline demo.

It speaks HTTP on 127.0.0.1 like slack.com/api: JSON, form-encoded and query-string requests,
Bearer tokens, `ok`/`error` bodies, cursors, 429 with Retry-After, file upload URLs. Every call
is recorded, and faults (rate limits, server errors, lost responses, Slack errors) can be
injected per method. State lives in this process and outlives any client process a test kills.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web

from teamwell.bot.fake_thread import ServedInThread, serve_on_loopback
from teamwell.bot.slack.fake_files import UPLOAD, FakeFiles
from teamwell.bot.slack.fake_workspace import Body, FakeWorkspace, Params, add_system_users
from teamwell.core.clock import Clock, SystemClock

_JSON_FIELDS = ("blocks", "metadata", "view", "attachments", "files")


@dataclass(frozen=True, slots=True)
class ApiCall:
    """One request the fake answered."""

    method: str
    params: dict[str, Any]
    at: datetime
    monotonic: float
    status: int
    response: dict[str, Any]
    took_effect: bool


@dataclass(slots=True)
class _Fault:
    remaining: int
    status: int
    retry_after: int
    error: str | None
    after_effect: bool


class FakeSlackApi:
    """The fake Web API server: `await start()` gives the base URL, `await stop()` ends it."""

    def __init__(self, users: Iterable[dict[str, Any]] = (), *, token: str | None = None,
                 clock: Clock | None = None, team_id: str = "T0TEAMWELL",
                 team_name: str = "Acme (fake)", latency: float = 0.0,
                 system_users: bool = True) -> None:
        self.clock = clock or SystemClock()
        self.token = token
        self.latency = latency
        self.workspace = FakeWorkspace(self.clock, team_id, team_name)
        if system_users:
            add_system_users(self.workspace)
        for user in users:
            self.workspace.add_user(**user)
        self.uploads = FakeFiles(self.clock)
        self.files = self.uploads.files  # file id -> FakeFile (title, data, complete...)
        self.calls: list[ApiCall] = []
        self.base_url = ""
        self._methods = self.uploads.methods(self.workspace.methods())
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        # Tests change state from their own thread while the server's loop answers requests.
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None

    # --- test helpers ---

    def add_user(self, user_id: str, name: str, email: str | None = None, **kwargs: Any
                 ) -> dict[str, Any]:
        """Add a user (see FakeWorkspace.add_user for the options)."""
        with self._lock:
            return self.workspace.add_user(user_id, name, email, **kwargs)

    def add_channel(self, channel_id: str) -> None:
        """Make a channel exist so that posts to it succeed."""
        with self._lock:
            self.workspace.add_channel(channel_id)

    def fail_next(self, method: str, count: int = 1, status: int = 429, retry_after: int = 1,
                  error: str | None = None, after_effect: bool = False) -> None:
        """Answer the next count calls to method with a failure.

        status 429 adds Retry-After; 5xx answers an HTML error page; 200 with error answers
        `{"ok": false, "error": error}`. after_effect performs the call first and loses the
        answer, as when a connection drops after Slack posted the message.
        """
        with self._lock:
            self._faults[method].append(_Fault(count, status, retry_after, error, after_effect))

    def calls_to(self, method: str) -> list[ApiCall]:
        """The recorded calls to one method, oldest first."""
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def messages_in(self, channel: str) -> list[dict[str, Any]]:
        """The messages of a channel, oldest first."""
        with self._lock:
            return [dict(m) for m in self.workspace.channels.get(channel, [])]

    def dm_channel(self, user_id: str) -> str | None:
        """The DM channel id the bot has with a user, if one was opened."""
        with self._lock:
            opened = self.workspace.conversations_open({"users": user_id})
            return str(opened["channel"]["id"]) if opened["ok"] else None

    def buttons_to(self, user_id: str) -> list[dict[str, Any]]:
        """Every button in the bot's current DMs to a user, oldest message first."""
        found: list[dict[str, Any]] = []
        for message in self.messages_in(self.dm_channel(user_id) or ""):
            for block in message.get("blocks") or []:
                elements = list(block.get("elements", [])) if block.get("type") == "actions" else []
                if isinstance(block.get("accessory"), dict):
                    elements.append(block["accessory"])
                found.extend(dict(e) for e in elements if e.get("type") == "button")
        return found

    def posted_outbox_ids(self) -> list[str]:
        """Outbox ids from the metadata of every message posted, in order, duplicates kept."""
        ids: list[str] = []
        for call in self.calls_to("chat.postMessage"):
            payload = (call.params.get("metadata") or {}).get("event_payload") or {}
            if call.took_effect and "outbox_id" in payload:
                ids.append(str(payload["outbox_id"]))
        return ids

    # --- serving ---

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1 and return the base URL (without /api/)."""
        app = web.Application(client_max_size=5_000_000)
        app.router.add_route("*", "/api/{method}", self._handle)
        app.router.add_post("/upload/{file_id}", self.receive_upload)
        self._runner, port = await serve_on_loopback(app)
        self.base_url = self.uploads.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_json"})
        return await self.respond(method, params, _bearer(request) or params.pop("token", None))

    async def respond(self, method: str, params: Params, token: str | None) -> web.Response:
        """Answer one Web API call already read from its request (bot/slack/fake_oauth.py)."""
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        with self._lock:
            return self._answer(method, params, token)

    async def receive_upload(self, request: web.Request) -> web.Response:
        """An upload URL: no token (the URL itself is the secret), raw bytes in, text out."""
        params: Params = {"file_id": request.match_info["file_id"], "data": await request.read()}
        with self._lock:
            fault = self._take_fault(UPLOAD)
            if fault is not None:
                return self._failure(UPLOAD, params, fault, took_effect=False)
            status, answer = self.uploads.receive(params["file_id"], params["data"])
            self._record(UPLOAD, params, status, {"text": answer}, status == 200)
        return web.Response(status=status, text=answer)

    def _answer(self, method: str, params: Params, token: str | None) -> web.Response:
        if not token:
            return self._plain(method, params, {"ok": False, "error": "not_authed"})
        if (self.token and token != self.token) or not token.startswith("xox"):
            return self._plain(method, params, {"ok": False, "error": "invalid_auth"})
        if method not in self._methods:
            return self._plain(method, params, {"ok": False, "error": "unknown_method"})
        fault = self._take_fault(method)
        if fault is not None and not fault.after_effect:
            return self._failure(method, params, fault, took_effect=False)
        body = self._methods[method](params)
        if fault is not None:
            return self._failure(method, params, fault, took_effect=bool(body.get("ok")))
        return self._plain(method, params, body)

    def _take_fault(self, method: str) -> _Fault | None:
        queue = self._faults.get(method)
        if not queue:
            return None
        fault = queue[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            queue.popleft()
        return fault

    def _record(self, method: str, params: Params, status: int, body: Body,
                took_effect: bool) -> None:
        self.calls.append(ApiCall(method, params, self.clock.now(), time.monotonic(), status,
                                  body, took_effect))

    def _plain(self, method: str, params: Params, body: Body) -> web.Response:
        took_effect = bool(body.get("ok")) and method in self._methods
        self._record(method, params, 200, body, took_effect)
        return web.json_response(body)

    def _failure(self, method: str, params: Params, fault: _Fault, took_effect: bool
                 ) -> web.Response:
        if fault.status == 429:
            body: Body = {"ok": False, "error": "ratelimited"}
            self._record(method, params, 429, body, took_effect)
            return web.json_response(body, status=429,
                                     headers={"Retry-After": str(fault.retry_after)})
        if fault.status >= 500:
            self._record(method, params, fault.status, {}, took_effect)
            return web.Response(status=fault.status, content_type="text/html",
                                text="<html><body>Slack is having trouble</body></html>")
        body = {"ok": False, "error": fault.error or "fatal_error"}
        self._record(method, params, fault.status, body, took_effect)
        return web.json_response(body, status=fault.status)


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    return header[len("Bearer "):].strip() or None


async def _read_params(request: web.Request) -> Params:
    """Merge the query string with a JSON or form body; JSON-valued form fields are decoded."""
    params: Params = dict(request.query)
    if request.method == "POST" and request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = await request.json()
            except json.JSONDecodeError as exc:
                raise ValueError("invalid json") from exc
            if isinstance(body, dict):
                params.update(body)
        else:
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
    for key in _JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # An undecodable value stays a string; the method refuses it as Slack would.
            with contextlib.suppress(json.JSONDecodeError):
                params[key] = json.loads(value)
    return params


class FakeSlackApiThread(ServedInThread[FakeSlackApi]):
    """Runs a FakeSlackApi on its own event loop thread, for sync tests and subprocess tests."""

    def __init__(self, api: FakeSlackApi | None = None, **kwargs: Any) -> None:
        super().__init__(api or FakeSlackApi(**kwargs), "fake-slack-api")

    @property
    def api(self) -> FakeSlackApi:
        """The fake itself."""
        return self.server

    @property
    def base_url(self) -> str:
        """Where the fake listens (without /api/)."""
        return self.server.base_url
