"""The Give-kudos form and the Home tab's recognition section."""

from __future__ import annotations

from teamwell.core.actions import ActionId
from teamwell.core.kudos import KUDOS_MAX_LENGTH, KudosSettings
from teamwell.core.messages import (
    Block,
    Button,
    ChoiceField,
    Form,
    Header,
    PeopleField,
    Section,
    TextField,
    text,
)
from teamwell.surveys.values import CompanyValues

RECEIVERS, MESSAGE, VALUE, WHERE = "receivers", "message", "value", "where"
PUBLIC, PRIVATE = "public", "private"


def kudos_form(values: CompanyValues, settings: KudosSettings, has_channel: bool) -> Form:
    """The modal: who, what for, which value, and where it is shown."""
    fields: list[TextField | PeopleField | ChoiceField] = [
        PeopleField(RECEIVERS, "Who would you like to thank?"),
        TextField(MESSAGE, "What did they do?", multiline=True, max_length=KUDOS_MAX_LENGTH),
        ChoiceField(VALUE, "Which company value does it show?",
                    tuple((v.id, v.label) for v in values.all()),
                    optional=not settings.value_required),
    ]
    if has_channel:
        fields.append(ChoiceField(
            WHERE, "Where should it appear?",
            ((PUBLIC, "In the recognition channel"), (PRIVATE, "Only to them")),
            initial=PUBLIC if settings.public_by_default else PRIVATE))
    return Form(title="Give kudos", submit_label="Send", callback=ActionId.KUDOS_SUBMIT,
                context="", fields=tuple(fields),
                intro=text("They get a message from me; their manager a short note unless "
                           "they turned that off."))


def kudos_home_blocks() -> tuple[Block, ...]:
    """The Home tab's recognition section."""
    return (Header("Recognition"),
            Section(text("Thank a colleague for something they did (also: /kudos @name ...)."),
                    Button("Give kudos", ActionId.KUDOS_OPEN, "open", "primary")))
