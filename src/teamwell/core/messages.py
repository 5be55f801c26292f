"""Platform-neutral outbound messages: each platform renders every block type.

Plain strings inside a message are always text, never markup: renderers escape them, so text a
person typed can never ping a channel or show a link they did not write. Markup the bot means
(bold, a mention, a link) is spelled with the small inline types below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from teamwell.core.actions import ActionId


@dataclass(frozen=True, slots=True)
class Bold:
    """Emphasised plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Mention:
    """A mention of a person in the directory, resolved by the renderer."""

    person_id: str


@dataclass(frozen=True, slots=True)
class Link:
    """A link the bot itself chose to show (never built from user input)."""

    url: str
    label: str


Inline = str | Bold | Mention | Link


@dataclass(frozen=True, slots=True)
class Text:
    """A paragraph made of inline parts."""

    parts: tuple[Inline, ...]

    def plain(self, names: dict[str, str] | None = None) -> str:
        """The paragraph as plain text (mentions as names when known)."""
        out: list[str] = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
            elif isinstance(part, Bold):
                out.append(part.text)
            elif isinstance(part, Mention):
                out.append("@" + (names or {}).get(part.person_id, "someone"))
            else:
                out.append(f"{part.label} ({part.url})")
        return "".join(out)


def text(*parts: Inline) -> Text:
    """Build a paragraph from inline parts."""
    return Text(tuple(parts))


def say(line: str) -> Message:
    """A message of one plain paragraph (its own fallback)."""
    return Message(fallback=line, blocks=(Section(text(line)),))


def mention_list(person_ids: Sequence[str]) -> list[Inline]:
    """Mentions joined the way people write them: "@a", "@a and @b", "@a, @b and @c"."""
    parts: list[Inline] = []
    for index, person_id in enumerate(person_ids):
        if index:
            parts.append(" and " if index == len(person_ids) - 1 else ", ")
        parts.append(Mention(person_id))
    return parts


ButtonStyle = Literal["primary", "danger", "default"]


@dataclass(frozen=True, slots=True)
class Button:
    """A button; value carries the context the handler needs (never trusted on its own)."""

    label: str
    action: ActionId
    value: str = ""
    style: ButtonStyle = "default"


@dataclass(frozen=True, slots=True)
class Header:
    """A short title line."""

    title: str


@dataclass(frozen=True, slots=True)
class Section:
    """A paragraph, optionally with one button beside it."""

    body: Text
    button: Button | None = None


@dataclass(frozen=True, slots=True)
class Context:
    """Small print, such as who can see an answer."""

    body: Text


@dataclass(frozen=True, slots=True)
class Divider:
    """A horizontal rule."""


@dataclass(frozen=True, slots=True)
class Actions:
    """A row of buttons."""

    buttons: tuple[Button, ...]


@dataclass(frozen=True, slots=True)
class LinkList:
    """A list of resource links."""

    links: tuple[Link, ...]


@dataclass(frozen=True, slots=True)
class ChartSeries:
    """One line of a chart: a value per x label, None where there is no figure."""

    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A line chart of weekly figures, rendered as an image; alt says the same in words."""

    title: str
    x_labels: tuple[str, ...]
    series: tuple[ChartSeries, ...]
    alt: str
    y_min: float = 1.0
    y_max: float = 5.0

    def __post_init__(self) -> None:
        for line in self.series:
            if len(line.values) != len(self.x_labels):
                raise ValueError(f"chart series {line.name!r} needs one value per x label")


Block = Header | Section | Context | Divider | Actions | LinkList | Chart
BLOCK_TYPES: tuple[type, ...] = (Header, Section, Context, Divider, Actions, LinkList, Chart)


@dataclass(frozen=True, slots=True)
class Message:
    """An outbound message: fallback text for notifications plus blocks."""

    fallback: str
    blocks: tuple[Block, ...] = ()


@dataclass(frozen=True, slots=True)
class TextField:
    """A free-text input in a form."""

    id: str
    label: str
    multiline: bool = False
    optional: bool = False
    max_length: int = 3000
    hint: str = ""


@dataclass(frozen=True, slots=True)
class PeopleField:
    """A picker of people in the workspace (the platform's own user picker)."""

    id: str
    label: str
    max_people: int = 10


@dataclass(frozen=True, slots=True)
class ChoiceField:
    """One choice among fixed options: (value, label) pairs."""

    id: str
    label: str
    options: tuple[tuple[str, str], ...]
    optional: bool = False
    initial: str | None = None


FormField = TextField | PeopleField | ChoiceField


@dataclass(frozen=True, slots=True)
class Form:
    """A form (Slack modal / Teams task module) submitted back to one action."""

    title: str
    submit_label: str
    callback: ActionId
    context: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)
    intro: Text | None = None


# --- JSON codec: the outbox stores messages as JSON and renders them at send time. ---

_CODEC: dict[str, type] = {
    cls.__name__: cls
    for cls in (Bold, Mention, Link, Text, Button, Header, Section, Context, Divider, Actions,
                LinkList, ChartSeries, Chart, Message, TextField, PeopleField, ChoiceField, Form)
}


def to_json(obj: object) -> Any:
    """Encode a message (or any part of one) as JSON-ready data."""
    if isinstance(obj, str | int | float | bool) or obj is None:
        return obj
    if isinstance(obj, tuple):
        return [to_json(item) for item in obj]
    name = type(obj).__name__
    if name not in _CODEC:
        raise TypeError(f"cannot encode {name}")
    data: dict[str, Any] = {"_": name}
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        data[f.name] = str(value) if isinstance(value, ActionId) else to_json(value)
    return data


def from_json(data: Any) -> Any:
    """Decode what to_json produced."""
    if isinstance(data, list):
        return tuple(from_json(item) for item in data)
    if not isinstance(data, dict):
        return data
    cls = _CODEC[data["_"]]
    kwargs = {k: from_json(v) for k, v in data.items() if k != "_"}
    for key in ("action", "callback"):
        if key in kwargs:
            kwargs[key] = ActionId(kwargs[key])
    return cls(**kwargs)


def message_from_json(data: Any) -> Message:
    """Decode a Message, refusing anything else."""
    decoded = from_json(data)
    if not isinstance(decoded, Message):
        raise TypeError("not a message")
    return decoded


def mentioned_people(obj: object) -> set[str]:
    """Every person id mentioned anywhere in a message, block or tuple of blocks."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("_") == Mention.__name__:
                found.add(str(node["person_id"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(to_json(obj))
    return found
