"""The Teams bot: botbuilder's activity handler, dispatching to Teamwell's Teams listeners."""

from __future__ import annotations

import logging

from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.schema import ActivityTypes

from teamwell.bot.teams.files import on_file_consent
from teamwell.bot.teams.identity import team_of
from teamwell.bot.teams.invokes import duplicate_answer, on_invoke
from teamwell.bot.teams.members import on_conversation_update, on_installation_update
from teamwell.bot.teams.messages import on_message
from teamwell.bot.teams.turns import TeamsContext, answer_invoke, user_id_of

log = logging.getLogger(__name__)
HANDLED = (ActivityTypes.message, ActivityTypes.invoke, ActivityTypes.conversation_update,
           ActivityTypes.installation_update)
# Opening a form changes nothing, so a repeated task/fetch is simply answered again.
NOT_DEDUPLICATED = ("task/fetch",)


# botbuilder ships no type hints, so its base class is Any to mypy.
class TeamwellBot(TeamsActivityHandler):  # type: ignore[misc]
    """Messages, clicks, dialogs and membership changes, each on the shared handlers."""

    def __init__(self, ctx: TeamsContext) -> None:
        self.ctx = ctx

    async def on_turn(self, turn_context: TurnContext) -> None:
        """Skip what the bot does not handle and redeliveries, then dispatch."""
        activity = turn_context.activity
        if activity.type not in HANDLED:
            log.debug("ignored %s activity", activity.type)
            return
        if user_id_of(activity).startswith("28:"):
            return  # another bot, or ourselves
        ws = await self.ctx.workspace(activity)
        self.ctx.identity.note_team(ws, team_of(activity))
        if activity.name not in NOT_DEDUPLICATED and not await self.ctx.first_time(ws, activity):
            log.info("redelivered %s activity %s ignored", activity.type, activity.id)
            if activity.type == ActivityTypes.invoke:
                await answer_invoke(turn_context, duplicate_answer(activity.name))
            return
        await super().on_turn(turn_context)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        """Text typed to the bot, or an Action.Submit click."""
        await on_message(self.ctx, turn_context)

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        """Dialogs and Action.Execute; botbuilder's own handling for anything else."""
        body = await on_invoke(self.ctx, turn_context)
        if body is None:
            return await super().on_invoke_activity(turn_context)
        return InvokeResponse(status=200, body=body)

    async def on_teams_file_consent_accept(self, turn_context: TurnContext,
                                           _response: object) -> None:
        """The person accepted a file Teamwell offered (their mydata file): upload it."""
        await on_file_consent(self.ctx, turn_context)

    async def on_teams_file_consent_decline(self, turn_context: TurnContext,
                                            _response: object) -> None:
        """The person declined a file Teamwell offered."""
        await on_file_consent(self.ctx, turn_context)

    async def on_conversation_update_activity(self, turn_context: TurnContext) -> None:
        """Installs in a 1:1 chat, people joining or leaving a team."""
        await on_conversation_update(self.ctx, turn_context)

    async def on_installation_update(self, turn_context: TurnContext) -> None:
        """The app installed or removed."""
        await on_installation_update(self.ctx, turn_context)
