"""Slack mrkdwn for one paragraph: escaped plain text plus the markup the bot means.

Plain strings are escaped (`&`, `<`, `>`), so text a person typed never pings a channel,
mentions someone or shows a link. Cutting to a length never splits an entity or a mention.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from teamwell.core.messages import Bold, Link, Mention, Text

MentionResolver = Callable[[str], str | None]

SECTION_TEXT_MAX = 3000
ELLIPSIS = "…"
SOMEONE = "someone"
_UNLIMITED = 1 << 30

_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_SLACK_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_SAFE_SCHEMES = ("https://", "http://", "mailto:")


def escape(s: str) -> str:
    """Escape text for Slack mrkdwn so that it always renders literally."""
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escaped_prefix(s: str, budget: int) -> str:
    """The longest prefix of s whose escaped form fits budget (never cuts an entity)."""
    out: list[str] = []
    used = 0
    for ch in s:
        piece = _ESCAPES.get(ch, ch)
        if used + len(piece) > budget:
            break
        out.append(piece)
        used += len(piece)
    return "".join(out)


def clip(s: str, limit: int) -> str:
    """Cut plain text to limit characters, ending in an ellipsis when cut."""
    return s if len(s) <= limit else s[: limit - len(ELLIPSIS)] + ELLIPSIS


# --- inline parts ---


def _render_str(part: str, _mention: MentionResolver, budget: int) -> str:
    return escaped_prefix(part, budget)


def _render_bold(part: Bold, _mention: MentionResolver, budget: int) -> str:
    # Slack only bolds when the asterisks touch the words, so whitespace goes outside them.
    core = part.text.strip()
    if not core:
        return escaped_prefix(part.text, budget)
    lead = part.text[: len(part.text) - len(part.text.lstrip())]
    trail = part.text[len(part.text.rstrip()):]
    inner = escaped_prefix(core, budget - 2 - len(lead) - len(trail))
    return f"{lead}*{inner}*{trail}" if inner else ""


def _render_mention(part: Mention, mention: MentionResolver, budget: int) -> str:
    slack_id = mention(part.person_id)
    piece = f"<@{slack_id}>" if slack_id and _SLACK_USER_ID.match(slack_id) else escape(SOMEONE)
    return piece if len(piece) <= budget else ""


def _render_link(part: Link, _mention: MentionResolver, budget: int) -> str:
    url = re.sub(r"[|<>\s]", "", part.url)
    if not url.lower().startswith(_SAFE_SCHEMES):
        return escaped_prefix(part.label, budget)
    url = url.replace("&", "&amp;")
    piece = f"<{url}|{escape(part.label)}>" if part.label else f"<{url}>"
    return piece if len(piece) <= budget else escaped_prefix(part.label, budget)


InlineRenderer = Callable[[Any, MentionResolver, int], str]
INLINE_RENDERERS: dict[type, InlineRenderer] = {
    str: _render_str,
    Bold: _render_bold,
    Mention: _render_mention,
    Link: _render_link,
}


def render_text(body: Text, mention: MentionResolver, limit: int = SECTION_TEXT_MAX) -> str:
    """Render a paragraph as mrkdwn no longer than limit, ending in an ellipsis when cut."""
    full = [INLINE_RENDERERS[type(p)](p, mention, _UNLIMITED) for p in body.parts]
    if sum(len(piece) for piece in full) <= limit:
        return "".join(full)
    out: list[str] = []
    room = limit - len(ELLIPSIS)
    for part, piece in zip(body.parts, full, strict=True):
        if len(piece) > room:
            out.append(INLINE_RENDERERS[type(part)](part, mention, room))
            break
        out.append(piece)
        room -= len(piece)
    return "".join(out) + ELLIPSIS
