"""Requests to the fake Teams connector: routing, recorded calls and injected faults.

Kept apart from the server so that each stays small; nothing here holds the tenant's state.
"""

from __future__ import annotations

import json
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from urllib.parse import unquote

from aiohttp import web

from teamwell.bot.teams.fake_tenant import Answer, error

Lost = Literal["timeout", "drop"]
KINDS = ("create", "send", "reply", "update", "delete", "members")
DENIED = {"message": "Authorization has been denied for this request."}
MALFORMED = object()  # the body of a request whose JSON did not parse
_ERROR_CODES = {429: ("Throttled", "Too many requests."),
                412: ("PreconditionFailed", "Precondition failed, please try again."),
                500: ("ServiceError", "Internal server error."),
                502: ("ServiceError", "Bad gateway."),
                503: ("ServiceUnavailable", "Service unavailable.")}


@dataclass(frozen=True, slots=True)
class ConnectorCall:
    """One request the fake answered (or left unanswered)."""

    kind: str
    method: str
    path: str  # decoded, without the query string
    conversation_id: str | None
    activity_id: str | None
    member_id: str | None
    query: dict[str, str]
    body: Any
    authorization: str | None
    at: datetime
    monotonic: float
    status: int  # 0 when the answer was lost
    response: Any
    took_effect: bool


@dataclass(frozen=True, slots=True)
class Route:
    """The kind of a call and the ids decoded from its path."""

    kind: str
    conversation_id: str | None = None
    activity_id: str | None = None
    member_id: str | None = None
    paged: bool = False


@dataclass(frozen=True, slots=True)
class Request:
    """What the fake needs from an HTTP request, read before taking the state lock."""

    route: Route
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str | None


@dataclass(slots=True)
class Fault:
    """A failure waiting for the next calls of one kind."""

    remaining: int
    status: int
    retry_after: int
    after_effect: bool
    lost: Lost | None
    code: str | None

    def answer(self) -> tuple[int, Any, dict[str, str]]:
        """The error answer, with Retry-After on a 429."""
        default_code, message = _ERROR_CODES.get(self.status, ("ServiceError", "Failure."))
        status, body = error(self.status, self.code or default_code, message)
        headers = {"Retry-After": str(self.retry_after)} if self.status == 429 else {}
        return status, body, headers


class Faults:
    """Queues of faults per kind of call; a "send" fault also hits replies."""

    def __init__(self) -> None:
        self._queues: dict[str, deque[Fault]] = defaultdict(deque)

    def add(self, kind: str, fault: Fault) -> None:
        """Queue a fault for a kind of call."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; expected one of {KINDS}")
        self._queues[kind].append(fault)

    def take(self, kind: str) -> Fault | None:
        """The fault for this call, if one is waiting."""
        for key in (kind, "send") if kind == "reply" else (kind,):
            queue = self._queues.get(key)
            if queue:
                fault = queue[0]
                fault.remaining -= 1
                if fault.remaining <= 0:
                    queue.popleft()
                return fault
        return None


async def read_request(request: web.Request) -> Request:
    """Decode the path (segment by segment, so %2F stays inside an id) and the JSON body."""
    segments = [unquote(s) for s in request.rel_url.raw_path.split("/")[1:]]
    body: Any = None
    if request.method in ("POST", "PUT") and request.can_read_body:
        try:
            body = json.loads(await request.read())
        except ValueError:
            body = MALFORMED
    return Request(route(request.method, segments), request.method, "/".join(["", *segments]),
                   dict(request.query), body, request.headers.get("Authorization"))


def route(method: str, segments: list[str]) -> Route:
    """Map a request to a kind of call and its decoded ids."""
    if segments[:2] != ["v3", "conversations"]:
        return Route("unknown")
    rest = segments[2:]
    if not rest:
        return Route("create" if method == "POST" else "unknown")
    conversation, tail = rest[0], rest[1:]
    if tail == ["activities"] and method == "POST":
        return Route("send", conversation)
    if len(tail) == 2 and tail[0] == "activities":
        kind = {"POST": "reply", "PUT": "update", "DELETE": "delete"}.get(method, "unknown")
        return Route(kind, conversation, activity_id=tail[1])
    if method == "GET" and tail in (["members"], ["pagedmembers"]):
        return Route("members", conversation, paged=tail == ["pagedmembers"])
    if method == "GET" and len(tail) == 2 and tail[0] == "members":
        return Route("members", conversation, member_id=tail[1])
    return Route("unknown", conversation)


def unknown(request: Request) -> Answer:
    """The answer to a path the connector does not serve."""
    return error(404, "NotFound", f"No such operation: {request.method} {request.path}")
