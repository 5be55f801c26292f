"""The App Home tab: onboarding progress (also reports', for managers), kudos, and choices."""

from __future__ import annotations

import asyncio

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.blocks import render_blocks
from teamwell.bot.slack.context import SlackEdge
from teamwell.core.kudos_views import kudos_home_blocks
from teamwell.core.messages import mentioned_people
from teamwell.handlers.consent import choices_home_blocks
from teamwell.handlers.onboarding import home_blocks


async def publish_home(edge: SlackEdge, client: AsyncWebClient, workspace_id: str,
                       person_id: str, slack_user: str) -> None:
    """Render and publish the person's Home tab."""
    blocks = await asyncio.to_thread(home_blocks, edge.deps, workspace_id, person_id)
    blocks += kudos_home_blocks()
    # Every switch a person has, in one place (Teams has commands instead: /teamwell consents).
    blocks += await asyncio.to_thread(choices_home_blocks, edge.deps, workspace_id, person_id)
    ids = await asyncio.to_thread(_slack_ids, edge, workspace_id, blocks)
    rendered = render_blocks(blocks, ids.get)
    await client.views_publish(user_id=slack_user, view={"type": "home", "blocks": rendered})


def _slack_ids(edge: SlackEdge, workspace_id: str, blocks: object) -> dict[str, str]:
    found: dict[str, str] = {}
    with edge.deps.uow() as uow:
        for pid in mentioned_people(blocks):
            sid = uow.people.account_of(workspace_id, pid, "slack")
            if sid:
                found[pid] = sid
    return found
