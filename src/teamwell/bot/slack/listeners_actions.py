"""Buttons, forms and the /teamwell command: each calls one platform-neutral handler."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.blocks import action_pattern, render_form, render_message
from teamwell.bot.slack.context import SlackEdge, channel_id_of, team_id_of, user_id_of
from teamwell.bot.slack.export_file import send_export_file
from teamwell.bot.slack.home import publish_home
from teamwell.core.errors import InvalidInput, TeamwellError
from teamwell.core.messages import Message, say
from teamwell.handlers.commands import command_reply
from teamwell.handlers.data_rights import asks_for_export
from teamwell.handlers.forgotten import Forgotten, asks_to_rejoin
from teamwell.handlers.interactions import BUTTONS, FORMS, ButtonHandler, FormOpener, FormRecorder
from teamwell.handlers.rejoin import WELCOME_BACK

log = logging.getLogger(__name__)


def register_actions(app: AsyncApp, edge: SlackEdge) -> None:
    """Attach button, form and command listeners."""
    for action, handler in BUTTONS.items():
        app.action(action_pattern(action))(_button(edge, handler))
    for opener_action, (opener, callback, recorder) in FORMS.items():
        app.action(action_pattern(opener_action))(open_form(edge, opener))
        app.view(callback.value)(_submit_form(edge, recorder))
    app.command("/teamwell")(_command(edge))


def _in_home(body: dict[str, Any]) -> bool:
    view = body.get("view") or {}
    return isinstance(view, dict) and view.get("type") == "home"


def _button(edge: SlackEdge, handler: ButtonHandler) -> Callable[..., Any]:
    async def listener(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                       client: AsyncWebClient) -> None:
        await ack()
        user = user_id_of(body)
        try:
            ws, person_id = await edge.who(client, body)
            reply = await asyncio.to_thread(handler, edge.deps, ws, person_id,
                                            str(action.get("value", "")))
        except TeamwellError as exc:
            log.info("refused %s from %s: %s", action.get("action_id"), user, exc.user_message)
            reply = exc.user_message
        else:
            if _in_home(body):
                edge.background(publish_home(edge, client, ws, person_id, user))
        if reply:
            await edge.ephemeral(client, channel_id_of(body), user, Message(reply))
    return listener


def open_form(edge: SlackEdge, opener: FormOpener) -> Callable[..., Any]:
    """A listener for a button that opens the form its opener builds (errors: ephemeral)."""
    async def listener(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                       client: AsyncWebClient) -> None:
        await ack()
        user = user_id_of(body)
        try:
            ws, person_id = await edge.who(client, body)
            form = await asyncio.to_thread(opener, edge.deps, ws, person_id,
                                           str(action.get("value", "")))
        except TeamwellError as exc:
            await edge.ephemeral(client, channel_id_of(body), user, Message(exc.user_message))
            return
        # trigger_id expires after 3 s: open the modal now, not in the background.
        await client.views_open(trigger_id=body["trigger_id"], view=render_form(form))
    return listener


def _first_text_value(view: dict[str, Any]) -> tuple[str, str]:
    values = (view.get("state") or {}).get("values") or {}
    for block_id, inputs in values.items():
        for element in inputs.values():
            return block_id, str(element.get("value") or "")
    return "", ""


def _submit_form(edge: SlackEdge, recorder: FormRecorder) -> Callable[..., Any]:
    async def listener(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                       client: AsyncWebClient) -> None:
        field_id, comment = _first_text_value(view)
        try:
            ws, person_id = await edge.who(client, body)
            await asyncio.to_thread(recorder, edge.deps, ws, person_id,
                                    str(view.get("private_metadata", "")), comment)
        except InvalidInput as exc:
            await ack(response_action="errors", errors={field_id: exc.user_message})
            return
        except TeamwellError as exc:
            await ack(response_action="errors", errors={field_id or "comment": exc.user_message})
            return
        await ack()
    return listener


def _command(edge: SlackEdge) -> Callable[..., Any]:
    async def listener(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        try:
            ws, person_id = await edge.who(client, body)
            # The answer goes straight back to the person, so it may show their own answers.
            message = await asyncio.to_thread(command_reply, edge.deps, ws, person_id,
                                              str(body.get("text", "")), True)
        except Forgotten as exc:
            reply = (await _rejoined(edge, client, body)
                     if asks_to_rejoin(str(body.get("text", ""))) else say(exc.user_message))
            fallback, blocks = render_message(reply, lambda _pid: None)
            await ack(text=fallback, blocks=blocks)
            return
        except TeamwellError as exc:
            await ack(text=exc.user_message)
            return
        fallback, blocks = render_message(message, lambda _pid: None)
        await ack(text=fallback, blocks=blocks)
        if asks_for_export(str(body.get("text", ""))):
            # The file takes longer than Slack's 3 seconds: it follows the answer.
            edge.background(send_export_file(edge.deps, client, ws, person_id,
                                             user_id_of(body)))
    return listener


async def _rejoined(edge: SlackEdge, client: AsyncWebClient, body: dict[str, Any]) -> Message:
    """`/teamwell rejoin` from someone forgotten: they come back; the answer is the intro."""
    try:
        ws = await edge.identity.workspace(team_id_of(body))
        message = await edge.identity.rejoin(client, ws, user_id_of(body), reply_here=True)
    except TeamwellError as exc:
        return say(exc.user_message)
    return message or say(WELCOME_BACK)
