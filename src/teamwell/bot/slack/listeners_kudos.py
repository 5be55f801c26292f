"""`/kudos @person [@person2 ...] message #value [private]`: Slack's side of giving kudos.

The command is declared with should_escape, so mentions arrive as `<@U123|name>`: each one is
a receiver. Everything else the giver typed stays plain text; the renderer escapes it, so
`<!channel>`, `<!here>`, user-group mentions and `<http://x|y>` links show as typed and ping
or link nothing.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.context import SlackEdge
from teamwell.core.errors import TeamwellError, UnknownPerson
from teamwell.handlers.kudos import give_kudos

MENTION = re.compile(r"<@([UW][A-Z0-9]{2,30})(?:\|([^>]*))?>")
_LEADING = re.compile(r"^(?:\s*(?:<@[UW][A-Z0-9]{2,30}(?:\|[^>]*)?>|,|and|&amp;))+\s*", re.I)
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+\|([^>]*)>")
_PRIVATE = re.compile(r"(?:^\s*private\b|\bprivate\s*$)", re.I)


def split_command(text: str) -> tuple[list[tuple[str, str]], str, bool]:
    """(Slack id, shown name) of each person mentioned, the message, and whether it is private.

    Mentions before the message are removed from it; mentions inside it stay as "@name" text.
    """
    private = bool(_PRIVATE.search(text))
    text = _PRIVATE.sub("", text).strip()
    people = list(dict.fromkeys((m.group(1), m.group(2) or "") for m in MENTION.finditer(text)))
    message = _LEADING.sub("", text)
    message = MENTION.sub(lambda m: "@" + (m.group(2) or "someone"), message).strip()
    # A #tag that names a channel arrives as a channel link: it was typed as a value tag.
    message = _CHANNEL.sub(lambda m: "#" + m.group(1), message)
    # Slack escaped what the giver typed; keep it as they typed it (the renderer escapes it).
    message = message.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return people, message, private


async def _person(edge: SlackEdge, client: AsyncWebClient, ws: str, slack_id: str,
                  shown: str) -> str:
    try:
        return await edge.identity.person_id(client, ws, slack_id)
    except UnknownPerson as exc:
        who = f"@{shown}" if shown else "someone you mentioned"
        raise UnknownPerson(f"I can't find {who} in this workspace's directory, so no kudos "
                            "were given. Kudos are for colleagues (not bots or people outside "
                            "the workspace).") from exc


def register_kudos(app: AsyncApp, edge: SlackEdge) -> None:
    """Attach the /kudos command."""

    @app.command("/kudos")
    async def kudos(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        try:
            ws, giver = await edge.who(client, body)
            mentioned, message, private = split_command(str(body.get("text", "")))
            receivers = [await _person(edge, client, ws, sid, shown)
                         for sid, shown in mentioned]
            reply = await asyncio.to_thread(give_kudos, edge.deps, ws, giver, receivers,
                                            message, False if private else None)
        except TeamwellError as exc:
            await ack(text=exc.user_message)
            return
        await ack(text=reply)
