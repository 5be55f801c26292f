"""Chart pictures for Slack: drawn as PNG and uploaded privately before their message is posted.

Each chart goes up through Slack's external upload flow (files.getUploadURLExternal, a POST of
the bytes, files.completeUploadExternal) without a channel, so the file is private to the bot
and shown only through the message's image block. Uploading is safe to repeat: a sender that
dies after an upload but before its post leaves an unshared private file behind, and the retry
uploads a new one. The message's one chat.postMessage stays the only step that must not run
twice (the sender's in-doubt check covers it).
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections import OrderedDict

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from teamwell.bot.charts import render_png
from teamwell.bot.slack.blocks import ChartFiles
from teamwell.bot.slack.failures import Failure, Kind, classify
from teamwell.core.messages import Chart, Message

log = logging.getLogger(__name__)

ALT_TXT_MAX = 1000  # files.getUploadURLExternal refuses a longer alt_txt
REMEMBERED = 256  # outbox rows whose chart files are kept for their retries
_UNSAFE = re.compile(r"[^a-z0-9]+")


def _filename(chart: Chart) -> str:
    return (_UNSAFE.sub("-", chart.title.lower()).strip("-")[:60] or "chart") + ".png"


def not_ready(exc: BaseException) -> Failure | None:
    """A post refused because Slack has not finished processing an uploaded image, or None."""
    # Slack processes uploads asynchronously: an image block posted right after the upload can
    # be refused as an invalid slack_file. That passes, so it is retried rather than failed
    # (and the retry uses the same file, remembered by ChartUploads).
    data = getattr(getattr(exc, "response", None), "data", None)
    if not isinstance(exc, SlackApiError) or not isinstance(data, dict) \
            or data.get("error") != "invalid_blocks":
        return None
    metadata = data.get("response_metadata")
    details = [*(data.get("errors") or []),
               *((metadata.get("messages") or []) if isinstance(metadata, dict) else [])]
    if not any("slack_file" in str(detail) for detail in details):
        return None
    return Failure(Kind.TRANSIENT, "invalid_blocks: chart image not ready yet")


class ChartUploads:
    """Uploads the charts of outbox rows, remembering their files for the rows' retries."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._files: OrderedDict[str, dict[Chart, str]] = OrderedDict()

    async def upload(self, key: str, message: Message) -> ChartFiles:
        """The Slack file id of each chart in the message, uploading those not yet uploaded."""
        charts = dict.fromkeys(b for b in message.blocks if isinstance(b, Chart))
        if not charts:
            return {}
        files = self._files.setdefault(key, {})
        self._files.move_to_end(key)
        while len(self._files) > REMEMBERED:
            self._files.popitem(last=False)
        for chart in charts:
            if chart not in files:
                file_id = await self._upload(chart)
                if file_id is not None:
                    files[chart] = file_id
        return dict(files)

    def forget(self, key: str) -> None:
        """Drop what was remembered for a row that is done (sent or failed)."""
        self._files.pop(key, None)

    async def _upload(self, chart: Chart) -> str | None:
        try:
            png = await asyncio.to_thread(render_png, chart)
        except Exception:  # noqa: BLE001 - a message without its picture beats no message
            log.exception("chart %r could not be drawn; sending its description", chart.title)
            return None
        filename = _filename(chart)
        try:
            got = await self.client.files_getUploadURLExternal(
                filename=filename, length=len(png), alt_txt=chart.alt[:ALT_TXT_MAX] or None)
            file_id = str(got["file_id"])
            await self._post(str(got["upload_url"]), png)
            # No channel: the file stays private to the bot and is only seen in the message.
            await self.client.files_completeUploadExternal(
                files=[{"id": file_id, "title": chart.title or filename}])
        except (SlackApiError, SlackRequestError) as exc:
            failure = classify(exc)
            if failure is None or failure.kind is not Kind.PERMANENT:
                raise  # rate limits and outages: the sender waits and tries the message again
            # Such as missing_scope (an install from before files:write) or uploads disabled
            # by the workspace: retrying cannot help, and the chart's words still go out.
            log.warning("chart %r not uploaded (%s); sending its description", chart.title,
                        failure.error)
            return None
        return file_id

    async def _post(self, url: str, data: bytes) -> None:
        """Send the bytes to an upload URL; a refusal raises as a Slack error would."""
        await post_upload(self.client, url, data)


async def post_upload(client: AsyncWebClient, url: str, data: bytes) -> None:
    """Send bytes to an upload URL from files.getUploadURLExternal (a refusal raises)."""
    timeout = aiohttp.ClientTimeout(total=client.timeout)
    ssl = client.ssl if client.ssl is not None else True

    async def send(session: aiohttp.ClientSession) -> tuple[int, dict[str, str], str]:
        async with session.post(url, data=data, timeout=timeout, ssl=ssl,
                                proxy=client.proxy or None,
                                headers={"Content-Type": "application/octet-stream"}) as resp:
            return resp.status, dict(resp.headers), await resp.text(errors="replace")

    session = client.session
    if session is not None and not session.closed:
        status, headers, body = await send(session)
    else:
        async with aiohttp.ClientSession() as own:
            status, headers, body = await send(own)
    if status != 200:
        # Shaped like a Web API error so failures.classify reads it the same way: a 429
        # waits Retry-After, anything else is retried with backoff.
        response = AsyncSlackResponse(
            client=client, http_verb="POST", api_url=url, req_args={},
            data={"ok": False, "error": f"upload_failed: {body[:200]}"}, headers=headers,
            status_code=status)
        raise SlackApiError(  # type: ignore[no-untyped-call]  # slack_sdk's is untyped
            f"file upload refused with HTTP {status}", response)
