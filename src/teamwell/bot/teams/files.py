"""`mydata` on Teams: the person's data file, sent through Teams' file consent flow.

A bot can put a file in a 1:1 chat only this way (the manifest says `supportsFiles`): it
sends a FileConsentCard naming the file and its size; when the person accepts, Teams answers
with a `fileConsent/invoke` carrying an upload URL in their OneDrive; the bot PUTs the bytes
there and posts a FileInfoCard that opens the file. The file is built from the database at that
moment (never queued or kept by Teamwell), and only for the person the offer was made to.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from teamwell.bot.teams.turns import TeamsContext, is_personal
from teamwell.core.errors import TeamwellError
from teamwell.core.messages import say
from teamwell.handlers.data_rights import accept_export_file, offer_export_file

log = logging.getLogger(__name__)
FILE_CONSENT = "application/vnd.microsoft.teams.card.file.consent"
FILE_INFO = "application/vnd.microsoft.teams.card.file.info"
KIND = "tw_mydata"
UPLOAD_TIMEOUT = 30.0  # seconds for the PUT to the person's OneDrive
DESCRIPTION = ("Everything Teamwell holds about you, as a JSON file (your pulse answers cannot "
               "be in it: nothing links them to you).")
DECLINED = "No file, then. Type mydata whenever you want it."
FAILED = "Sorry, I couldn't upload your file just now. Nothing was kept; type mydata to try again."


async def offer_file(ctx: TeamsContext, turn_context: TurnContext, workspace_id: str,
                     person_id: str) -> None:
    """Ask, in the 1:1 chat, whether the person wants their data file (a FileConsentCard)."""
    offer = await asyncio.to_thread(offer_export_file, ctx.deps, workspace_id, person_id)
    context = {"tw_file": KIND, "tw_value": offer.value}
    await turn_context.send_activity(Activity().deserialize({"type": "message", "attachments": [{
        "contentType": FILE_CONSENT, "name": offer.filename,
        "content": {"description": DESCRIPTION, "sizeInBytes": offer.size,
                    "acceptContext": context, "declineContext": context},
    }]}))


async def on_file_consent(ctx: TeamsContext, turn_context: TurnContext) -> None:
    """The person accepted or declined a file offer: upload the file, or say no more."""
    activity = turn_context.activity
    value = _object(activity.value)
    context = _object(value.get("context"))
    if not is_personal(activity) or context.get("tw_file") != KIND:
        log.warning("file consent for something Teamwell did not offer: ignored")
        return
    if value.get("action") != "accept":
        await ctx.reply(turn_context, None, say(DECLINED))
        return
    upload = _object(value.get("uploadInfo"))
    try:
        ws, person_id = await ctx.who(turn_context)
        data = await asyncio.to_thread(accept_export_file, ctx.deps, ws, person_id,
                                       str(context.get("tw_value", "")))
    except TeamwellError as exc:
        await ctx.reply(turn_context, None, say(exc.user_message))
        return
    try:
        await _put(str(upload["uploadUrl"]), data)
    except (KeyError, aiohttp.ClientError, TimeoutError) as exc:
        log.warning("data file not uploaded to OneDrive: %s", exc)
        await ctx.reply(turn_context, None, say(FAILED))
        return
    await turn_context.send_activity(Activity().deserialize({"type": "message", "attachments": [{
        "contentType": FILE_INFO, "contentUrl": upload.get("contentUrl"),
        "name": upload.get("name"),
        "content": {"uniqueId": upload.get("uniqueId"), "fileType": upload.get("fileType")},
    }]}))


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


async def _put(url: str, data: bytes) -> None:
    """Send the whole file to a OneDrive upload session in one request."""
    headers = {"Content-Length": str(len(data)),
               "Content-Range": f"bytes 0-{len(data) - 1}/{len(data)}"}
    timeout = aiohttp.ClientTimeout(total=UPLOAD_TIMEOUT)
    async with aiohttp.ClientSession(timeout=timeout) as session, \
            session.put(url, data=data, headers=headers) as resp:
        if resp.status not in (200, 201, 202):
            raise aiohttp.ClientResponseError(resp.request_info, (), status=resp.status,
                                              message=(await resp.text())[:200])
