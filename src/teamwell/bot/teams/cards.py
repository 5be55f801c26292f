"""Render platform-neutral messages as a Bot Framework activity with one Adaptive Card.

Every plain string is escaped for Teams card markdown (see card_text.py), so text a person typed
never mentions anyone or shows a link; markup the bot means comes only from Bold, Mention and
Link. Mentions live in the card's `msteams.entities`: an activity-level mention entity whose
`<at>` text is not in the activity's own text makes the connector refuse the message. The card
is kept within a size budget by cutting it short with an ellipsis, as the Slack renderer does,
rather than sending something Teams refuses.
"""

from __future__ import annotations

import base64
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

from teamwell.bot.charts import render_compact_png
from teamwell.bot.teams.card_forms import (
    ADAPTIVE_CARD,
    Submit,
    card,
    parse_submit,
    render_form_card,
    submit_action,
    task_message,
    task_module,
)
from teamwell.bot.teams.card_text import (
    ELLIPSIS,
    INLINE_RENDERERS,
    TEXT_MAX,
    MentionOf,
    TextEnv,
    clip,
    escape,
    escaped_clip,
    render_text,
)
from teamwell.core.messages import (
    Actions,
    Block,
    Bold,
    Chart,
    Context,
    Divider,
    Header,
    LinkList,
    Message,
    Section,
    Text,
)

__all__ = [
    "ALL_RENDERERS", "BLOCK_RENDERERS", "CARD_BYTES_MAX", "MentionOf", "Submit", "activity_size",
    "parse_submit", "render_activity", "render_form_card", "task_message", "task_module",
]

log = logging.getLogger(__name__)

Element = dict[str, Any]

CARD_BYTES_MAX = 28_000  # Teams refuses bigger cards (28 KB for webhooks, ~40 KB for bots)
HEADER_MAX = 150
FALLBACK_MAX = 4000
IMAGE_ALT_MAX = 1000
MAX_ACTIONS = 6  # Teams shows at most six actions in one set
FACTS_MAX = 20
_IMAGE_SCHEMES = ("https://", "data:image/png;base64,")


class _RenderContext:
    """What block renderers share: the text environment, chart images and a pending divider."""

    def __init__(self, mention_of: MentionOf, images: Mapping[int, str]) -> None:
        self.env = TextEnv(mention_of)
        self.images = images
        self.index = 0  # of the block being rendered, in message.blocks
        self.separate = False  # a Divider asks for a line above the next element

    def text(self, body: Text, **style: Any) -> Element:
        """A wrapping TextBlock of one paragraph."""
        return {"type": "TextBlock", "text": render_text(body, self.env), "wrap": True, **style}


def _header(block: Header, _ctx: _RenderContext) -> list[Element]:
    title = " ".join(block.title.split())
    if not title:
        return []
    return [{"type": "TextBlock", "text": escaped_clip(title, HEADER_MAX), "wrap": True,
             "size": "Large", "weight": "Bolder", "style": "heading"}]


def _section(block: Section, ctx: _RenderContext) -> list[Element]:
    out = [ctx.text(block.body)] if block.body.plain().strip() else []
    if block.button is not None:
        out.append({"type": "ActionSet", "actions": [submit_action(block.button)]})
    return out


def _context(block: Context, ctx: _RenderContext) -> list[Element]:
    if not block.body.plain().strip():
        return []
    return [ctx.text(block.body, isSubtle=True, size="Small")]


def _divider(_block: Divider, ctx: _RenderContext) -> list[Element]:
    # Adaptive Cards have no rule element: the next element draws a separator line instead.
    ctx.separate = True
    return []


def _actions(block: Actions, ctx: _RenderContext) -> list[Element]:
    # More buttons than Teams shows in one set spill into the next set, none are lost.
    actions = [submit_action(b) for b in block.buttons]
    return [{"type": "ActionSet", "actions": actions[i:i + MAX_ACTIONS]}
            for i in range(0, len(actions), MAX_ACTIONS)]


def _link_list(block: LinkList, ctx: _RenderContext) -> list[Element]:
    # A real markdown list: Teams separates list items with a single newline.
    lines = ["- " + render_text(Text((link,)), ctx.env) for link in block.links]
    body = ""
    for line in lines:
        candidate = f"{body}\n{line}" if body else line
        if len(candidate) > TEXT_MAX - len(ELLIPSIS) - 1:
            body = f"{body}\n{ELLIPSIS}"
            break
        body = candidate
    return [{"type": "TextBlock", "text": body, "wrap": True}] if body else []


def _latest(values: tuple[float | None, ...], labels: tuple[str, ...]) -> str:
    for value, label in zip(reversed(values), reversed(labels), strict=True):
        if value is not None:
            return f"{value:.1f} ({label})" if label else f"{value:.1f}"
    return "no figures yet"


def _chart(block: Chart, ctx: _RenderContext) -> list[Element]:
    title, alt = " ".join(block.title.split()), block.alt.strip()
    heading = [ctx.text(Text((Bold(title),)))] if title else []
    url = ctx.images.get(ctx.index, "")
    if url.startswith(_IMAGE_SCHEMES):
        return [*heading, {"type": "Image", "url": url, "msteams": {"allowExpand": True},
                           "altText": clip(alt or title or "Chart", IMAGE_ALT_MAX)}]
    # No picture (it would not fit the card, or could not be drawn): the words say what it
    # shows, and the latest figures of each line follow as a small table.
    out = [*heading, ctx.text(Text((alt,)), isSubtle=True)] if alt else heading
    facts = [{"title": escape(clip(line.name, 100)), "value": escape(_latest(line.values,
                                                                              block.x_labels))}
             for line in block.series[:FACTS_MAX]]
    if facts:
        out.append({"type": "FactSet", "facts": facts})
    return out


BlockRenderer = Callable[[Any, _RenderContext], list[Element]]
BLOCK_RENDERERS: dict[type, BlockRenderer] = {
    Header: _header,
    Section: _section,
    Context: _context,
    Divider: _divider,
    Actions: _actions,
    LinkList: _link_list,
    Chart: _chart,
}
ALL_RENDERERS: dict[type, object] = {**BLOCK_RENDERERS, **INLINE_RENDERERS}


def _body(blocks: tuple[Block, ...], ctx: _RenderContext) -> list[Element]:
    out: list[Element] = []
    for index, block in enumerate(blocks):
        ctx.index = index
        elements = BLOCK_RENDERERS[type(block)](block, ctx)
        if elements and ctx.separate and out:
            elements[0] = {**elements[0], "separator": True, "spacing": "Medium"}
        if elements:
            ctx.separate = False
        out.extend(elements)
    return out


def _first_words(blocks: tuple[Block, ...]) -> str:
    for block in blocks:
        if isinstance(block, Header | Chart) and block.title.strip():
            return block.title
        if isinstance(block, Section | Context) and block.body.plain().strip():
            return block.body.plain()
    return ""


def activity_size(activity: Mapping[str, Any]) -> int:
    """The activity's size in bytes as JSON on the wire."""
    return len(json.dumps(activity, ensure_ascii=False, separators=(",", ":")).encode())


def _activity(fallback: str, body: list[Element], env: TextEnv) -> dict[str, Any]:
    shown = json.dumps(body, ensure_ascii=False)
    # Only mentions still in the card (a cut card may have lost some) keep their entity.
    entities = [e for e in env.entities if json.dumps(e["text"], ensure_ascii=False)[1:-1] in shown]
    plain = clip(" ".join(fallback.split()), FALLBACK_MAX)
    content = card(body, fallbackText=plain)
    if entities:
        content["msteams"] = {**content["msteams"], "entities": entities}
    # No `text`: Teams would show it above the card, saying everything twice. The summary is
    # what notifications and the chat list show.
    return {"type": "message", "summary": plain or ELLIPSIS,
            "attachments": [{"contentType": ADAPTIVE_CARD, "content": content}]}


def _draw(chart: Chart) -> str | None:
    try:
        png = render_compact_png(chart)
    except Exception:  # noqa: BLE001 - a card without its picture beats no card
        log.exception("chart %r could not be drawn; sending its description", chart.title)
        return None
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_activity(message: Message, mention_of: MentionOf,
                    charts: Mapping[int, str] | None = None) -> dict[str, Any]:
    """A Bot Framework message activity: a text fallback and one Adaptive Card with its mentions."""
    fallback = message.fallback.strip() or _first_words(message.blocks)
    images = dict(charts or {})

    def build() -> tuple[dict[str, Any], list[Element], TextEnv]:
        ctx = _RenderContext(mention_of, images)
        # A message of no visible blocks still shows its words rather than an empty card.
        body = _body(message.blocks, ctx) or [
            {"type": "TextBlock", "text": escaped_clip(fallback, TEXT_MAX) or ELLIPSIS,
             "wrap": True}]
        return _activity(fallback, body, ctx.env), body, ctx.env

    activity, body, env = build()
    for index, block in enumerate(message.blocks):
        # A chart the sender did not host goes in as a data URI, only if the card still fits.
        if isinstance(block, Chart) and index not in images and (url := _draw(block)):
            if activity_size(activity) + len(url) > CARD_BYTES_MAX:
                continue
            images[index] = url
            candidate = build()
            if activity_size(candidate[0]) <= CARD_BYTES_MAX:
                activity, body, env = candidate
            else:
                del images[index]
    if activity_size(activity) <= CARD_BYTES_MAX:
        return activity
    log.warning("card of %d bytes cut to fit %d", activity_size(activity), CARD_BYTES_MAX)
    more = {"type": "TextBlock", "text": ELLIPSIS, "wrap": True}
    while body and activity_size(_activity(fallback, [*body, more], env)) > CARD_BYTES_MAX:
        body = body[:-1]
    return _activity(fallback, [*body, more], env)
