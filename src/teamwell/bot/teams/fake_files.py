"""A local fake of the OneDrive upload sessions Teams hands a bot after a file consent "Allow".

When a person accepts a FileConsentCard, Teams creates the file in their OneDrive and sends the
bot a `fileConsent/invoke` with an upload URL; the bot PUTs the bytes there with a
Content-Range. This fake serves such URLs on 127.0.0.1 and keeps what arrives, and builds the
invoke Teams would send (see `consent_invoke`).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from teamwell.bot.fake_thread import serve_on_loopback
from teamwell.bot.teams.simulate import HERE, Activity, TeamsUser, Where, invoke

_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


@dataclass
class UploadSession:
    """One file's upload session."""

    name: str
    unique_id: str = field(default_factory=lambda: str(uuid.uuid4()).upper())
    data: bytes = b""
    complete: bool = False


class FakeOneDrive:
    """Upload sessions on loopback: `await start()`, hand out `session(...)`, read `files`."""

    def __init__(self) -> None:
        self.sessions: dict[str, UploadSession] = {}
        self.base_url = ""
        self._runner: web.AppRunner | None = None

    @property
    def files(self) -> dict[str, bytes]:
        """Completed uploads by file name."""
        return {s.name: s.data for s in self.sessions.values() if s.complete}

    def upload_info(self, name: str) -> dict[str, str]:
        """A new upload session, as the `uploadInfo` of a consent invoke describes it."""
        upload = UploadSession(name)
        self.sessions[upload.unique_id] = upload
        return {"name": name, "uploadUrl": f"{self.base_url}/upload/{upload.unique_id}",
                "contentUrl": f"{self.base_url}/personal/Documents/{name}",
                "uniqueId": upload.unique_id, "fileType": name.rsplit(".", 1)[-1]}

    async def start(self) -> str:
        """Serve on a free port of 127.0.0.1; returns the base URL."""
        app = web.Application(client_max_size=10_000_000)
        app.router.add_put("/upload/{id}", self._put)
        self._runner, port = await serve_on_loopback(app)
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _put(self, request: web.Request) -> web.Response:
        upload = self.sessions.get(request.match_info["id"])
        if upload is None or upload.complete:
            return web.json_response({"error": {"code": "itemNotFound"}}, status=404)
        data = await request.read()
        found = _RANGE.match(request.headers.get("Content-Range", ""))
        if found is None or int(found[1]) != 0 or int(found[2]) != len(data) - 1 \
                or int(found[3]) != len(data):
            return web.json_response({"error": {"code": "invalidRange"}}, status=416)
        upload.data, upload.complete = data, True
        return web.json_response({"id": upload.unique_id, "name": upload.name,
                                  "size": len(data)}, status=201)


def consent_invoke(user: TeamsUser, consent: dict[str, Any], upload: dict[str, str] | None,
                   *, where: Where = HERE) -> Activity:
    """The `fileConsent/invoke` Teams sends when the user allows (upload given) or declines."""
    content = consent["content"]
    value: dict[str, Any] = {"type": "fileUpload", "action": "accept" if upload else "decline",
                             "context": content["acceptContext" if upload else "declineContext"]}
    if upload:
        value["uploadInfo"] = upload
    return invoke(user, "fileConsent/invoke", value, where=where)
