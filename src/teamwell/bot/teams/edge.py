"""The Teams edge: botbuilder's CloudAdapter and authentication, Teamwell's bot, one error handler."""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from types import SimpleNamespace

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, ActivityTypes
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    BotFrameworkAuthentication,
    ServiceClientCredentialsFactory,
)
from msrest.authentication import Authentication

from teamwell.bot.teams.handler import TeamwellBot
from teamwell.bot.teams.identity import TeamsIdentity
from teamwell.bot.teams.invokes import text_answer
from teamwell.bot.teams.settings import TeamsConfig
from teamwell.bot.teams.tokens import bot_token
from teamwell.bot.teams.turns import TeamsContext, answer_invoke
from teamwell.core.errors import TeamwellError
from teamwell.handlers.deps import Deps

log = logging.getLogger(__name__)
SORRY = ("Sorry, something went wrong on my side. Nothing you did was lost; "
         "please try again in a minute.")
AUTH_TIMEOUT = 10.0  # seconds to fetch signing keys and check a token


class NotVerified(Exception):
    """The request's Bearer token is missing, invalid, or could not be checked."""


def authentication(config: TeamsConfig) -> BotFrameworkAuthentication:
    """Bot Framework authentication from TEAMS_APP_ID/PASSWORD/TENANT_ID (none if anonymous)."""
    if config.anonymous or not config.app_id:
        # No app id and no parameterised setting: botbuilder turns authentication off, and
        # outgoing connector calls carry no token (local testing against a fake connector).
        return ConfigurationBotFrameworkAuthentication(SimpleNamespace())
    settings = SimpleNamespace(APP_ID=config.app_id, APP_PASSWORD=config.app_password,
                               APP_TYPE="SingleTenant" if config.tenant_id else "MultiTenant")
    if config.tenant_id:
        settings.APP_TENANTID = config.tenant_id
    kept = KeptCredentials(ConfigurationServiceClientCredentialFactory(settings))
    return ConfigurationBotFrameworkAuthentication(settings, credentials_factory=kept)


class KeptCredentials(ServiceClientCredentialsFactory):  # type: ignore[misc]
    """botbuilder's credentials, kept per audience, with their token ready before msrest asks.

    Left alone, botbuilder makes new credentials (a new MSAL client, so a new token from Entra)
    for every turn, and msrest fetches that token synchronously inside the event loop.
    """

    def __init__(self, inner: ServiceClientCredentialsFactory) -> None:
        self._inner = inner
        self._kept: dict[tuple[str, str, str, bool], Authentication] = {}

    async def is_valid_app_id(self, app_id: str) -> bool:
        """Whether the id is this bot's."""
        return bool(await self._inner.is_valid_app_id(app_id))

    async def is_authentication_disabled(self) -> bool:
        """Whether there is no app id (local testing)."""
        return bool(await self._inner.is_authentication_disabled())

    async def create_credentials(self, app_id: str, oauth_scope: str, login_endpoint: str,
                                 validate_authority: bool) -> Authentication:
        """The kept credentials for this audience, their token fetched off the event loop."""
        key = (app_id, oauth_scope, login_endpoint, validate_authority)
        credentials = self._kept.get(key)
        if credentials is None:
            credentials = await self._inner.create_credentials(app_id, oauth_scope,
                                                               login_endpoint, validate_authority)
            self._kept[key] = credentials
        if isinstance(credentials, AppCredentials) and credentials.microsoft_app_id:
            # Signing then reads MSAL's cache instead of calling Entra from the event loop.
            await bot_token(credentials)
        return credentials


@dataclass
class TeamsEdge:
    """What POST /api/messages needs; `serving` is False when Teams is not configured."""

    ctx: TeamsContext
    auth: BotFrameworkAuthentication
    adapter: CloudAdapter
    bot: TeamwellBot
    serving: bool
    auth_timeout: float = AUTH_TIMEOUT
    # Token checks may fetch signing keys with a blocking HTTP call: never on the event loop,
    # and never in the default executor (one database thread with SQLite).
    _auth_pool: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2,
                                                   thread_name_prefix="teamwell-teams-auth"))

    @property
    def deps(self) -> Deps:
        """The handlers' dependencies."""
        return self.ctx.deps

    @property
    def config(self) -> TeamsConfig:
        """The Teams settings."""
        return self.ctx.config

    async def authenticate(self, activity: Activity, auth_header: str
                           ) -> AuthenticateRequestResult:
        """Check the Bearer token; NotVerified when it is absent, wrong or cannot be checked."""

        def check() -> AuthenticateRequestResult:
            return asyncio.run(self.auth.authenticate_request(activity, auth_header))

        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(loop.run_in_executor(self._auth_pool, check),
                                          self.auth_timeout)
        except PermissionError as exc:
            raise NotVerified(str(exc) or "not authorised") from exc
        except Exception as exc:  # noqa: BLE001 - undecodable token, no keys: cannot verify
            log.warning("could not verify a Teams request: %s: %s", type(exc).__name__, exc)
            raise NotVerified("the token could not be verified") from exc

    def close(self) -> None:
        """Release the token-checking threads."""
        self._auth_pool.shutdown(wait=False, cancel_futures=True)


def build_edge(deps: Deps, config: TeamsConfig) -> TeamsEdge:
    """The adapter, the bot and the turn error handler for these settings."""
    # botbuilder's models lag Teams' payloads (teamsChannelId, teamsTeamId...): msrest would log
    # a warning for each unknown field of every channel activity.
    logging.getLogger("msrest.serialization").setLevel(logging.ERROR)
    ctx = TeamsContext(deps, config, TeamsIdentity(deps))
    auth = authentication(config)
    adapter = CloudAdapter(auth)
    adapter.on_turn_error = on_turn_error
    return TeamsEdge(ctx=ctx, auth=auth, adapter=adapter, bot=TeamwellBot(ctx),
                     serving=config.enabled)


async def on_turn_error(turn_context: TurnContext, error: Exception) -> None:
    """The one error handler: log, then a kind answer to the person where there is one."""
    if isinstance(error, TeamwellError):
        log.info("refused: %s", error.user_message)
        text = error.user_message
    else:
        log.error("unexpected error handling a Teams activity", exc_info=error)
        text = SORRY
    activity = turn_context.activity
    try:
        if activity.type == ActivityTypes.invoke:
            await answer_invoke(turn_context, text_answer(activity.name, text))
        elif activity.type == ActivityTypes.message:
            await turn_context.send_activity(text)
    except Exception as exc:  # noqa: BLE001 - telling them failed too: the log has both
        log.warning("could not tell the user about the failure: %s", exc)
