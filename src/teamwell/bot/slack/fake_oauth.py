"""Several fake Slack workspaces behind one Web API address, and Slack's side of OAuth installs.

Each Web API call is answered by the workspace its token belongs to (a FakeSlackApi per team,
not served on its own), so a call made with another workspace's token lands in that other
workspace, as on Slack; every call is recorded with its token. Installing: GET
/oauth/v2/authorize (the installer approves at once) sends the browser to the app's redirect URL
with a one-time code, which oauth.v2.access exchanges, given the app's client id and secret,
for the team's bot token. `revoke(team)` is Slack's side of an uninstall: the tokens stop working.
"""

from __future__ import annotations

import base64
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from teamwell.bot.fake_thread import serve_on_loopback
from teamwell.bot.slack.fake_api import FakeSlackApi, _bearer, _read_params
from teamwell.bot.slack.fake_workspace import BOT_USER_ID
from teamwell.core.clock import Clock, SystemClock

CODE_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class TokenCall:
    """One Web API call: its method, the token it carried, and whose that token is."""

    method: str
    token: str | None
    team_id: str | None  # None: the token is nobody's (unknown, or revoked by an uninstall)


@dataclass(slots=True)
class _Code:
    team_id: str
    redirect_uri: str
    scopes: str
    expires: datetime
    used: bool = False


class FakeSlackOAuth:
    """The fake: `add_team(...)`, then `await start()` gives the base URL; `await stop()`."""

    def __init__(self, client_id: str, client_secret: str, *, clock: Clock | None = None,
                 app_id: str = "A0TEAMWELL") -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.clock = clock or SystemClock()
        self.app_id = app_id
        self.latency = 0.0  # ServedInThread hosts any fake with a latency
        self.redirect_uri = ""  # the redirect URL configured for the app (its manifest)
        self.base_url = ""
        self.teams: dict[str, FakeSlackApi] = {}
        self.calls: list[TokenCall] = []
        self._installers: dict[str, str] = {}
        self._tokens: dict[str, str] = {}  # live token -> team id
        self._codes: dict[str, _Code] = {}
        self._lock = threading.Lock()
        self._runner: web.AppRunner | None = None

    # --- test helpers ---

    def add_team(self, team_id: str, name: str, installer: str = "UADMIN") -> FakeSlackApi:
        """A workspace whose admin (installer) can install the app; its own fake Web API."""
        api = FakeSlackApi(clock=self.clock, team_id=team_id, team_name=name)
        api.add_user(installer, "Admin", f"admin@{team_id.lower()}.test", is_admin=True)
        self.teams[team_id] = api
        self._installers[team_id] = installer
        self._point(team_id)
        return api

    def token_of(self, team_id: str) -> str | None:
        """The team's live bot token, if the app is installed there."""
        with self._lock:
            return next((t for t, team in self._tokens.items() if team == team_id), None)

    def grant(self, team_id: str) -> str:
        """Install without a browser (tests that start installed): the team's bot token."""
        with self._lock:
            return self._token_for(team_id)

    def revoke(self, team_id: str) -> None:
        """Slack's side of an uninstall: the team's tokens stop working."""
        with self._lock:
            self._tokens = {t: team for t, team in self._tokens.items() if team != team_id}
            self.teams[team_id].token = None

    def calls_with(self, token: str | None, method: str | None = None) -> list[TokenCall]:
        """The recorded calls made with a token (and to a method), oldest first."""
        with self._lock:
            return [c for c in self.calls
                    if c.token == token and (method is None or c.method == method)]

    def issue_code(self, team_id: str, redirect_uri: str = "", scopes: str = "") -> str:
        """What the authorize page does when the installer approves: a one-time code."""
        code = f"code-{secrets.token_hex(8)}"
        with self._lock:
            self._codes[code] = _Code(team_id, redirect_uri, scopes,
                                      self.clock.now() + CODE_LIFETIME)
        return code

    # --- serving ---

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1 and return the base URL (without /api/)."""
        app = web.Application(client_max_size=5_000_000)
        app.router.add_get("/oauth/v2/authorize", self._authorize)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/teams/{team}/upload/{file_id}", self._upload)
        self._runner, port = await serve_on_loopback(app)
        self.base_url = f"http://127.0.0.1:{port}"
        for team_id in self.teams:
            self._point(team_id)
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _point(self, team_id: str) -> None:
        # Upload URLs the team hands out lead back here, to that team.
        api = self.teams[team_id]
        api.base_url = self.base_url
        api.uploads.base_url = f"{self.base_url}/teams/{team_id}"

    async def _authorize(self, request: web.Request) -> web.StreamResponse:
        query = request.query
        team_id = query.get("team", "")
        if query.get("client_id") != self.client_id:
            return web.Response(status=400, text="invalid_client_id")
        if team_id not in self.teams:
            return web.Response(status=400, text="pick a workspace: unknown team")
        redirect = query.get("redirect_uri") or self.redirect_uri
        if not redirect or (self.redirect_uri and redirect != self.redirect_uri):
            return web.Response(status=400, text="bad_redirect_uri")
        code = self.issue_code(team_id, query.get("redirect_uri", ""), query.get("scope", ""))
        back = {"code": code, **({"state": query["state"]} if "state" in query else {})}
        raise web.HTTPFound(f"{redirect}?{urlencode(back)}")

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        try:
            params = await _read_params(request)
        except ValueError:
            return web.json_response({"ok": False, "error": "invalid_json"})
        if method == "oauth.v2.access":
            return web.json_response(self._exchange(request, params))
        token = _bearer(request) or params.pop("token", None)
        with self._lock:
            team_id = self._tokens.get(token or "")
            self.calls.append(TokenCall(method, token, team_id))
        if team_id is None:
            return web.json_response({"ok": False, "error": "invalid_auth" if token
                                      else "not_authed"})
        return await self.teams[team_id].respond(method, params, token)

    async def _upload(self, request: web.Request) -> web.Response:
        api = self.teams.get(request.match_info["team"])
        return await api.receive_upload(request) if api else web.Response(status=404)

    def _exchange(self, request: web.Request, params: dict[str, Any]) -> dict[str, Any]:
        client_id, client_secret = _client_credentials(request, params)
        if client_id != self.client_id:
            return {"ok": False, "error": "invalid_client_id"}
        if client_secret != self.client_secret:
            return {"ok": False, "error": "bad_client_secret"}
        with self._lock:
            found = self._codes.get(str(params.get("code", "")))
            if found is None or found.used or found.expires <= self.clock.now():
                return {"ok": False, "error": "invalid_code"}
            if found.redirect_uri and params.get("redirect_uri") != found.redirect_uri:
                return {"ok": False, "error": "bad_redirect_uri"}
            found.used = True
            team = self.teams[found.team_id]
            token = self._token_for(found.team_id)
        return {"ok": True, "app_id": self.app_id, "token_type": "bot", "access_token": token,
                "scope": found.scopes, "bot_user_id": BOT_USER_ID,
                "team": {"id": found.team_id, "name": team.workspace.team_name},
                "enterprise": None, "is_enterprise_install": False,
                "authed_user": {"id": self._installers[found.team_id]}}


    def _token_for(self, team_id: str) -> str:
        # A live token stays the team's token; after a revoke, an install gets a new one.
        token = next((t for t, tid in self._tokens.items() if tid == team_id),
                     f"xoxb-{team_id}-{secrets.token_hex(12)}")
        self._tokens[token] = team_id
        self.teams[team_id].token = token
        return token


def _client_credentials(request: web.Request, params: dict[str, Any]) -> tuple[str, str]:
    """The app's credentials: HTTP Basic auth (what slack_sdk sends) or form fields."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Basic "):
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return user, password
    return str(params.get("client_id", "")), str(params.get("client_secret", ""))
