"""`/kudos @person [@person2 ...] message #value [private]`: Slack's side of giving kudos.

The command is declared with should_escape, so mentions arrive as `<@U123|name>`: each one is
a receiver. Everything else the giver typed stays plain text; the renderer escapes it, so
`<!channel>`, `<!here>`, user-group mentions and `<http://x|y>` links show as typed and ping
or link nothing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.blocks import action_pattern, render_form
from teamwell.bot.slack.context import SlackEdge
from teamwell.bot.slack.listeners_actions import open_form
from teamwell.core.actions import ActionId
from teamwell.core.errors import TeamwellError, UnknownPerson
from teamwell.core.kudos_views import MESSAGE, PUBLIC, RECEIVERS, VALUE, WHERE
from teamwell.core.messages import Form, text
from teamwell.handlers.kudos import give_kudos, kudos_form_for, unknown_receiver

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
        raise unknown_receiver(shown, "workspace") from exc


def register_kudos(app: AsyncApp, edge: SlackEdge) -> None:
    """Attach the /kudos command and the Give-kudos form."""
    app.action(action_pattern(ActionId.KUDOS_OPEN))(open_form(edge, kudos_form_for))
    app.view(ActionId.KUDOS_SUBMIT.value)(_submit_form(edge))

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


def _state(view: dict[str, Any]) -> dict[str, dict[str, Any]]:
    values = (view.get("state") or {}).get("values") or {}
    return {block: next(iter(inputs.values()), {}) for block, inputs in values.items()
            if isinstance(inputs, dict)}


def _submit_form(edge: SlackEdge) -> Callable[..., Any]:
    async def listener(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                       client: AsyncWebClient) -> None:
        state = _state(view)
        users = [str(u) for u in state.get(RECEIVERS, {}).get("selected_users") or []]
        message = str(state.get(MESSAGE, {}).get("value") or "")
        value = (state.get(VALUE, {}).get("selected_option") or {}).get("value")
        where = (state.get(WHERE, {}).get("selected_option") or {}).get("value")
        try:
            ws, giver = await edge.who(client, body)
            receivers = [await _person(edge, client, ws, sid, "") for sid in users]
        except TeamwellError as exc:
            await ack(response_action="errors", errors={RECEIVERS: exc.user_message})
            return
        typed = f"{message} #{value}" if value else message
        try:
            reply = await asyncio.to_thread(give_kudos, edge.deps, ws, giver, receivers, typed,
                                            None if where is None else where == PUBLIC)
        except TeamwellError as exc:
            await ack(response_action="errors", errors={MESSAGE: exc.user_message})
            return
        done = render_form(Form(title="Kudos sent", submit_label="OK",
                                callback=ActionId.KUDOS_SUBMIT, context="", intro=text(reply)))
        done.pop("submit", None)  # nothing left to submit: only Close
        await ack(response_action="update", view=done)
    return listener
