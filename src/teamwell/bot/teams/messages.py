"""Message activities: typed commands, kudos, and Action.Submit clicks, on the shared handlers."""

from __future__ import annotations

import asyncio
import logging

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from teamwell.bot.teams.card_forms import ADAPTIVE_CARD
from teamwell.bot.teams.cards import render_form_card
from teamwell.bot.teams.clicks import IN_PRIVATE, UNKNOWN_BUTTON, act, read_click
from teamwell.bot.teams.files import offer_file
from teamwell.bot.teams.kudos import kudos_from_text
from teamwell.bot.teams.text_commands import (
    SHARED_WORDS,
    Typed,
    is_forget_me,
    is_kudos_giving,
    read_typed,
)
from teamwell.bot.teams.turns import TeamsContext, is_personal, user_id_of
from teamwell.core.actions import ActionId
from teamwell.core.errors import TeamwellError
from teamwell.core.messages import Button, Form, Message, Section, say, text
from teamwell.handlers.commands import command_reply
from teamwell.handlers.data_rights import asks_for_export
from teamwell.handlers.forget_flow import forget_request
from teamwell.handlers.forgotten import Forgotten, asks_to_rejoin

log = logging.getLogger(__name__)

KUDOS_HERE = Message(
    fallback="Use the Give kudos form to choose who to thank.",
    blocks=(Section(text("In our 1:1 chat I can't see @mentions: choose who to thank in the "
                         "form (or @mention me with kudos in a channel)."),
                    Button("Give kudos", ActionId.KUDOS_OPEN, "open", "primary")),),
)


async def on_message(ctx: TeamsContext, turn_context: TurnContext) -> None:
    """Answer a message: a card click (value, no text) or text typed to the bot."""
    activity = turn_context.activity
    if activity.value is not None and not (activity.text or "").strip():
        await _on_click(ctx, turn_context)
        return
    typed = read_typed(activity)
    if is_personal(activity):
        await _personal(ctx, turn_context, typed)
    elif typed.bot_mentioned:
        await _shared(ctx, turn_context, typed)


async def _personal(ctx: TeamsContext, turn_context: TurnContext, typed: Typed) -> None:
    try:
        ws, person_id = await ctx.who(turn_context)
    except Forgotten as exc:
        reply = (await _rejoin(ctx, turn_context) if asks_to_rejoin(" ".join(typed.words))
                 else say(exc.user_message))
        await ctx.reply(turn_context, None, reply)
        return
    except TeamwellError as exc:
        await ctx.reply(turn_context, None, say(exc.user_message))
        return
    if is_forget_me(typed):
        # What will go and what stays, with a confirmation only this person can give.
        message = await asyncio.to_thread(forget_request, ctx.deps, ws, person_id)
    elif is_kudos_giving(typed) and not typed.mentions:
        message = KUDOS_HERE
    elif is_kudos_giving(typed):
        try:
            message = say(await kudos_from_text(ctx, turn_context, ws, person_id, typed))
        except TeamwellError as exc:
            message = say(exc.user_message)
    else:
        # The answer goes straight back to the person, so it may show their own answers.
        message = await asyncio.to_thread(command_reply, ctx.deps, ws, person_id, typed.plain,
                                          True)
    await ctx.reply(turn_context, ws, message)
    if asks_for_export(typed.plain):
        await offer_file(ctx, turn_context, ws, person_id)


async def _rejoin(ctx: TeamsContext, turn_context: TurnContext) -> Message:
    """A forgotten person typed rejoin: they come back, and the answer is the bot's intro."""
    try:
        ws = await ctx.workspace(turn_context.activity)
        user_id = user_id_of(turn_context.activity)
        message = await ctx.identity.rejoin(turn_context, ws, user_id)
    except TeamwellError as exc:
        return say(exc.user_message)
    # Their 1:1 chat, so that the outbox can reach them from now on.
    await ctx.remember(turn_context, ws, user_id)
    return message


async def _shared(ctx: TeamsContext, turn_context: TurnContext, typed: Typed) -> None:
    """A channel or group chat: everyone reads the answer, so nothing personal is said."""
    ws = await ctx.workspace(turn_context.activity)
    words = typed.words
    if is_kudos_giving(typed):
        try:
            _ws, giver = await ctx.who(turn_context)
            message = say(await kudos_from_text(ctx, turn_context, ws, giver, typed))
        except Forgotten:
            # Everyone here reads the answer: that they asked to be forgotten is theirs to say.
            message = say(IN_PRIVATE)
        except TeamwellError as exc:
            message = say(exc.user_message)
    elif (words[0] if words else "") in SHARED_WORDS:
        # help and privacy do not depend on who asks: no directory lookup is needed.
        message = await asyncio.to_thread(command_reply, ctx.deps, ws, "", " ".join(words),
                                          False)
    else:
        message = say(IN_PRIVATE)
    await ctx.reply(turn_context, ws, message)


async def _on_click(ctx: TeamsContext, turn_context: TurnContext) -> None:
    """An Action.Submit click (or a form sent as a card in the 1:1 chat)."""
    if not is_personal(turn_context.activity):
        # Teams has no ephemeral messages: a reply in a channel would be read by everyone.
        await ctx.reply(turn_context, None, say(IN_PRIVATE))
        return
    submit = read_click(turn_context.activity.value)
    if submit is None or submit.action is None:
        log.warning("unknown card action %r", getattr(submit, "raw_action", None))
        await ctx.reply(turn_context, None, say(UNKNOWN_BUTTON))
        return
    ws: str | None = None
    try:
        ws, person_id = await ctx.who(turn_context)
        outcome = await act(ctx, turn_context, ws, person_id, submit)
    except TeamwellError as exc:
        log.info("refused %s: %s", submit.raw_action, exc.user_message)
        outcome = say(exc.user_message)
    if isinstance(outcome, Form):
        # A form button on a client that sent no task/fetch: the form comes as a card instead.
        await turn_context.send_activity(Activity().deserialize({
            "type": "message",
            "attachments": [{"contentType": ADAPTIVE_CARD, "content": render_form_card(outcome)}],
        }))
    elif outcome is not None:
        await ctx.reply(turn_context, ws, outcome)
