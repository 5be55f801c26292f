"""A Slack Web API client whose every call waits for its turn under the sender's pacer.

Every slack_sdk method goes through `api_call`, so one override paces them all, including the
calls made by addresses.py and uploads.py. Outside a paced delivery (see bot/pacing.py) the
client behaves exactly like its base class.
"""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from teamwell.bot.pacing import wait_turn


def _channel(*bodies: Any) -> str | None:
    for body in bodies:
        if isinstance(body, dict) and body.get("channel"):
            return str(body["channel"])
    return None


class PacedWebClient(AsyncWebClient):
    """An AsyncWebClient that awaits wait_turn(method, channel) before each request."""

    async def api_call(
        self, api_method: str, *, http_verb: str = "POST", files: dict[str, Any] | None = None,
        data: dict[str, Any] | FormData | None = None, params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None, headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> AsyncSlackResponse:
        """Wait for this call's turn (method, and channel for per-channel limits), then call."""
        await wait_turn(api_method, _channel(json, data, params))
        return await super().api_call(api_method, http_verb=http_verb, files=files, data=data,
                                      params=params, json=json, headers=headers, auth=auth)


def paced_copy(client: AsyncWebClient) -> PacedWebClient:
    """A shallow copy of client (same token, URL, session, retries) whose calls are paced."""
    # copy.copy of the result (tokens.with_token, one per workspace) keeps the class: paced too.
    paced = PacedWebClient.__new__(PacedWebClient)
    paced.__dict__.update(vars(client))
    return paced
