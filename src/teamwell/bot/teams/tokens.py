"""The bot's own Bot Framework token: kept by MSAL, fetched on threads of its own, time-limited.

botbuilder builds a new MSAL client for every turn (so every reply asked Entra for a new token)
without a network timeout (`requests` then may wait forever), and msrest asks it for the token
synchronously, inside the event loop. Callers here keep one credentials object per audience, so
MSAL's cache answers until the token is about to expire, and get the token through `bot_token`:
on a small pool of its own (never the single database thread), with a time limit.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from botframework.connector.auth import AppCredentials

TOKEN_TIMEOUT = 15.0  # seconds a caller waits for a token
MSAL_HTTP_TIMEOUT = 10.0  # seconds for each HTTP call MSAL makes to Entra
# Shared by the edge and the outbox courier; its threads start on first use.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="teamwell-teams-token")


class TokenUnavailable(Exception):
    """The bot's token could not be had: wrong secret, login unreachable or too slow."""


async def bot_token(credentials: AppCredentials, timeout: float = TOKEN_TIMEOUT) -> str:
    """The credentials' access token, from MSAL's cache or fetched off the event loop."""
    loop = asyncio.get_running_loop()
    try:
        return await asyncio.wait_for(loop.run_in_executor(_POOL, _fetch, credentials), timeout)
    except Exception as exc:  # noqa: BLE001 - MSAL, requests and the time limit raise many kinds
        raise TokenUnavailable(f"{type(exc).__name__}: {exc}".rstrip(": ")) from exc


def _fetch(credentials: AppCredentials) -> str:
    from botframework.connector.auth import MicrosoftAppCredentials
    from msal import ConfidentialClientApplication

    if isinstance(credentials, MicrosoftAppCredentials) and credentials.app is None:
        # The client botbuilder would build, plus a timeout; building it fetches the tenant's
        # OpenID metadata, hence here, on this pool.
        credentials.app = ConfidentialClientApplication(
            credentials.microsoft_app_id, client_credential=credentials.microsoft_app_password,
            authority=credentials.oauth_endpoint, timeout=MSAL_HTTP_TIMEOUT)
    return str(credentials.get_access_token())
