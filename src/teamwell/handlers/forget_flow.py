"""`forget me` in chat: what will go and what stays, then a confirmation only the person can give.

The confirmation button carries the person's id and an expiry; a click by anyone else, or
after the expiry, erases nothing. The answer to the click goes straight back to the clicker
(an ephemeral message on Slack, the 1:1 chat on Teams) and is never queued or kept.
"""

from __future__ import annotations

from teamwell.core.actions import ActionId
from teamwell.core.audit import Someone
from teamwell.core.data_rights import (
    ANONYMISED,
    DELETED,
    REMAINS,
    bound_value,
    read_bound_value,
)
from teamwell.core.errors import NotAllowed, UnknownAction, UnknownPerson
from teamwell.core.messages import Actions, Bold, Button, Context, Header, Message, Section, text
from teamwell.handlers.data_rights import NOT_FOUND, forget_person
from teamwell.handlers.deps import Deps

CONFIRM_LABEL = "Yes, forget me"
EXPIRED = "That request has expired, so nothing was deleted. Type forget me again to start over."
SOMEONE_ELSE = "Only the person who asked can confirm this. Nothing was deleted."
CANCELLED = "Cancelled: nothing was deleted."


def _bullets(lines: tuple[str, ...]) -> str:
    return "\n".join(f"\u2022 {line}" for line in lines)


def forget_request(deps: Deps, workspace_id: str, person_id: str) -> Message:
    """What `forget me` deletes, what stays in aggregate form, and the buttons to confirm."""
    with deps.uow() as uow:
        if uow.people.get(workspace_id, person_id) is None:
            raise UnknownPerson(NOT_FOUND)
    value = bound_value(person_id, deps.clock.now())
    return Message(
        fallback="Forget me: please confirm what I will delete",
        blocks=(
            Header("Forget me?"),
            Section(text(Bold("Deleted: "), "\n", _bullets(DELETED))),
            Section(text(Bold("Kept without you (nothing in them names you): "), "\n",
                         _bullets(ANONYMISED))),
            Section(text(Bold("What remains: "), "\n", _bullets(REMAINS))),
            Context(text("This cannot be undone. To use Teamwell again later, type rejoin: I "
                         "start a new, empty record. Type mydata first if you want a copy of "
                         "your data. "
                         "This button works for 15 minutes, and only for you.")),
            Actions((Button(CONFIRM_LABEL, ActionId.FORGET_CONFIRM, value, "danger"),
                     Button("Cancel", ActionId.FORGET_CANCEL, value))),
        ),
    )


def _check(deps: Deps, person_id: str, value: str) -> str | None:
    """Why the click may not erase anything, or None when it may."""
    try:
        owner, expires = read_bound_value(value)
    except ValueError as exc:
        raise UnknownAction("Sorry, I don't recognise that button.") from exc
    if owner != person_id:
        raise NotAllowed(SOMEONE_ELSE)
    return EXPIRED if deps.clock.now() >= expires else None


def confirm_forget(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """The "Yes, forget me" button: erase the person, then say what remains."""
    refused = _check(deps, person_id, value)
    if refused:
        return refused
    try:
        report = forget_person(deps, workspace_id, person_id, Someone(person_id))
    except UnknownPerson:
        # Clicked twice (or erased from the command line meanwhile): already done.
        return "Done already: I hold nothing linked to you."
    return ("Done: I have forgotten you. This message is not kept anywhere by me.\n"
            + report.summary())


def cancel_forget(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """The "Cancel" button."""
    _check(deps, person_id, value)
    return CANCELLED
