"""The Bolt app: listeners, catch-alls and the one error handler for the Slack edge."""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.context import SlackEdge, channel_id_of, user_id_of
from teamwell.bot.slack.listeners_actions import register_actions
from teamwell.bot.slack.listeners_events import register_events
from teamwell.bot.slack.listeners_installs import register_installs
from teamwell.bot.slack.listeners_kudos import register_kudos
from teamwell.bot.slack.oauth import SlackOAuth
from teamwell.core.errors import TeamwellError
from teamwell.core.messages import Message

log = logging.getLogger(__name__)

SORRY = ("Sorry, something went wrong on my side. Nothing you did was lost; "
         "please try again in a minute.")
UNKNOWN_BUTTON = "Sorry, I don't recognise that button any more. Try /teamwell help."


def build_app(edge: SlackEdge, client: AsyncWebClient, signing_secret: str,
              verify: bool = True, oauth: SlackOAuth | None = None) -> AsyncApp:
    """A Bolt AsyncApp wired to Teamwell's handlers; work is done before the HTTP answer.

    verify=False only for the inbox worker, which replays requests verified on arrival. With
    oauth, each request is authorized with its own workspace's token (OAuth installs).
    """
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        request_verification_enabled=verify,
        # The database write happens before Slack gets its 200, so an ack never hides a loss.
        process_before_response=True,
        raise_error_for_unhandled_request=False,
        ignoring_self_events_enabled=True,
        installation_store=oauth.installations if oauth else None,
        # Bolt takes an AsyncAuthorize object as it is (its type hint says a plain function).
        authorize=oauth.authorize if oauth else None,  # type: ignore[arg-type]
        oauth_settings=oauth.settings if oauth else None,
    )
    if oauth is not None:
        register_installs(app, edge, oauth.store)  # before the events' catch-all
    register_events(app, edge)
    register_actions(app, edge)
    register_kudos(app, edge)
    _register_catch_alls(app, edge)
    app.error(_error_handler)
    return app


def _register_catch_alls(app: AsyncApp, edge: SlackEdge) -> None:
    anything = re.compile(".*")

    @app.action(anything)
    async def unknown_action(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        actions = body.get("actions") or [{}]
        log.warning("unknown action %r from %s", actions[0].get("action_id"), body.get("user"))
        await edge.ephemeral(client, channel_id_of(body), user_id_of(body),
                             Message(UNKNOWN_BUTTON))

    @app.view(anything)
    async def unknown_view(ack: AsyncAck, body: dict[str, Any]) -> None:
        log.warning("unknown form %r", (body.get("view") or {}).get("callback_id"))
        await ack(response_action="clear")

    @app.command(anything)
    async def unknown_command(ack: AsyncAck, body: dict[str, Any]) -> None:
        log.warning("unknown command %r", body.get("command"))
        await ack(text="Sorry, I don't know that command. Try /teamwell help.")

    @app.shortcut(anything)
    async def unknown_shortcut(ack: AsyncAck) -> None:
        await ack()

    @app.options(anything)
    async def unknown_options(ack: AsyncAck) -> None:
        await ack(options=[])


async def _error_handler(error: Exception, body: dict[str, Any], request: AsyncBoltRequest,
                         response: BoltResponse | None,
                         client: AsyncWebClient | None = None) -> None:
    """Turn any failure into a kind answer; events get 503 so that Slack retries them."""
    if response is None:
        return
    if isinstance(error, TeamwellError):
        log.info("refused: %s", error.user_message)
        text = error.user_message
    else:
        log.error("unexpected error handling a Slack request", exc_info=error)
        text = SORRY
    if body.get("type") == "event_callback":
        # Nothing lost: Slack retries a non-2xx event, and event ids are de-duplicated.
        response.status = 503 if not isinstance(error, TeamwellError) else 200
        response.body = ""
        return
    response.status = 200
    response.headers["content-type"] = ["application/json"]
    if body.get("type") == "block_actions" and client is not None:
        # Slack ignores the body of a button click's answer: tell the person another way.
        await _tell(client, body, text)
    if body.get("type") == "view_submission":
        response.body = json.dumps({"response_action": "update", "view": {
            "type": "modal", "title": {"type": "plain_text", "text": "Teamwell"},
            "blocks": [{"type": "section", "text": {"type": "plain_text", "text": text}}],
        }})
        return
    response.body = json.dumps({"response_type": "ephemeral", "text": text})


async def _tell(client: AsyncWebClient, body: dict[str, Any], text: str) -> None:
    channel = channel_id_of(body)
    if not channel:
        return
    try:
        await client.chat_postEphemeral(channel=channel, user=user_id_of(body), text=text)
    except (SlackApiError, OSError, ValueError) as exc:
        log.warning("could not tell the user about the failure: %s", exc)
