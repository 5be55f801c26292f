"""Installs and membership changes: link people through the roster, start onboarding, leave.

Membership events carry ids only (no names or emails), so every person is looked up in the
roster before the directory hears of them.
"""

from __future__ import annotations

import logging
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema.teams import TeamsChannelAccount
from msrest.exceptions import ClientException

from teamwell.bot.teams.identity import roster_member
from teamwell.bot.teams.turns import TeamsContext, is_personal, user_id_of
from teamwell.core.errors import TeamwellError
from teamwell.core.messages import say
from teamwell.handlers.forgotten import ANSWER as FORGOTTEN

log = logging.getLogger(__name__)
PAGE_SIZE = 500
MAX_PAGES = 100  # 50,000 people: far beyond a team Teams allows
WELCOME = ("Hi, I'm Teamwell, a bot. I help with onboarding, a short weekly pulse survey and "
           "kudos. Type help to see what I can do, or privacy to see what I keep and who can "
           "see it.")


def _is_bot(account: Any, bot_id: str | None) -> bool:
    account_id = str(getattr(account, "id", "") or "")
    return account_id == bot_id or account_id.startswith("28:")


async def on_conversation_update(ctx: TeamsContext, turn_context: TurnContext) -> None:
    """The bot or people added to / removed from a 1:1 chat, a team or a group chat."""
    activity = turn_context.activity
    ws = await ctx.workspace(activity)
    bot_id = activity.recipient.id if activity.recipient is not None else None
    added = list(activity.members_added or [])
    removed = list(activity.members_removed or [])
    if is_personal(activity):
        if added:
            await install_personal(ctx, turn_context, ws, welcome=True)
        if removed:
            log.info("Teamwell removed from a 1:1 chat by %s", user_id_of(activity))
        return
    if any(_is_bot(m, bot_id) for m in added):
        await sync_roster(ctx, turn_context, ws)
    for account in added:
        if not _is_bot(account, bot_id):
            await _joined(ctx, turn_context, ws, str(account.id))
    for account in removed:
        if not _is_bot(account, bot_id):
            await _left(ctx, ws, str(account.id))


async def on_installation_update(ctx: TeamsContext, turn_context: TurnContext) -> None:
    """The app installed or removed; a personal install links the person and saves the chat."""
    activity = turn_context.activity
    action = str(activity.action or "")
    log.info("Teamwell installation %s by %s", action, user_id_of(activity))
    if action in ("add", "add-upgrade") and is_personal(activity):
        ws = await ctx.workspace(activity)
        # The conversationUpdate of the same install says hello; this one only links.
        await install_personal(ctx, turn_context, ws, welcome=False)


async def install_personal(ctx: TeamsContext, turn_context: TurnContext, ws: str, *,
                           welcome: bool) -> None:
    """Link the installing person (found in the roster) and store their 1:1 chat."""
    user_id = user_id_of(turn_context.activity)
    try:
        member = await roster_member(turn_context, user_id)
    except TeamwellError as exc:
        log.warning("install by %s: roster lookup failed (%s); linked on first message",
                    user_id, exc.user_message)
        return
    if member is None:
        log.warning("install by %s, who is not in the roster", user_id)
        return
    synced = await ctx.identity.sync(ws, member)
    if synced is None:
        if await ctx.identity.forgotten(ws, member):
            # Nothing is linked or stored; they only hear how to come back if they want to.
            if welcome:
                await ctx.reply(turn_context, ws, say(FORGOTTEN))
            return
        log.info("install by %s, who is not a person Teamwell serves (guest or bot)", user_id)
        return
    await ctx.remember(turn_context, ws, user_id)
    if welcome:
        await ctx.reply(turn_context, ws, say(WELCOME))


async def sync_roster(ctx: TeamsContext, turn_context: TurnContext, ws: str) -> int:
    """The bot joined a team or group chat: link everyone in it (no onboarding: not new)."""
    token: str | None = None
    count = 0
    for _page in range(MAX_PAGES):
        try:
            page = await TeamsInfo.get_paged_members(turn_context, token, PAGE_SIZE)
        except (ClientException, OSError, TimeoutError) as exc:
            log.warning("roster sync stopped after %d people: %s", count, exc)
            return count
        for member in page.members or []:
            if isinstance(member, TeamsChannelAccount) and member.id:
                count += await ctx.identity.sync(ws, member) is not None
        token = page.continuation_token
        if not token:
            break
    log.info("roster sync linked %d people", count)
    return count


async def _joined(ctx: TeamsContext, turn_context: TurnContext, ws: str, user_id: str) -> None:
    """Someone joined a team: as Slack's team_join, a new hire starts onboarding."""
    try:
        member = await roster_member(turn_context, user_id)
    except TeamwellError as exc:
        log.warning("member %s added, roster lookup failed: %s", user_id, exc.user_message)
        return
    if member is None:
        log.info("member %s added but not in the roster; skipped", user_id)
        return
    await ctx.identity.sync(ws, member, joined=True)


async def _left(ctx: TeamsContext, ws: str, user_id: str) -> None:
    """Someone left a team: logged only. Leaving one team is not leaving the company, and
    Teams tells bots nothing when an account is deleted: HR marks leavers (CSV or CLI)."""
    log.info("member %s removed from a team; the directory is unchanged", user_id)
