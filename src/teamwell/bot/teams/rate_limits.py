"""Microsoft Teams' published bot limits, per app and tenant (docs/decisions.md, "Pacing").

Microsoft publishes 50 requests a second per app per tenant, and per bot per conversation
(thread) 7 a second, 8 in 2 s, 60 in 30 s and 1,800 an hour. One token bucket each keeps to
every one of those windows: 45 a second with a burst of 5 never exceeds 50 in a second, and
0.49 a second with a burst of 5 stays inside all four conversation windows.
"""

from __future__ import annotations

from urllib.parse import unquote, urlsplit

from teamwell.bot.rate_limits import Limits, Rate

PER_TENANT = Rate(45.0, burst=5)
PER_CONVERSATION = Rate(0.49, burst=5)
SEND, UPDATE, CREATE = "activities.send", "activities.update", "conversations.create"

TEAMS_LIMITS = Limits(
    per_conversation={SEND: PER_CONVERSATION, UPDATE: PER_CONVERSATION},
    workspace=PER_TENANT,
)


def connector_call(http_method: str, url: str) -> tuple[str, str | None]:
    """The kind of a Bot Framework connector call, and the conversation it names (if any)."""
    path = urlsplit(url).path
    _, found, rest = path.partition("/v3/conversations")
    conversation = unquote(rest.strip("/").split("/")[0]) if found else ""
    if not conversation:
        return CREATE, None
    return (UPDATE if http_method.upper() == "PUT" else SEND), conversation
