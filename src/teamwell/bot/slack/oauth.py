"""OAuth mode: installs through /slack/install, a bot token per workspace, uninstalls.

With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, Bolt runs the install flow on our web server
(GET /slack/install shows "Add to Slack", Slack sends the installer back to GET
/slack/oauth_redirect), keeps installations and OAuth states in our database (tokens
encrypted, bot/slack/install_store.py), and authorizes each request with its workspace's token.
Without them, the one SLACK_BOT_TOKEN serves one workspace as before.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial
from urllib.parse import urljoin

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import AsyncCallbackOptions
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import Engine

from teamwell.bot.config import Settings
from teamwell.bot.slack.install_store import (
    AsyncInstallations,
    AsyncStates,
    EncryptedInstallationStore,
    OAuthStates,
)
from teamwell.bot.slack.oauth_pages import installed, not_installed, page
from teamwell.bot.slack.settings import INSTALL_PATH, REDIRECT_PATH
from teamwell.bot.storage.encrypted import secret_box
from teamwell.bot.storage.outbox_store import UowFactory
from teamwell.bot.storage.workspace_state import mark_installed

log = logging.getLogger(__name__)

# The bot scopes an install asks for: exactly manifest.yml's (tests/oauth/test_oauth_settings.py).
BOT_SCOPES = ("channels:history", "chat:write", "commands", "files:write", "im:history",
              "im:write", "users:read", "users:read.email")
STATE_SECONDS = 600  # an install link is valid for ten minutes


def installation_store(settings: Settings, engine: Engine) -> EncryptedInstallationStore | None:
    """The encrypted installation store in OAuth mode; None with one bot token."""
    oauth = settings.slack_oauth
    if not oauth.enabled or oauth.client_id is None:
        return None
    return EncryptedInstallationStore(oauth.client_id, engine, secret_box(oauth.secret_keys))


def authorize_url(api_url: str) -> str:
    """Slack's "authorize" page next to its Web API (a local fake's in tests)."""
    return urljoin(api_url, "../oauth/v2/authorize")


def _serve_again(uow: UowFactory, installation: Installation) -> None:
    # A (re)install makes the workspace served again: its jobs resume.
    if installation.team_id:
        ws = mark_installed(uow, "slack", installation.team_id, installation.team_name or "")
        log.info("Slack team %s installed Teamwell (workspace %s)", installation.team_id, ws)


class SlackOAuth:
    """Bolt's OAuth pieces for one process: the flow's settings, the stores, authorization."""

    def __init__(self, settings: Settings, store: EncryptedInstallationStore, uow: UowFactory,
                 client: AsyncWebClient) -> None:
        oauth = settings.slack_oauth
        assert oauth.client_id is not None and oauth.client_secret is not None
        self.store = store
        self.installations = AsyncInstallations(store, on_saved=partial(_serve_again, uow))
        states = AsyncStates(OAuthStates(STATE_SECONDS, store.engine))
        self.settings = AsyncOAuthSettings(
            client_id=oauth.client_id, client_secret=oauth.client_secret,
            scopes=list(BOT_SCOPES), user_scopes=[], redirect_uri=oauth.redirect_uri,
            install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
            authorization_url=authorize_url(settings.slack_api_url),
            callback_options=AsyncCallbackOptions(success=installed, failure=not_installed),
            installation_store=self.installations, installation_store_bot_only=True,
            state_store=states, state_expiration_seconds=STATE_SECONDS, logger=log)
        # Bot tokens only (no user tokens are asked for); auth.test once per token, not per
        # request. A token that is deleted (uninstall) is never found, so never used again.
        self.authorize = AsyncInstallationStoreAuthorize(
            logger=log, installation_store=self.installations, client_id=oauth.client_id,
            client_secret=oauth.client_secret, bot_only=True, cache_enabled=True,
            client=client)


def add_install_routes(web_app: web.Application, bolt: AsyncApp) -> None:
    """GET /slack/install and GET /slack/oauth_redirect on our web server."""
    flow = bolt.oauth_flow
    assert flow is not None, "the Bolt app was not built in OAuth mode"
    web_app.router.add_get(INSTALL_PATH, _guarded(flow.handle_installation))
    web_app.router.add_get(REDIRECT_PATH, _guarded(flow.handle_callback))


def _guarded(step: Callable[[AsyncBoltRequest], Awaitable[BoltResponse]]
             ) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        try:
            return await to_aiohttp_response(await step(await to_bolt_request(request)))
        except Exception:  # noqa: BLE001 - the installer gets a page, never a 500
            log.exception("Slack install step failed")
            return web.Response(status=503, content_type="text/html", text=page(
                "Teamwell was not installed", "Something went wrong on our side; nothing was "
                f'installed. Please <a href="{INSTALL_PATH}">try again</a> in a minute.'))
    return handle
