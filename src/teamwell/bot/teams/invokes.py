"""Invokes: dialogs (`task/fetch`, `task/submit`) and Action.Execute (`adaptiveCard/action`).

Each answer is a plain dict: botbuilder 4.17 cannot serialise these bodies itself, so route.py
writes them as they are (see docs/pitfalls: the invoke-serialisation bug).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any

from botbuilder.core import TurnContext

from teamwell.bot.teams.card_forms import ADAPTIVE_CARD
from teamwell.bot.teams.cards import Submit, render_activity, render_form_card, task_message
from teamwell.bot.teams.cards import task_module as task_module_of
from teamwell.bot.teams.clicks import (
    IN_PRIVATE,
    UNKNOWN_BUTTON,
    act,
    form_recorder,
    opener_of,
    read_click,
)
from teamwell.bot.teams.turns import TeamsContext, is_personal
from teamwell.core.errors import InvalidInput, TeamwellError, UnknownPerson
from teamwell.core.messages import Bold, Form, Message, Text, say
from teamwell.handlers.interactions import KUDOS_FORM

log = logging.getLogger(__name__)
Body = dict[str, Any]
DIALOGS = ("task/fetch", "task/submit")
EXECUTE = "adaptiveCard/action"
ALREADY = "Already done: I received this the first time."
TOAST = "application/vnd.microsoft.activity.message"


def card_answer(content: Body) -> Body:
    """An Action.Execute answer that replaces the clicked card with this card."""
    return {"statusCode": 200, "type": ADAPTIVE_CARD, "value": content}


def message_card(message: Message) -> Body:
    """The Adaptive Card content of a message (no mentions: the answer goes to its clicker)."""
    rendered = render_activity(message, lambda _person_id: None)
    content: Body = rendered["attachments"][0]["content"]
    return content


def text_answer(name: str | None, reply: str) -> Body:
    """A short reply in the shape the invoke needs (a dialog message, or a card)."""
    return card_answer(message_card(say(reply))) if name == EXECUTE else task_message(reply)


def duplicate_answer(name: str | None) -> Body:
    """What a redelivered invoke gets: no second effect, a consistent answer."""
    return text_answer(name, ALREADY)


def _with_problem(form: Form, problem: str) -> Form:
    # The form comes back with the problem on top: Teams dialogs have no per-field errors.
    parts = (Bold(problem), *(("\n\n", *form.intro.parts) if form.intro else ()))
    return replace(form, intro=Text(parts))


async def on_invoke(ctx: TeamsContext, turn_context: TurnContext) -> Body | None:
    """The answer body of a dialog or Action.Execute invoke; None for other invokes."""
    name = turn_context.activity.name
    if name not in (*DIALOGS, EXECUTE):
        return None
    if name == EXECUTE and not is_personal(turn_context.activity):
        # An answer card would replace the card for everyone in the channel; a message is
        # shown to the clicker only.
        return {"statusCode": 200, "type": TOAST, "value": IN_PRIVATE}
    submit = read_click(turn_context.activity.value)
    if submit is None or submit.action is None:
        log.warning("unknown %s action %r", name, getattr(submit, "raw_action", None))
        return text_answer(name, UNKNOWN_BUTTON)
    try:
        ws, person_id = await ctx.who(turn_context)
    except TeamwellError as exc:
        return text_answer(name, exc.user_message)
    if name == "task/submit":
        return await _submit(ctx, turn_context, ws, person_id, submit)
    try:
        outcome = await act(ctx, turn_context, ws, person_id, submit)
    except TeamwellError as exc:
        log.info("refused %s: %s", submit.raw_action, exc.user_message)
        return text_answer(name, exc.user_message)
    if isinstance(outcome, Form):
        return task_module_of(outcome) if name == "task/fetch" else card_answer(
            render_form_card(outcome))
    reply = outcome.fallback if outcome is not None else "Done."
    if name == "task/fetch":
        return task_message(reply)
    return card_answer(message_card(outcome or say(reply)))


async def _submit(ctx: TeamsContext, turn_context: TurnContext, ws: str, person_id: str,
                  submit: Submit) -> Body:
    """A dialog's form submitted: record it, or show the form again naming the problem."""
    try:
        outcome = await act(ctx, turn_context, ws, person_id, submit)
    except (InvalidInput, UnknownPerson) as exc:
        again = await _form_again(ctx, ws, person_id, submit, exc.user_message)
        return task_module_of(again) if again is not None else task_message(exc.user_message)
    except TeamwellError as exc:
        return task_message(exc.user_message)
    if isinstance(outcome, Form):
        return task_module_of(outcome)
    return task_message(outcome.fallback if outcome is not None else "Done.")


async def _form_again(ctx: TeamsContext, ws: str, person_id: str, submit: Submit,
                      problem: str) -> Form | None:
    if submit.action == KUDOS_FORM[2]:
        opener = opener_of(KUDOS_FORM[0])
    else:
        found = form_recorder(submit.action)
        opener = found[0] if found else None
    if opener is None:
        return None
    try:
        # A form's context is the value of the button that opened it (see FORMS).
        form = await asyncio.to_thread(opener, ctx.deps, ws, person_id, submit.context)
    except TeamwellError:
        return None
    return _with_problem(form, problem)
