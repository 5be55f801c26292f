"""Which bot token speaks for which Slack workspace: the one configured, or each installation's."""

from __future__ import annotations

import copy
from collections.abc import Callable

from slack_sdk.web.async_client import AsyncWebClient

# Our workspace id -> its bot token; None when Teamwell is not (or no longer) installed there.
TokenLookup = Callable[[str], str | None]
# Every installed Slack team id with its bot token.
TeamTokens = Callable[[], list[tuple[str, str]]]

NOT_INSTALLED = ("Teamwell is not installed in this Slack workspace (it was uninstalled, or "
                 "never installed through /slack/install); after a reinstall, "
                 "`teamwell outbox retry` sends this message")


def with_token(client: AsyncWebClient, token: str) -> AsyncWebClient:
    """A client like this one (same base URL, session and retry policy) speaking with token."""
    other = copy.copy(client)
    other.token = token
    return other
