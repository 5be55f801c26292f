"""What Teams checks in an Adaptive Card activity, as far as the renderer's output can break it."""

from __future__ import annotations

import re
from typing import Any

from teamwell.bot.teams.cards import CARD_BYTES_MAX, activity_size

ADAPTIVE = "application/vnd.microsoft.card.adaptive"
_AT = re.compile(r"<at>.*?</at>")
_STYLES = {"positive", "destructive", "default"}


def texts(node: Any) -> list[str]:
    """Every markdown text in a card (TextBlock texts, fact titles and values), in order."""
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(node["text"])
        if node.get("type") == "FactSet":
            found.extend(t for f in node["facts"] for t in (f["title"], f["value"]))
        for value in node.values():
            found.extend(texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts(value))
    return found


def _action_reason(action: Any) -> str | None:
    if not isinstance(action, dict) or action.get("type") != "Action.Submit":
        return f"unexpected action {action!r}"
    if not isinstance(action.get("title"), str) or not action["title"].strip():
        return "an action without a title"
    if not isinstance(action.get("data"), dict):
        return "an Action.Submit without object data"
    if action.get("style", "default") not in _STYLES:
        return f"unknown action style {action.get('style')!r}"
    return None


def _element_reason(el: Any, ids: set[str]) -> str | None:
    kind = el.get("type") if isinstance(el, dict) else None
    if kind == "TextBlock":
        return None if isinstance(el.get("text"), str) and el["text"] else "an empty TextBlock"
    if kind == "Image":
        url = el.get("url", "")
        return None if url.startswith(("https://", "data:image/png;base64,")) else "bad image"
    if kind == "FactSet":
        facts = el.get("facts")
        return None if facts and all(f.get("title") and f.get("value") for f in facts) else \
            "a FactSet without facts"
    if kind == "ActionSet":
        if not el.get("actions"):
            return "an empty ActionSet"
        return next(filter(None, map(_action_reason, el["actions"])), None)
    if kind in ("Input.Text", "Input.ChoiceSet"):
        if not el.get("id") or el["id"] in ids:
            return f"an input with a missing or repeated id {el.get('id')!r}"
        ids.add(el["id"])
        if kind == "Input.ChoiceSet" and not isinstance(el.get("choices"), list):
            return "a ChoiceSet without choices"
        return None
    return f"unexpected element {kind!r}"


def invalid_card_reason(card: Any) -> str | None:
    """Why Teams would refuse or misrender this card content, or None when it looks right."""
    if not isinstance(card, dict) or card.get("type") != "AdaptiveCard":
        return "not an AdaptiveCard"
    if card.get("version") != "1.5" or "adaptivecards.io" not in card.get("$schema", ""):
        return "missing version 1.5 or $schema"
    if card.get("msteams", {}).get("width") != "Full":
        return "not full width"
    ids: set[str] = set()
    for el in card.get("body", []):
        reason = _element_reason(el, ids)
        if reason:
            return reason
    for action in card.get("actions", []):
        reason = _action_reason(action)
        if reason:
            return reason
    tags = {tag for text in texts(card["body"]) for tag in _AT.findall(text)}
    entities = {e["text"] for e in card["msteams"].get("entities", [])}
    if tags != entities:
        return f"mention tags {sorted(tags)} do not match entities {sorted(entities)}"
    return None


def invalid_activity_reason(activity: Any) -> str | None:
    """Why the connector would refuse this message activity, or None."""
    if activity.get("type") != "message" or not activity.get("summary"):
        return "not a message with a summary"
    if activity.get("text"):
        return "a card message with text shows it twice (above the card)"
    if "entities" in activity:
        return "activity-level mention entities need their <at> text in the activity text"
    if activity_size(activity) > CARD_BYTES_MAX:
        return f"{activity_size(activity)} bytes is over the {CARD_BYTES_MAX} byte budget"
    attachments = activity.get("attachments")
    if not attachments or len(attachments) != 1 or attachments[0].get("contentType") != ADAPTIVE:
        return "not exactly one Adaptive Card attachment"
    return invalid_card_reason(attachments[0]["content"])


def card_of(activity: dict[str, Any]) -> dict[str, Any]:
    """The Adaptive Card inside an activity."""
    content: dict[str, Any] = activity["attachments"][0]["content"]
    return content
