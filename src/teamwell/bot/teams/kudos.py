"""Teams' side of giving kudos: `kudos @person ... message #value [private]` and the kudos form."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from botbuilder.core import TurnContext

from teamwell.bot.teams.cards import Submit
from teamwell.bot.teams.text_commands import Mentioned, Typed, kudos_message
from teamwell.bot.teams.turns import TeamsContext
from teamwell.core.errors import UnknownPerson
from teamwell.core.kudos_views import MESSAGE, PUBLIC, RECEIVERS, VALUE, WHERE
from teamwell.handlers.kudos import give_kudos, unknown_receiver


async def _receiver(ctx: TeamsContext, turn_context: TurnContext, ws: str, user_id: str,
                    shown: str) -> str:
    try:
        return await ctx.identity.person_id(turn_context, ws, user_id)
    except UnknownPerson as exc:
        raise unknown_receiver(shown, "organisation") from exc


async def receivers(ctx: TeamsContext, turn_context: TurnContext, ws: str,
                    mentioned: Sequence[Mentioned]) -> list[str]:
    """The person ids of the people mentioned, fetched from the roster when new."""
    return [await _receiver(ctx, turn_context, ws, m.user_id, m.name) for m in mentioned]


async def kudos_from_text(ctx: TeamsContext, turn_context: TurnContext, ws: str, giver: str,
                          typed: Typed) -> str:
    """Give the kudos typed after @mentioning people; returns the giver's confirmation."""
    people = await receivers(ctx, turn_context, ws, typed.mentions)
    message, private = kudos_message(typed)
    return await asyncio.to_thread(give_kudos, ctx.deps, ws, giver, people, message,
                                   False if private else None)


def _one(submit: Submit, field: str) -> str | None:
    value = submit.fields.get(field)
    if isinstance(value, list):
        value = value[0] if value else None
    return (value.strip() or None) if isinstance(value, str) else None


async def kudos_from_form(ctx: TeamsContext, turn_context: TurnContext, ws: str, giver: str,
                          submit: Submit) -> str:
    """Give the kudos of a submitted kudos form (people picker: AAD object ids)."""
    chosen = submit.fields.get(RECEIVERS) or []
    ids = [chosen] if isinstance(chosen, str) else chosen
    people = [await _receiver(ctx, turn_context, ws, aad, "") for aad in ids if aad.strip()]
    message = _one(submit, MESSAGE) or ""
    value, where = _one(submit, VALUE), _one(submit, WHERE)
    typed = f"{message} #{value}" if value else message
    return await asyncio.to_thread(give_kudos, ctx.deps, ws, giver, people, typed,
                                   None if where is None else where == PUBLIC)
