"""Reading what a person typed to the bot on Teams: the command, and who they @mentioned.

Teams puts each mention in the text as `<at>Name</at>` and names the account in a `mention`
entity. The bot's own mention only addresses the message and is removed; people mentioned after
`kudos` are its receivers, and mentions inside the message stay as "@Name" text.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from botbuilder.schema import Activity

_AT = re.compile(r"<at[^>]*>(.*?)</at>", re.I | re.S)
_LEADING = re.compile(r"^(?:\s*(?:<at[^>]*>.*?</at>|,|and\b|&))+\s*", re.I | re.S)
_PRIVATE = re.compile(r"(?:^\s*private\b|\bprivate\s*$)", re.I)
# People copy commands from the help text, which is written for Slack's /teamwell.
_PREFIX = re.compile(r"^\s*/?(?:teamwell\b\s*)?/?", re.I)
_SPACE = re.compile(r"[ \t\u00a0]+")
# In channels only these may be answered where everyone reads the answer.
SHARED_WORDS = frozenset({"", "help", "?", "privacy"})


@dataclass(frozen=True, slots=True)
class Mentioned:
    """A person @mentioned in a message: Teams user id and the name shown."""

    user_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Typed:
    """A message to the bot: its text without the bot's mention, and the people mentioned."""

    text: str  # still holding the people's <at> tags
    mentions: tuple[Mentioned, ...]
    bot_mentioned: bool

    @property
    def plain(self) -> str:
        """The text with every mention shown as its bare name (for command words)."""
        return _tidy(_AT.sub(lambda m: m.group(1), self.text))

    @property
    def words(self) -> list[str]:
        """The command words, lowercased, with a copied `/teamwell` prefix removed."""
        return _PREFIX.sub("", self.plain, count=1).lower().split()


def _tidy(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(text)).strip()


def _mention_entities(activity: Activity) -> list[dict[str, Any]]:
    found = []
    for entity in activity.entities or []:
        extra = getattr(entity, "additional_properties", None) or {}
        mentioned = extra.get("mentioned")
        if str(getattr(entity, "type", "")).lower() == "mention" and isinstance(mentioned, dict):
            found.append({"text": str(extra.get("text") or ""), "mentioned": mentioned})
    return found


def read_typed(activity: Activity) -> Typed:
    """The text of a message with the bot's own mention removed, and everyone else mentioned."""
    text = str(activity.text or "")
    bot_id = activity.recipient.id if activity.recipient is not None else None
    people: dict[str, Mentioned] = {}
    bot_mentioned = False
    for entity in _mention_entities(activity):
        who = entity["mentioned"]
        user_id, name = str(who.get("id") or ""), str(who.get("name") or "")
        if not user_id:
            continue
        if user_id == bot_id:
            bot_mentioned = True
            tag = entity["text"] or f"<at>{name}</at>"
            text = text.replace(tag, " ", 1)
        elif not user_id.startswith("28:"):  # other bots are never receivers
            people.setdefault(user_id, Mentioned(user_id, name))
    return Typed(text.strip(), tuple(people.values()), bot_mentioned)


def is_kudos_giving(typed: Typed) -> bool:
    """`kudos <something>`, other than `kudos` (mine) or `kudos team` (my reports')."""
    words = typed.words
    return bool(words) and words[0] == "kudos" and words[1:] not in ([], ["team"])


def kudos_message(typed: Typed) -> tuple[str, bool]:
    """The kudos message (leading mentions removed, inner ones as "@Name") and `private`."""
    body = _PREFIX.sub("", typed.text, count=1)
    body = re.sub(r"^\s*kudos\b", "", body, count=1, flags=re.I)
    body = _LEADING.sub("", body)
    body = _AT.sub(lambda m: "@" + m.group(1).strip(), body)
    body = html.unescape(body).replace("\u00a0", " ")
    private = bool(_PRIVATE.search(body))
    body = _PRIVATE.sub("", body).strip()
    return body, private


def is_forget_me(typed: Typed) -> bool:
    """`forget me` (the erasure request the Teams app lists)."""
    return typed.words[:2] == ["forget", "me"]
