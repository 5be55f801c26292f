"""`/teamwell mydata` on Slack: everything Teamwell holds about the person, as a JSON file.

The slash command answers at once with the summary; the file follows, after the ack, in the
person's direct messages with the bot (files.getUploadURLExternal, the bytes,
files.completeUploadExternal shared to that DM). The file is built from the database when it is
sent and is never queued in the outbox, which would keep a copy of it. Slack keeps the file in
the DM, where the person can delete it.
"""

from __future__ import annotations

import asyncio
import logging

from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.uploads import post_upload
from teamwell.core.audit import Someone
from teamwell.handlers.data_rights import export_bytes, export_filename, export_person
from teamwell.handlers.deps import Deps

log = logging.getLogger(__name__)
TITLE = "What Teamwell holds about you"
COMMENT = ("Here is everything Teamwell holds about you, as a JSON file. Your pulse answers are "
           "not in it: nothing links them to you (the file says more).")
FAILED = ("Sorry, I couldn't upload your data file just now. Nothing was kept; type "
          "/teamwell mydata again in a minute.")


async def send_export_file(deps: Deps, client: AsyncWebClient, workspace_id: str,
                           person_id: str, slack_user: str) -> bool:
    """Upload the person's data file to their DM with the bot; False (and a note) on failure."""
    export = await asyncio.to_thread(export_person, deps, workspace_id, person_id,
                                     Someone(person_id))
    data = export_bytes(export)
    channel = ""
    try:
        opened = await client.conversations_open(users=slack_user)
        channel = str(opened["channel"]["id"])
        got = await client.files_getUploadURLExternal(
            filename=export_filename(deps.clock.now()), length=len(data))
        await post_upload(client, str(got["upload_url"]), data)
        await client.files_completeUploadExternal(
            files=[{"id": str(got["file_id"]), "title": TITLE}], channel_id=channel,
            initial_comment=COMMENT)
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log.warning("data file for a /teamwell mydata not uploaded: %s", exc)
        if channel:
            try:
                await client.chat_postMessage(channel=channel, text=FAILED)
            except (SlackApiError, SlackRequestError, OSError) as again:
                log.warning("could not say so either: %s", again)
        return False
    return True
