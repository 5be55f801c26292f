"""What a Teamwell card button or form does, whichever way Teams delivers the click.

A click arrives as a message with `value` (Action.Submit), as a `task/fetch` or `task/submit`
invoke (dialogs), or as an `adaptiveCard/action` invoke (Action.Execute); each maps onto the
same platform-neutral handlers as a Slack click.
"""

from __future__ import annotations

import asyncio
from typing import Any

from botbuilder.core import TurnContext

from teamwell.bot.teams.card_forms import ACTION
from teamwell.bot.teams.cards import Submit, parse_submit
from teamwell.bot.teams.kudos import kudos_from_form
from teamwell.bot.teams.turns import TeamsContext
from teamwell.core.actions import ActionId
from teamwell.core.errors import UnknownAction
from teamwell.core.messages import Form, Message, say
from teamwell.handlers.interactions import BUTTONS, FORMS, KUDOS_FORM, FormOpener, FormRecorder

UNKNOWN_BUTTON = "Sorry, I don't recognise that button any more. Type help to see what I can do."
IN_PRIVATE = ("Let's talk about that in our 1:1 chat: open Teamwell under Apps (or select my "
              "name) and type it there. Here I can help with: help, privacy, "
              "and kudos @name what they did.")
SAVED = "Saved. Thank you!"


def read_click(value: Any) -> Submit | None:
    """The submit data of a click; an Action.Execute without our data keys uses its verb."""
    submit = parse_submit(value)
    if submit is not None or not isinstance(value, dict):
        return submit
    action = value.get("action")
    if not isinstance(action, dict) or not isinstance(action.get("verb"), str):
        return None
    data = action.get("data")
    return parse_submit({**(data if isinstance(data, dict) else {}), ACTION: action["verb"]})


def opener_of(action: ActionId | None) -> FormOpener | None:
    """The opener of the form a button opens, or None when the button does not open one."""
    if action == KUDOS_FORM[0]:
        return KUDOS_FORM[1]
    found = FORMS.get(action) if action is not None else None
    return found[0] if found else None


def form_recorder(action: ActionId | None) -> tuple[FormOpener, FormRecorder] | None:
    """The opener and recorder of the form whose submit callback this is."""
    for opener, callback, recorder in FORMS.values():
        if action == callback:
            return opener, recorder
    return None


def first_text(submit: Submit) -> str:
    """The first free-text value of a form (the forms in FORMS have exactly one)."""
    for value in submit.fields.values():
        if isinstance(value, str):
            return value
    return ""


async def act(ctx: TeamsContext, turn_context: TurnContext, ws: str, person_id: str,
              submit: Submit) -> Message | Form | None:
    """Run the click's handler: a reply, a form to show, or None (nothing to say)."""
    action = submit.action
    if action is None:
        raise UnknownAction(UNKNOWN_BUTTON)
    handler = BUTTONS.get(action)
    if handler is not None:
        reply = await asyncio.to_thread(handler, ctx.deps, ws, person_id, submit.value)
        return say(reply) if reply else None
    opener = opener_of(action)
    if opener is not None:
        return await asyncio.to_thread(opener, ctx.deps, ws, person_id, submit.value)
    if action == KUDOS_FORM[2]:
        return say(await kudos_from_form(ctx, turn_context, ws, person_id, submit))
    form = form_recorder(action)
    if form is not None:
        result = await asyncio.to_thread(form[1], ctx.deps, ws, person_id, submit.context,
                                         first_text(submit))
        return say(result if isinstance(result, str) and result else SAVED)
    raise UnknownAction(UNKNOWN_BUTTON)
