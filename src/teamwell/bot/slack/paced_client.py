"""A Slack Web API client whose every call waits for its turn under the sender's pacer.

Every slack_sdk method goes through `api_call`, so one override paces them all, including the
calls made by addresses.py and uploads.py. Outside a paced delivery (see bot/pacing.py) the
client behaves exactly like its base class.

chat.postMessage is limited per channel, and a person's DM is one channel whether a post names
it by its id (D...) or by the person's user id (a first message, addresses.py): Slack counts
both against the DM. A DM whose id was learned from a post to a user id is therefore paced
under that user id from then on, so that the next post, naming the DM, cannot go out within
the second the first one took.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from aiohttp import FormData
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from teamwell.bot.pacing import wait_turn
from teamwell.bot.slack.addresses import is_user_id

POST = "chat.postMessage"
KEPT_ALIASES = 10_000  # DMs learned from posts to user ids; a post's bucket refills in 1 s


def _channel(*bodies: Any) -> str | None:
    for body in bodies:
        if isinstance(body, dict) and body.get("channel"):
            return str(body["channel"])
    return None


class DmAliases:
    """DM channel id -> the user id it was first posted to, the most recent few thousand."""

    def __init__(self, kept: int = KEPT_ALIASES) -> None:
        self.kept = kept
        self._users: OrderedDict[str, str] = OrderedDict()

    def key(self, channel: str | None) -> str | None:
        """The name a channel is paced under: its user id for a DM learned so, else itself."""
        if channel is None:
            return None
        return self._users.get(channel, channel)

    def learn(self, user_id: str, dm: str) -> None:
        """A post to user_id was answered with the DM dm."""
        if dm == user_id:
            return
        self._users[dm] = user_id
        self._users.move_to_end(dm)
        while len(self._users) > self.kept:
            self._users.popitem(last=False)


class PacedWebClient(AsyncWebClient):
    """An AsyncWebClient that awaits wait_turn(method, channel) before each request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.dm_aliases = DmAliases()

    async def api_call(
        self, api_method: str, *, http_verb: str = "POST", files: dict[str, Any] | None = None,
        data: dict[str, Any] | FormData | None = None, params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None, headers: dict[str, Any] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> AsyncSlackResponse:
        """Wait for this call's turn (method, and channel for per-channel limits), then call."""
        channel = _channel(json, data, params)
        await wait_turn(api_method, self.dm_aliases.key(channel))
        response = await super().api_call(api_method, http_verb=http_verb, files=files,
                                          data=data, params=params, json=json,
                                          headers=headers, auth=auth)
        if api_method == POST and channel is not None and is_user_id(channel):
            answered = response.get("channel")
            if isinstance(answered, str) and answered:
                self.dm_aliases.learn(channel, answered)
        return response


def paced_copy(client: AsyncWebClient) -> PacedWebClient:
    """A shallow copy of client (same token, URL, session, retries) whose calls are paced."""
    # copy.copy of the result (tokens.with_token, one per workspace) keeps the class: paced too,
    # and shares the DM aliases (channel ids are unique across workspaces).
    paced = PacedWebClient.__new__(PacedWebClient)
    paced.__dict__.update(vars(client))
    paced.dm_aliases = DmAliases()
    return paced
