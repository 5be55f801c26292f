"""Render platform-neutral messages as Slack Block Kit, escaping everything a person typed.

Every plain string is escaped (`&`, `<`, `>`), so text a person typed can never ping a channel,
mention someone or show a link; markup the bot means comes only from Bold, Mention and Link.
Slack's size limits are respected by truncating with an ellipsis: a long message is better
delivered shortened than refused as `invalid_blocks`.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from teamwell.bot.slack.mrkdwn import (
    ELLIPSIS,
    INLINE_RENDERERS,
    SECTION_TEXT_MAX,
    MentionResolver,
    clip,
    escape,
    escaped_prefix,
    render_text,
)
from teamwell.core.actions import ActionId
from teamwell.core.messages import (
    Actions,
    Block,
    Bold,
    Button,
    Chart,
    ChoiceField,
    Context,
    Divider,
    Form,
    FormField,
    Header,
    LinkList,
    Message,
    PeopleField,
    Section,
    Text,
)

__all__ = [
    "ALL_RENDERERS", "BLOCK_RENDERERS", "ChartFiles", "MentionResolver", "action_pattern",
    "base_action_id", "escape", "render_blocks", "render_form", "render_message", "render_text",
]

log = logging.getLogger(__name__)

SlackBlock = dict[str, Any]

HEADER_MAX = 150
BUTTON_TEXT_MAX = 75
MAX_BLOCKS = 50
MAX_ACTIONS = 25
FALLBACK_MAX = 4000
MODAL_TITLE_MAX = 24
MODAL_BLOCKS_MAX = 100
LABEL_MAX = 2000
METADATA_MAX = 3000
OPTION_TEXT_MAX = 75
OPTIONS_MAX = 100
IMAGE_TEXT_MAX = 2000  # an image block's alt_text and title

# The Slack file id of each chart's uploaded picture (see uploads.py).
ChartFiles = Mapping[Chart, str]

_SUFFIX = re.compile(r":\d+$")


def base_action_id(action_id: str) -> str:
    """Strip the `:<n>` suffix that keeps repeated action ids unique within one message."""
    return _SUFFIX.sub("", action_id)


def action_pattern(action: ActionId) -> re.Pattern[str]:
    """The regex a Bolt listener uses to match an action id with or without its suffix."""
    return re.compile(rf"^{re.escape(action.value)}(:\d+)?$")


def _never(_person_id: str) -> str | None:
    return None


def _plain(s: str, limit: int) -> dict[str, Any]:
    # plain_text is never parsed by Slack, so it is clipped but not escaped.
    return {"type": "plain_text", "text": clip(s, limit) or ELLIPSIS, "emoji": True}


def _mrkdwn_object(s: str) -> dict[str, Any]:
    # verbatim stops Slack auto-linking URLs and #channel names inside text a person typed.
    return {"type": "mrkdwn", "text": s, "verbatim": True}


# --- blocks ---


class _RenderContext:
    """What block renderers share: the mention resolver, chart files and unique action ids."""

    def __init__(self, blocks: tuple[Block, ...], mention: MentionResolver,
                 files: ChartFiles | None = None) -> None:
        self.mention = mention
        self.files = files or {}
        counts = Counter(button.action for button in _buttons(blocks))
        self._repeated = {action for action, n in counts.items() if n > 1}
        self._used: Counter[ActionId] = Counter()

    def action_id(self, action: ActionId) -> str:
        """Slack needs unique action ids per message: repeated ones get a `:<n>` suffix."""
        if action not in self._repeated:
            return action.value
        n = self._used[action]
        self._used[action] += 1
        return f"{action.value}:{n}"


def _buttons(blocks: tuple[Block, ...]) -> Iterator[Button]:
    for block in blocks:
        if isinstance(block, Section) and block.button is not None:
            yield block.button
        elif isinstance(block, Actions):
            yield from block.buttons


def _button(button: Button, ctx: _RenderContext) -> SlackBlock:
    out: SlackBlock = {
        "type": "button",
        "text": _plain(button.label.strip(), BUTTON_TEXT_MAX),
        "action_id": ctx.action_id(button.action),
    }
    if button.value:
        out["value"] = button.value
    if button.style in ("primary", "danger"):
        out["style"] = button.style
    return out


def _header(block: Header, _ctx: _RenderContext) -> list[SlackBlock]:
    if not block.title.strip():
        return []
    return [{"type": "header", "text": _plain(block.title, HEADER_MAX)}]


def _section(block: Section, ctx: _RenderContext) -> list[SlackBlock]:
    body = render_text(block.body, ctx.mention)
    if not body.strip() and block.button is None:
        return []
    out: SlackBlock = {"type": "section", "text": _mrkdwn_object(body or "\u200b")}
    if block.button is not None:
        out["accessory"] = _button(block.button, ctx)
    return [out]


def _context(block: Context, ctx: _RenderContext) -> list[SlackBlock]:
    body = render_text(block.body, ctx.mention)
    if not body.strip():
        return []
    return [{"type": "context", "elements": [_mrkdwn_object(body)]}]


def _divider(_block: Divider, _ctx: _RenderContext) -> list[SlackBlock]:
    return [{"type": "divider"}]


def _actions(block: Actions, ctx: _RenderContext) -> list[SlackBlock]:
    # More buttons than one actions block holds spill into the next block, none are lost.
    elements = [_button(b, ctx) for b in block.buttons]
    return [{"type": "actions", "elements": elements[i:i + MAX_ACTIONS]}
            for i in range(0, len(elements), MAX_ACTIONS)]


def _link_list(block: LinkList, ctx: _RenderContext) -> list[SlackBlock]:
    lines = [render_text(Text(("• ", link)), ctx.mention) for link in block.links]
    body = ""
    for line in lines:
        candidate = f"{body}\n{line}" if body else line
        if len(candidate) > SECTION_TEXT_MAX - len(ELLIPSIS) - 1:
            body = f"{body}\n{ELLIPSIS}"
            break
        body = candidate
    return [{"type": "section", "text": _mrkdwn_object(body)}] if body else []


def _chart(block: Chart, ctx: _RenderContext) -> list[SlackBlock]:
    title, alt = block.title.strip(), block.alt.strip()
    file_id = ctx.files.get(block)
    if file_id is None:
        # Not uploaded (a preview, or Slack refused the file): the words say what it shows.
        parts: list[str | Bold] = [Bold(title)] if title else []
        if alt:
            parts += ["\n", alt] if parts else [alt]
        body = render_text(Text(tuple(parts)), ctx.mention)
        return [{"type": "context", "elements": [_mrkdwn_object(body)]}] if parts else []
    out: SlackBlock = {"type": "image", "slack_file": {"id": file_id},
                       "alt_text": clip(alt or title or "Chart", IMAGE_TEXT_MAX)}
    if title:
        out["title"] = _plain(title, IMAGE_TEXT_MAX)
    return [out]


BlockRenderer = Callable[[Any, _RenderContext], list[SlackBlock]]
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


def render_blocks(blocks: tuple[Block, ...], mention: MentionResolver,
                  files: ChartFiles | None = None) -> list[SlackBlock]:
    """Render blocks (a message body or an App Home view) within Slack's 50-block limit."""
    ctx = _RenderContext(blocks, mention, files)
    out: list[SlackBlock] = []
    for block in blocks:
        out.extend(BLOCK_RENDERERS[type(block)](block, ctx))
    if len(out) > MAX_BLOCKS:
        log.warning("message has %d Slack blocks; truncated to %d", len(out), MAX_BLOCKS)
        out = out[: MAX_BLOCKS - 1] + [{"type": "context", "elements": [_mrkdwn_object(ELLIPSIS)]}]
    return out


def render_message(message: Message, mention: MentionResolver,
                   files: ChartFiles | None = None) -> tuple[str, list[SlackBlock]]:
    """Render a message as (escaped fallback text, Block Kit blocks); charts need their files."""
    fallback = message.fallback.strip() or _first_words(message.blocks)
    text = escaped_prefix(fallback, FALLBACK_MAX)
    if len(text) < len(escape(fallback)):
        text = escaped_prefix(fallback, FALLBACK_MAX - len(ELLIPSIS)) + ELLIPSIS
    return text or ELLIPSIS, render_blocks(message.blocks, mention, files)


def _first_words(blocks: tuple[Block, ...]) -> str:
    for block in blocks:
        if isinstance(block, Header | Chart) and block.title.strip():
            return block.title
        if isinstance(block, Section | Context) and block.body.plain().strip():
            return block.body.plain()
    return ""


def _input(field: FormField) -> SlackBlock:
    if isinstance(field, PeopleField):
        return {"type": "input", "block_id": field.id, "label": _plain(field.label, LABEL_MAX),
                "element": {"type": "multi_users_select", "action_id": field.id,
                            "max_selected_items": field.max_people}}
    if isinstance(field, ChoiceField):
        options = [{"text": _plain(label, OPTION_TEXT_MAX), "value": value}
                   for value, label in field.options[:OPTIONS_MAX]]
        element: SlackBlock = {"type": "static_select", "action_id": field.id,
                               "options": options}
        initial = next((o for o in options if o["value"] == field.initial), None)
        if initial is not None:
            element["initial_option"] = initial
        return {"type": "input", "block_id": field.id, "optional": field.optional,
                "label": _plain(field.label, LABEL_MAX), "element": element}
    out: SlackBlock = {
        "type": "input",
        "block_id": field.id,
        "optional": field.optional,
        "label": _plain(field.label, LABEL_MAX),
        "element": {
            "type": "plain_text_input",
            "action_id": field.id,
            "multiline": field.multiline,
            "max_length": max(1, min(field.max_length, SECTION_TEXT_MAX)),
        },
    }
    if field.hint:
        out["hint"] = _plain(field.hint, LABEL_MAX)
    return out


def render_form(form: Form, mention: MentionResolver = _never) -> dict[str, Any]:
    """Render a form as a Slack modal view."""
    if len(form.context) > METADATA_MAX:
        # The context is data the submit handler needs: cutting it would corrupt it.
        raise ValueError(f"form context is {len(form.context)} chars; Slack keeps {METADATA_MAX}")
    blocks: list[SlackBlock] = []
    if form.intro is not None:
        blocks.extend(_section(Section(form.intro), _RenderContext((), mention)))
    blocks.extend(_input(f) for f in form.fields)
    return {
        "type": "modal",
        "callback_id": form.callback.value,
        "private_metadata": form.context,
        "title": _plain(form.title, MODAL_TITLE_MAX),
        "submit": _plain(form.submit_label, MODAL_TITLE_MAX),
        "close": _plain("Cancel", MODAL_TITLE_MAX),
        "blocks": blocks[:MODAL_BLOCKS_MAX],
    }
