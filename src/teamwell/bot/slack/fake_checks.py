"""The Block Kit checks the fake Slack API applies, so renderer bugs fail tests as in Slack."""

from __future__ import annotations

from typing import Any

MESSAGE_BLOCKS_MAX = 50
VIEW_BLOCKS_MAX = 100
_LIMITS = {"header": 150, "section": 3000, "context": 3000, "button": 75, "title": 24,
           "image": 2000}
_KNOWN = {"header", "section", "context", "divider", "actions", "input", "image", "rich_text"}


def _text_error(obj: Any, limit: int, where: str, plain_only: bool = False) -> str | None:
    if not isinstance(obj, dict) or obj.get("type") not in ("plain_text", "mrkdwn"):
        return f"{where}: must be a text object"
    if plain_only and obj["type"] != "plain_text":
        return f"{where}: must be plain_text"
    text = obj.get("text")
    if not isinstance(text, str) or not text:
        return f"{where}: text must be at least 1 character"
    if len(text) > limit:
        return f"{where}: text must be at most {limit} characters"
    return None


def _element_error(element: Any, where: str, action_ids: set[str]) -> str | None:
    if not isinstance(element, dict):
        return f"{where}: must be an object"
    action_id = element.get("action_id")
    if action_id is not None:
        if action_id in action_ids:
            return f"{where}: action_id {action_id!r} is not unique in this message"
        action_ids.add(action_id)
    if element.get("type") == "button":
        return _text_error(element.get("text"), _LIMITS["button"], where, plain_only=True)
    return None


def _image_error(block: dict[str, Any], where: str) -> str | None:
    alt = block.get("alt_text")
    if not isinstance(alt, str) or not 1 <= len(alt) <= _LIMITS["image"]:
        return f"{where}: alt_text must be 1 to {_LIMITS['image']} characters"
    if ("image_url" in block) == ("slack_file" in block):
        return f"{where}: an image needs exactly one of image_url and slack_file"
    ref = block.get("slack_file")
    if "slack_file" in block and (not isinstance(ref, dict) or ("id" in ref) == ("url" in ref)):
        return f"{where}: a slack_file needs exactly one of id and url"
    if "title" in block:
        return _text_error(block["title"], _LIMITS["image"], f"{where}.title", plain_only=True)
    return None


def _block_error(block: Any, where: str, action_ids: set[str]) -> str | None:
    if not isinstance(block, dict) or block.get("type") not in _KNOWN:
        return f"{where}: unknown block type"
    kind = block["type"]
    if kind == "header":
        return _text_error(block.get("text"), _LIMITS["header"], where, plain_only=True)
    if kind == "section":
        if "text" not in block and "fields" not in block:
            return f"{where}: a section needs text or fields"
        if "text" in block and (err := _text_error(block["text"], _LIMITS["section"], where)):
            return err
        if "accessory" in block:
            return _element_error(block["accessory"], f"{where}.accessory", action_ids)
    if kind == "context":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 10:
            return f"{where}: a context needs 1 to 10 elements"
        for i, el in enumerate(elements):
            if err := _text_error(el, _LIMITS["context"], f"{where}.elements[{i}]"):
                return err
    if kind == "actions":
        elements = block.get("elements")
        if not isinstance(elements, list) or not 1 <= len(elements) <= 25:
            return f"{where}: an actions block needs 1 to 25 elements"
        for i, el in enumerate(elements):
            if err := _element_error(el, f"{where}.elements[{i}]", action_ids):
                return err
    if kind == "image":
        return _image_error(block, where)
    if kind == "input" and not isinstance(block.get("element"), dict):
        return f"{where}: an input needs an element"
    return None


def invalid_blocks_reason(blocks: Any, max_blocks: int = MESSAGE_BLOCKS_MAX) -> str | None:
    """Why Slack would refuse these blocks, or None when they look valid."""
    if not isinstance(blocks, list):
        return "blocks must be a list"
    if len(blocks) > max_blocks:
        return f"no more than {max_blocks} items allowed"
    action_ids: set[str] = set()
    for i, block in enumerate(blocks):
        if err := _block_error(block, f"[{i}]", action_ids):
            return err
    return None


def invalid_view_reason(view: Any) -> str | None:
    """Why Slack would refuse this view (modal or home), or None."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return "view type must be modal or home"
    if view["type"] == "modal":
        if err := _text_error(view.get("title"), _LIMITS["title"], "title", plain_only=True):
            return err
        for key in ("submit", "close"):
            if key in view and (err := _text_error(view[key], _LIMITS["title"], key, True)):
                return err
        if len(str(view.get("private_metadata", ""))) > 3000:
            return "private_metadata must be at most 3000 characters"
    return invalid_blocks_reason(view.get("blocks", []), VIEW_BLOCKS_MAX)
