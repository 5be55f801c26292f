"""File uploads in the fake Slack Web API: Slack's external upload flow, and image blocks.

files.getUploadURLExternal hands out an upload URL on the fake itself; the bytes are POSTed
there; files.completeUploadExternal finishes the upload. A message whose image block names a
file that is unknown, not finished or still being processed is refused as `invalid_blocks`,
as Slack refuses it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from teamwell.core.clock import Clock

Params = dict[str, Any]
Body = dict[str, Any]
Method = Callable[[Params], Body]

UPLOAD = "upload"  # how calls to an upload URL are named in ApiCall records and fail_next
_POSTS = ("chat.postMessage", "chat.update", "chat.postEphemeral")  # may carry image blocks


@dataclass(slots=True)
class FakeFile:
    """One uploaded file."""

    filename: str
    length: int
    alt_txt: str
    title: str = ""
    data: bytes = b""
    uploaded: bool = False
    complete: bool = False
    shared_to: str | None = None  # the channel it was shared in, None while private
    ready_at: datetime | None = None  # when Slack has finished processing it


def _error(error: str) -> Body:
    return {"ok": False, "error": error}


class FakeFiles:
    """The files of the fake workspace and the three steps that upload one."""

    def __init__(self, clock: Clock, processing: timedelta = timedelta(0)) -> None:
        self.clock = clock
        # Real Slack takes a moment after completeUploadExternal before an image block may
        # show the file; tests set this to see how the sender copes.
        self.processing = processing
        self.base_url = ""
        self.files: dict[str, FakeFile] = {}

    def methods(self, others: dict[str, Method]) -> dict[str, Method]:
        """The files.* methods added to others, whose posts now check their image blocks."""
        methods = {name: self._checking(method) if name in _POSTS else method
                   for name, method in others.items()}
        methods["files.getUploadURLExternal"] = self.get_upload_url
        methods["files.completeUploadExternal"] = self.complete_upload
        return methods

    def _checking(self, method: Method) -> Method:
        def checked(p: Params) -> Body:
            return self.refuse_blocks(p) or method(p)
        return checked

    def get_upload_url(self, p: Params) -> Body:
        """files.getUploadURLExternal: a file id and where to send its bytes."""
        filename = str(p.get("filename") or "")
        try:
            length = int(p.get("length") or 0)
        except ValueError:
            return _error("invalid_arguments")
        if not filename or length <= 0:
            return _error("missing_argument")
        if len(str(p.get("alt_txt") or "")) > 1000:
            return _error("alt_txt_too_large")
        file_id = f"F{len(self.files) + 1:010d}"
        self.files[file_id] = FakeFile(filename, length, str(p.get("alt_txt") or ""))
        return {"ok": True, "upload_url": f"{self.base_url}/upload/{file_id}",
                "file_id": file_id}

    def receive(self, file_id: str, data: bytes) -> tuple[int, str]:
        """The upload URL: (HTTP status, body text) for bytes POSTed to it."""
        found = self.files.get(file_id)
        if found is None or found.complete:
            return 404, "not found"
        if len(data) != found.length:
            return 400, f"length mismatch: expected {found.length}, got {len(data)}"
        found.data, found.uploaded = data, True
        return 200, f"OK - {len(data)}"

    def complete_upload(self, p: Params) -> Body:
        """files.completeUploadExternal: finish uploads, sharing them only if a channel is given."""
        entries = p.get("files")
        if isinstance(entries, str):
            try:
                entries = json.loads(entries)
            except json.JSONDecodeError:
                return _error("invalid_arguments")
        if not isinstance(entries, list) or not entries \
                or not all(isinstance(e, dict) and e.get("id") for e in entries):
            return _error("invalid_arguments")
        found = [self.files.get(str(e["id"])) for e in entries]
        if any(f is None or not f.uploaded for f in found):
            return _error("file_not_found")
        channel = p.get("channel_id") or p.get("channels") or None
        done: list[Body] = []
        for entry, file in zip(entries, found, strict=True):
            assert file is not None
            file.title = str(entry.get("title") or file.filename)
            file.complete, file.shared_to = True, channel
            file.ready_at = self.clock.now() + self.processing
            done.append({"id": entry["id"], "title": file.title})
        return {"ok": True, "files": done}

    def refuse_blocks(self, p: Params) -> Body | None:
        """invalid_blocks when an image block names a file an image cannot show yet, else None."""
        blocks = p.get("blocks")
        if not isinstance(blocks, list):
            return None
        now = self.clock.now()
        for i, block in enumerate(blocks):
            ref = block.get("slack_file") if isinstance(block, dict) else None
            if not isinstance(ref, dict) or "id" not in ref:
                continue
            file = self.files.get(str(ref["id"]))
            if file is None or not file.complete or (file.ready_at or now) > now:
                reason = f"invalid slack file [json-pointer:/blocks/{i}/slack_file]"
                return {"ok": False, "error": "invalid_blocks", "errors": [reason],
                        "response_metadata": {"messages": [f"[ERROR] {reason}"]}}
        return None
