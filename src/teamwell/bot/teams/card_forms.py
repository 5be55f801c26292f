"""Buttons, forms as Teams task modules (dialogs), and reading what a card submits back.

A button is an `Action.Submit` whose data names one of our action ids (`tw_action`) and its
value (`tw_value`); a button that opens a form also asks Teams for a `task/fetch` invoke. A form
submits `tw_action` (its callback), `tw_context` and, merged in by Teams, each input by its id.
Nothing read back is trusted: handlers check every id and value as they would from Slack.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from teamwell.bot.teams.card_text import ELLIPSIS, MentionOf, TextEnv, clip, render_text
from teamwell.core.actions import OPENS_FORM, ActionId
from teamwell.core.messages import Button, ChoiceField, Form, FormField, PeopleField

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
BUTTON_TEXT_MAX = 75
LABEL_MAX = 2000
OPTION_TEXT_MAX = 150
OPTIONS_MAX = 100
TITLE_MAX = 64
CONTEXT_MAX = 3000  # as on Slack, so a form behaves the same on both platforms
TASK_MESSAGE_MAX = 500
ACTION, VALUE, CONTEXT, PEOPLE = "tw_action", "tw_value", "tw_context", "tw_people"
_STYLES = {"primary": "positive", "danger": "destructive"}
_RESERVED = ("tw_", "msteams")


def card(body: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """An Adaptive Card 1.5 with this body, full width in Teams."""
    return {"type": "AdaptiveCard", "$schema": SCHEMA, "version": VERSION, "body": body,
            "msteams": {"width": "Full"}, **extra}


def submit_action(button: Button) -> dict[str, Any]:
    """A button as an Action.Submit carrying its action id and value."""
    data: dict[str, Any] = {ACTION: button.action.value, VALUE: button.value}
    if button.action in OPENS_FORM:
        data["msteams"] = {"type": "task/fetch"}
    out: dict[str, Any] = {"type": "Action.Submit",
                           "title": clip(button.label.strip(), BUTTON_TEXT_MAX) or ELLIPSIS,
                           "data": data}
    if button.style in _STYLES:
        out["style"] = _STYLES[button.style]
    return out


def _input(field: FormField) -> dict[str, Any]:
    # Input labels, placeholders and choice titles are plain text: clipped, never escaped.
    out: dict[str, Any] = {"id": field.id, "label": clip(field.label, LABEL_MAX)}
    if isinstance(field, PeopleField):
        # The handler still checks max_people: Teams' picker only knows one or many.
        return {"type": "Input.ChoiceSet", **out, "isRequired": True, "choices": [],
                "choices.data": {"type": "Data.Query", "dataset": "graph.microsoft.com/users"},
                "isMultiSelect": field.max_people > 1}
    if isinstance(field, ChoiceField):
        out = {"type": "Input.ChoiceSet", **out, "style": "compact",
               "isRequired": not field.optional,
               "choices": [{"title": clip(label, OPTION_TEXT_MAX), "value": value}
                           for value, label in field.options[:OPTIONS_MAX]]}
        if field.initial is not None and any(v == field.initial for v, _ in field.options):
            out["value"] = field.initial
        return out
    out = {"type": "Input.Text", **out, "isMultiline": field.multiline,
           "maxLength": max(1, field.max_length), "isRequired": not field.optional}
    if field.hint:
        out["placeholder"] = clip(field.hint, LABEL_MAX)
    return out


def _no_one(_person_id: str) -> tuple[str, str] | None:
    return None


def render_form_card(form: Form, mention_of: MentionOf | None = None) -> dict[str, Any]:
    """An Adaptive Card (content dict) with the form's inputs and a submit action."""
    if len(form.context) > CONTEXT_MAX:
        # The context is data the submit handler needs: cutting it would corrupt it.
        raise ValueError(f"form context is {len(form.context)} chars; the limit is {CONTEXT_MAX}")
    clash = [f.id for f in form.fields if f.id.startswith(_RESERVED)]
    if clash:
        raise ValueError(f"form field ids {clash} clash with the submit data's own keys")
    body: list[dict[str, Any]] = []
    if form.intro is not None and form.intro.plain().strip():
        # A dialog shows no mention entities, so people appear by name.
        env = TextEnv(mention_of or _no_one, names_only=True)
        body.append({"type": "TextBlock", "text": render_text(form.intro, env), "wrap": True})
    body.extend(_input(f) for f in form.fields)
    data: dict[str, Any] = {ACTION: form.callback.value, CONTEXT: form.context}
    people = [f.id for f in form.fields if isinstance(f, PeopleField)]
    if people:
        data[PEOPLE] = people  # which inputs arrive as comma-separated ids, for parse_submit
    submit = {"type": "Action.Submit", "title": clip(form.submit_label, BUTTON_TEXT_MAX),
              "style": "positive", "data": data}
    return card(body, actions=[submit])


def task_module(form: Form, mention_of: MentionOf | None = None) -> dict[str, Any]:
    """The invoke answer that opens the form as a Teams task module (dialog)."""
    content = render_form_card(form, mention_of)
    return {"task": {"type": "continue", "value": {
        "title": clip(form.title, TITLE_MAX),
        "card": {"contentType": ADAPTIVE_CARD, "content": content},
    }}}


def task_message(text: str) -> dict[str, Any]:
    """The invoke answer that closes a task module showing a short message."""
    return {"task": {"type": "message",
                     "value": clip(" ".join(text.split()), TASK_MESSAGE_MAX) or ELLIPSIS}}


@dataclass(frozen=True, slots=True)
class Submit:
    """What a Teamwell card or dialog sent back."""

    action: ActionId | None  # None when the id is not one of ours (old card, tampering)
    raw_action: str
    value: str  # Button.value
    context: str  # Form.context
    fields: dict[str, str | list[str]]  # form input values by field id


def _payload(data: object) -> Mapping[str, Any] | None:
    # A message's Action.Submit value is the data itself; task/fetch and task/submit wrap it
    # in {"data": ...}, Action.Execute in {"action": {"data": ...}}.
    if not isinstance(data, Mapping):
        return None
    if ACTION in data:
        return data
    action = data.get("action")
    inner = data.get("data", action.get("data") if isinstance(action, Mapping) else None)
    return inner if isinstance(inner, Mapping) and ACTION in inner else None


def _strings(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def parse_submit(data: object) -> Submit | None:
    """Read an Action.Submit / task/submit payload; None when it is not a Teamwell submit."""
    payload = _payload(data)
    if payload is None:
        return None
    raw, value, context = (payload.get(ACTION), payload.get(VALUE, ""),
                           payload.get(CONTEXT, ""))
    people = _strings(payload.get(PEOPLE, []))
    if not (isinstance(raw, str) and raw and isinstance(value, str)
            and isinstance(context, str) and people is not None):
        return None
    fields: dict[str, str | list[str]] = {}
    for key, got in payload.items():
        if not isinstance(key, str) or key.startswith(_RESERVED):
            continue
        if key in people and isinstance(got, str):
            # Teams' people picker sends the chosen AAD object ids joined by commas.
            fields[key] = [part.strip() for part in got.split(",") if part.strip()]
        elif isinstance(got, str):
            fields[key] = got
        elif (many := _strings(got)) is not None:
            fields[key] = many
    try:
        action: ActionId | None = ActionId(raw)
    except ValueError:
        action = None
    return Submit(action, raw, value, context, fields)
