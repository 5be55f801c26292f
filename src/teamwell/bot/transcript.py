"""Readable text for Block Kit: what a person would see, for the demo transcript."""

from __future__ import annotations

import html
import re
from typing import Any

from teamwell.core.messages import Actions, Chart, Context, Divider, Header, Message, Section

_MENTION = re.compile(r"<@([A-Z0-9]+)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")


def mrkdwn_to_text(text: str, names: dict[str, str]) -> str:
    """Undo Slack mrkdwn markup enough for a terminal."""
    text = _MENTION.sub(lambda m: "@" + names.get(m.group(1), m.group(1)), text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    return html.unescape(text.replace("*", ""))


def _text_of(obj: Any, names: dict[str, str]) -> str:
    if isinstance(obj, dict):
        return mrkdwn_to_text(str(obj.get("text", "")), names)
    return ""


def blocks_to_lines(blocks: list[dict[str, Any]], names: dict[str, str]) -> list[str]:
    """One or more lines per block: headers in capitals, buttons in [brackets]."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            lines.append(_text_of(block.get("text"), names).upper())
        elif kind == "section":
            lines.extend(_text_of(block.get("text"), names).splitlines())
            accessory = block.get("accessory")
            if isinstance(accessory, dict) and accessory.get("type") == "button":
                lines[-1] += f"  [{_text_of(accessory.get('text'), names)}]"
        elif kind == "context":
            lines.extend("  " + _text_of(e, names) for e in block.get("elements", []))
        elif kind == "divider":
            lines.append("-" * 20)
        elif kind == "actions":
            buttons = [f"[{_text_of(e.get('text'), names)}]" for e in block.get("elements", [])]
            lines.append(" ".join(buttons))
        elif kind == "image":
            file_id = (block.get("slack_file") or {}).get("id", "")
            lines.append(f"[image {file_id}: {block.get('alt_text', '')}]")
    return lines


def plain_lines(message: Message, names: dict[str, str] | None = None) -> list[str]:
    """A platform-neutral message as terminal lines (the command line prints these)."""
    lines: list[str] = []
    for block in message.blocks:
        if isinstance(block, Header):
            lines.append(block.title.upper())
        elif isinstance(block, Section | Context):
            lines.extend(("  " if isinstance(block, Context) else "") + line
                         for line in block.body.plain(names).splitlines())
        elif isinstance(block, Divider):
            lines.append("-" * 20)
        elif isinstance(block, Chart):
            lines.append(f"[chart: {block.title}] {block.alt}")
        elif isinstance(block, Actions):
            lines.append("  " + "  ".join(f"[{b.label}]" for b in block.buttons))
    return lines
