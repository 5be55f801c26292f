"""A local fake of Microsoft's login side of Bot Framework, for tests with authentication on.

Served on loopback under the real host names (see fake_tls), so botbuilder and MSAL run as in
production:
- login.botframework.com: the OpenID configuration and signing keys (a JWKS whose keys carry
  channel endorsements) that botbuilder checks channel tokens against. `channel_token` mints
  a token the way the Bot Framework channel does.
- login.microsoftonline.com: what MSAL asks when the bot wants a token: the tenant's OpenID
  configuration, then the token endpoint, which checks the app id, secret, tenant and scope
  and answers `bot_token`. Every request and token request is recorded.

It runs on its own thread: botbuilder and MSAL call it with blocking `requests`, sometimes from
the event loop of the very server under test.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from teamwell.bot.fake_thread import serve_on_loopback
from teamwell.bot.teams.fake_tls import ConnectTunnel, server_context, write_tls_files

BF_HOST = "login.botframework.com"
AAD_HOST = "login.microsoftonline.com"
CHANNEL_ISSUER = "https://api.botframework.com"
BOT_SCOPE = "https://api.botframework.com/.default"
MULTI_TENANT = "botframework.com"  # where multi-tenant bots get their tokens
# Real keys are endorsed for many channels; Teams activities need "msteams".
TEAMS_ENDORSEMENTS = ("msteams", "skype", "webchat", "directline", "emulator")


def new_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh 2048-bit RSA signing key."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A key published in the JWKS, with the channels it is endorsed for."""

    kid: str
    private: rsa.RSAPrivateKey
    endorsements: tuple[str, ...]

    def jwk(self) -> dict[str, Any]:
        """The public key as botbuilder reads it from login.botframework.com."""
        public = dict(RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True))
        return {**public, "kid": self.kid, "use": "sig", "endorsements": list(self.endorsements)}


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """One client-credentials request to the token endpoint."""

    tenant: str
    client_id: str
    scope: str
    granted: bool


class FakeLogin:
    """The fake login hosts: `start()`, set `environment()` in os.environ, then `stop()`."""

    def __init__(self, app_id: str, app_password: str, *, token_tenant: str = MULTI_TENANT,
                 key: rsa.RSAPrivateKey | None = None, kid: str = "teamwell-test-key") -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.token_tenant = token_tenant  # the only tenant that grants this app a token
        self.bot_token = f"fake-bot-token-{secrets.token_urlsafe(12)}"
        self.keys = [SigningKey(kid, key or new_rsa_key(), TEAMS_ENDORSEMENTS)]
        self.down: set[str] = set()  # hosts the proxy cannot reach
        self.hanging: set[str] = set()  # hosts that never answer (until stop)
        self.entra_latency = 0.0  # seconds added to every login.microsoftonline.com answer
        self.requests: list[str] = []
        self.token_requests: list[TokenRequest] = []
        self.proxy_url = ""
        self.ca_file = Path()
        self._lock = threading.Lock()
        self._files: tempfile.TemporaryDirectory[str] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._tunnel: ConnectTunnel | None = None
        self._stopping: asyncio.Event | None = None

    # --- test helpers ---

    def environment(self) -> dict[str, str]:
        """What os.environ needs so `requests` reaches this fake (lower-case wins in urllib)."""
        env = {"REQUESTS_CA_BUNDLE": str(self.ca_file)}
        for name in ("https_proxy", "HTTPS_PROXY"):
            env[name] = self.proxy_url
        for name in ("no_proxy", "NO_PROXY"):
            env[name] = "127.0.0.1,localhost"
        return env

    def add_key(self, kid: str, endorsements: tuple[str, ...] = TEAMS_ENDORSEMENTS
                ) -> rsa.RSAPrivateKey:
        """Publish another signing key and return its private half."""
        key = SigningKey(kid, new_rsa_key(), endorsements)
        with self._lock:
            self.keys.append(key)
        return key.private

    def channel_token(self, audience: str, service_url: str, *, kid: str | None = None,
                      signed_with: rsa.RSAPrivateKey | None = None,
                      expires_in: float = 3600.0, **claims: Any) -> str:
        """A token as the channel sends it: issuer api.botframework.com, serviceurl claim."""
        key = next(k for k in self.keys if kid is None or k.kid == kid)
        now = int(time.time())
        body = {"iss": CHANNEL_ISSUER, "aud": audience, "serviceurl": service_url,
                "nbf": now - 300, "exp": now + int(expires_in), **claims}
        return jwt.encode(body, signed_with or key.private, algorithm="RS256",
                          headers={"kid": key.kid})

    def tokens_granted(self) -> list[TokenRequest]:
        """The token requests that got a token."""
        with self._lock:
            return [r for r in self.token_requests if r.granted]

    # --- serving ---

    def start(self) -> FakeLogin:
        """Serve on a thread of its own; returns self once listening."""
        self._files = tempfile.TemporaryDirectory(prefix="teamwell-fake-login-")
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name="fake-login", daemon=True)
        self._thread.start()
        asyncio.run_coroutine_threadsafe(self._serve(Path(self._files.name)), loop).result(30)
        return self

    def stop(self) -> None:
        """Answer every held request, stop serving and end the thread."""
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout=10)
            loop.close()
        self._loop = self._thread = None
        if self._files is not None:
            self._files.cleanup()
            self._files = None

    def __enter__(self) -> FakeLogin:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    async def _serve(self, directory: Path) -> None:
        self._stopping = asyncio.Event()
        self.ca_file, cert, key = write_tls_files(directory, (BF_HOST, AAD_HOST))
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner, port = await serve_on_loopback(app, ssl_context=server_context(cert, key))
        self._tunnel = ConnectTunnel((BF_HOST, AAD_HOST), port,
                                     lambda host: host not in self.down)
        self.proxy_url = await self._tunnel.start()

    async def _shutdown(self) -> None:
        if self._stopping is not None:
            self._stopping.set()
        if self._tunnel is not None:
            await self._tunnel.stop()
        if self._runner is not None:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        host = request.host.split(":")[0]
        with self._lock:
            self.requests.append(f"{request.method} {host}{request.path}")
        if host in self.hanging and self._stopping is not None:
            await self._stopping.wait()
            return web.Response(status=503)
        if host == AAD_HOST and self.entra_latency > 0:
            await asyncio.sleep(self.entra_latency)
        parts = request.path.strip("/").split("/")
        if host == BF_HOST and request.path == "/v1/.well-known/openidconfiguration":
            return web.json_response(_channel_metadata())
        if host == BF_HOST and request.path == "/v1/.well-known/keys":
            with self._lock:
                return web.json_response({"keys": [k.jwk() for k in self.keys]})
        if host == AAD_HOST and parts == ["common", "discovery", "instance"]:
            return web.json_response(_instance_metadata())
        if host == AAD_HOST and parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            return web.json_response(_tenant_metadata(parts[0]))
        if host == AAD_HOST and parts[1:] == ["oauth2", "v2.0", "token"] \
                and request.method == "POST":
            return await self._token(parts[0], await request.post())
        return web.json_response({"error": "not_found"}, status=404)

    async def _token(self, tenant: str, form: Any) -> web.Response:
        client_id, scope = str(form.get("client_id", "")), str(form.get("scope", ""))
        problem = None
        if form.get("grant_type") != "client_credentials":
            problem = 400, "unsupported_grant_type", "AADSTS70003: grant type not supported."
        elif client_id != self.app_id or tenant != self.token_tenant:
            problem = 400, "unauthorized_client", (
                f"AADSTS700016: Application with identifier '{client_id}' was not found in "
                f"the directory '{tenant}'.")
        elif form.get("client_secret") != self.app_password:
            problem = 401, "invalid_client", "AADSTS7000215: Invalid client secret provided."
        elif scope.split() != [BOT_SCOPE]:
            problem = 400, "invalid_scope", f"AADSTS70011: The scope '{scope}' is not valid."
        with self._lock:
            self.token_requests.append(TokenRequest(tenant, client_id, scope, problem is None))
        if problem is not None:
            status, error, description = problem
            return web.json_response({"error": error, "error_description": description},
                                     status=status)
        return web.json_response({"token_type": "Bearer", "expires_in": 3599,
                                  "ext_expires_in": 3599, "access_token": self.bot_token})


def _channel_metadata() -> dict[str, Any]:
    return {"issuer": CHANNEL_ISSUER,
            "authorization_endpoint": "https://invalid.botframework.com",
            "jwks_uri": f"https://{BF_HOST}/v1/.well-known/keys",
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["private_key_jwt"]}


def _instance_metadata() -> dict[str, Any]:
    # MSAL asks which host names are one cloud (looking for cached tokens under any of them).
    aliases = [AAD_HOST, "login.windows.net", "login.microsoft.com", "sts.windows.net"]
    return {"api-version": "1.1",
            "tenant_discovery_endpoint":
                f"https://{AAD_HOST}/common/v2.0/.well-known/openid-configuration",
            "metadata": [{"preferred_network": AAD_HOST, "preferred_cache": "login.windows.net",
                          "aliases": aliases}]}


def _tenant_metadata(tenant: str) -> dict[str, Any]:
    base = f"https://{AAD_HOST}/{tenant}"
    return {"issuer": f"{base}/v2.0", "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
            "token_endpoint": f"{base}/oauth2/v2.0/token",
            "jwks_uri": f"{base}/discovery/v2.0/keys",
            "token_endpoint_auth_methods_supported": ["client_secret_post",
                                                      "private_key_jwt",
                                                      "client_secret_basic"]}
