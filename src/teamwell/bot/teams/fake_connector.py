"""A local fake of the Bot Framework connector as Microsoft Teams serves it, for tests and demos.

It speaks HTTP on 127.0.0.1 at a base URL that simulated activities carry as `serviceUrl`:
create 1:1 conversations, send/reply/update/delete activities, read the roster (plain, paged,
one member). Ids arrive URL-encoded and are decoded. Every call is recorded.

Faults (`fail_next`) hit the next calls of one kind: "create", "send" (replies too), "reply",
"update", "delete", "members". A 429 carries Retry-After (seconds); other statuses answer a
connector error body (`code` overrides its error code). `lost="timeout"` never answers (until
`timeout_seconds` pass or `stop()`), `lost="drop"` closes the connection. `after_effect`
performs the call before failing, as when Teams posted the message but the answer got lost;
it defaults to True for lost answers and False otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from typing import Any

from aiohttp import web

from teamwell.bot.fake_thread import ServedInThread, serve_on_loopback
from teamwell.bot.teams.fake_routes import (
    DENIED,
    MALFORMED,
    ConnectorCall,
    Fault,
    Faults,
    Lost,
    Request,
    read_request,
    unknown,
)
from teamwell.bot.teams.fake_tenant import Answer, Body, FakeTenant, buttons_of, cards_of, error
from teamwell.bot.teams.simulate import TENANT_ID, TeamsBot, Where
from teamwell.core.clock import Clock, SystemClock


class FakeConnector:
    """The fake connector server: `await start()` gives the base URL, `await stop()` ends it."""

    def __init__(self, *, clock: Clock | None = None, tenant_id: str = TENANT_ID,
                 bot: TeamsBot | None = None, require_auth: str | None = None,
                 latency: float = 0.0, max_message_bytes: int = 28_000,
                 timeout_seconds: float = 30.0) -> None:
        self.clock = clock or SystemClock()
        self.bot = bot or TeamsBot()
        self.require_auth = require_auth
        self.latency = latency
        self.timeout_seconds = timeout_seconds  # how long a "timeout" fault holds the answer
        self.tenant = FakeTenant(self.clock, tenant_id, max_message_bytes)
        self.recorded: list[ConnectorCall] = []
        self.base_url = ""
        self._faults = Faults()
        # Tests change state from their own thread while the server's loop answers requests.
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._stopping: asyncio.Event | None = None

    # --- test helpers ---

    def add_member(self, user_id: str, name: str, email: str | None = None,
                   aad_object_id: str | None = None, *, given_name: str | None = None,
                   surname: str | None = None, user_role: str = "user",
                   user_principal_name: str | None = None, installed: bool = True) -> Body:
        """Add someone to the tenant-wide roster; installed=False refuses 1:1 chats with them."""
        with self._lock:
            if not installed:
                self.tenant.not_installed.add(user_id)
            return dict(self.tenant.add_member(user_id, name, email, aad_object_id, given_name,
                                               surname, user_role, user_principal_name))

    def mark_not_installed(self, user_id: str) -> None:
        """The user has not installed the app (or removed it): their 1:1 chat answers 403."""
        with self._lock:
            self.tenant.not_installed.add(user_id)

    def mark_installed(self, user_id: str) -> None:
        """The user installed the app."""
        with self._lock:
            self.tenant.not_installed.discard(user_id)

    def where(self) -> Where:
        """Tell simulated activities to carry this fake's URL, tenant and bot."""
        return Where(self.base_url, self.tenant.tenant_id, self.bot)

    def fail_next(self, kind: str, count: int = 1, status: int = 429, retry_after: int = 1, *,
                  lost: Lost | None = None, after_effect: bool | None = None,
                  code: str | None = None) -> None:
        """Answer the next count calls of a kind (see fake_routes.KINDS) with a failure."""
        effect = lost is not None if after_effect is None else after_effect
        with self._lock:
            self._faults.add(kind, Fault(count, status, retry_after, effect, lost, code))

    def calls(self, kind: str | None = None) -> list[ConnectorCall]:
        """Recorded calls of a kind ("send" includes replies), or all of them, oldest first."""
        with self._lock:
            return [c for c in self.recorded
                    if kind is None or c.kind == kind or (kind == "send" and c.kind == "reply")]

    def conversation_of(self, user_id: str) -> str | None:
        """The id of the bot's 1:1 conversation with a roster member."""
        with self._lock:
            return self.tenant.conversation_of(user_id)

    def activities_in(self, conversation_id: str) -> list[Body]:
        """What the bot posted in a conversation, oldest first, updates and deletions applied."""
        with self._lock:
            return self.tenant.activities_in(conversation_id)

    def activities_to(self, user_id: str) -> list[Body]:
        """What the bot posted in its 1:1 chat with a user, oldest first, updates applied."""
        return self.activities_in(self.conversation_of(user_id) or "")

    def texts_to(self, user_id: str) -> list[str]:
        """The `text` of each activity posted to a user, or its `summary` when it has none."""
        return [str(a.get("text") or a.get("summary") or "") for a in self.activities_to(user_id)]

    def cards_to(self, user_id: str) -> list[Body]:
        """The Adaptive Card contents posted to a user, oldest first."""
        return cards_of(self.activities_to(user_id))

    def buttons_to(self, user_id: str) -> list[Body]:
        """Every Action.Submit/Action.Execute (with `title` and `data`) in cards to a user."""
        return [button for card in self.cards_to(user_id) for button in buttons_of(card)]

    # --- serving ---

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1 and return the base URL (no trailing slash)."""
        self._stopping = asyncio.Event()
        app = web.Application(client_max_size=5_000_000)
        app.router.add_route("*", "/v3/{tail:.*}", self._handle)
        self._runner, port = await serve_on_loopback(app)
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        """Release answers held by timeout faults and stop serving."""
        if self._stopping is not None:
            self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        call = await read_request(request)
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        with self._lock:
            status, answer, headers, lost = self._answer(call)
        if lost is not None:
            await self._lose(request, lost)
            return web.Response(status=204)  # never delivered: the connection is closed
        if answer is None:
            return web.Response(status=status, headers=headers)
        return web.json_response(answer, status=status, headers=headers)

    def _answer(self, call: Request) -> tuple[int, Any, dict[str, str], Lost | None]:
        if self.require_auth is not None and call.authorization != f"Bearer {self.require_auth}":
            self._record(call, 401, DENIED, False)
            return 401, DENIED, {}, None
        if call.body is MALFORMED:
            status, answer = error(400, "BadSyntax", "Request body is not valid JSON")
            self._record(call, status, answer, False)
            return status, answer, {}, None
        fault = self._faults.take(call.route.kind)
        if fault is None:
            status, answer = self._perform(call)
            self._record(call, status, answer, status < 300)
            return status, answer, {}, None
        took_effect = fault.after_effect and self._perform(call)[0] < 300
        if fault.lost is not None:
            self._record(call, 0, None, took_effect)
            return 0, None, {}, fault.lost
        status, answer, headers = fault.answer()
        self._record(call, status, answer, took_effect)
        return status, answer, headers, None

    def _perform(self, call: Request) -> Answer:
        route, tenant = call.route, self.tenant
        conversation = route.conversation_id or ""
        if route.kind == "create":
            return tenant.create(call.body)
        if route.kind in ("send", "reply"):
            return tenant.send(conversation, call.body, route.activity_id)
        if route.kind == "update":
            return tenant.update(conversation, route.activity_id or "", call.body)
        if route.kind == "delete":
            return tenant.delete(conversation, route.activity_id or "")
        if route.kind == "members" and route.member_id is not None:
            return tenant.member(conversation, route.member_id)
        if route.kind == "members" and route.paged:
            return tenant.paged_roster(conversation, call.query.get("pageSize"),
                                       call.query.get("continuationToken"))
        if route.kind == "members":
            return tenant.roster(conversation)
        return unknown(call)

    async def _lose(self, request: web.Request, lost: Lost) -> None:
        if lost == "timeout" and self._stopping is not None:
            # The call happened (or not); the answer just never comes before the client gives up.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.timeout_seconds)
        if request.transport is not None:
            request.transport.close()

    def _record(self, call: Request, status: int, answer: Any, took_effect: bool) -> None:
        route = call.route
        self.recorded.append(ConnectorCall(
            route.kind, call.method, call.path, route.conversation_id, route.activity_id,
            route.member_id, call.query, None if call.body is MALFORMED else call.body,
            call.authorization, self.clock.now(), time.monotonic(), status, answer, took_effect))


class FakeConnectorThread(ServedInThread[FakeConnector]):
    """Runs a FakeConnector on its own event loop thread, for sync and subprocess tests."""

    def __init__(self, connector: FakeConnector | None = None, **kwargs: Any) -> None:
        super().__init__(connector or FakeConnector(**kwargs), "fake-teams-connector")

    @property
    def connector(self) -> FakeConnector:
        """The fake itself."""
        return self.server
