"""A person's choices: shown by `/teamwell consents` and the Home tab, changed by either.

Teams has no Home tab, so every switch there is also a command (the same `command_reply`).
Changes are not written to the audit log: it records who looked at other people's data and
what admins changed, and an indefinite, append-only trail of someone's own opt-outs (which an
admin can link back to them while their pseudonym lives) would tell more than it protects.
"""

from __future__ import annotations

from collections.abc import Sequence

from teamwell.core.consent import Consents, Feature, allowed, features_for, parse_feature
from teamwell.core.consent_views import change_reply, consent_home_blocks, consents_message
from teamwell.core.errors import UnknownAction
from teamwell.core.messages import Block, Message
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps

ON_WORDS = frozenset({"on", "in", "start", "yes"})
OFF_WORDS = frozenset({"off", "out", "stop", "no"})


def set_choice(deps: Deps, workspace_id: str, person_id: str, feature: Feature,
               on: bool) -> str:
    """Turn one of the person's features on or off; returns the reply for them."""
    with deps.uow() as uow:
        uow.consents.choose(workspace_id, person_id, feature, on)
        uow.commit()
    return change_reply(feature, on)


def choice_command(deps: Deps, workspace_id: str, person_id: str,
                   words: Sequence[str]) -> str | None:
    """`pulse off`, `birthday on`, ...: the reply, or None when the words change nothing."""
    feature = parse_feature(words[0]) if words else None
    if feature is None or len(words) < 2 or words[1] not in ON_WORDS | OFF_WORDS:
        return None
    return set_choice(deps, workspace_id, person_id, feature, words[1] in ON_WORDS)


def choice_button(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """A Home tab switch (value: feature|on or feature|off), the same as the command."""
    what, _, state = value.partition("|")
    feature = parse_feature(what)
    if feature is None or state not in ("on", "off"):
        raise UnknownAction("That button isn't one I know.")
    return set_choice(deps, workspace_id, person_id, feature, state == "on")


def _mine(deps: Deps, workspace_id: str, person_id: str) -> tuple[Consents, tuple[Feature, ...]]:
    with deps.uow() as uow:
        person = uow.people.get(workspace_id, person_id)
        consents = uow.consents.of(workspace_id, person_id)
    return consents, features_for(person)


def consents_reply(deps: Deps, workspace_id: str, person_id: str) -> Message:
    """`/teamwell consents`: each feature, whether it is on, and how to change it."""
    return consents_message(*_mine(deps, workspace_id, person_id))


def choices_home_blocks(deps: Deps, workspace_id: str, person_id: str) -> tuple[Block, ...]:
    """The Home tab's "Your choices" section, with an on/off button per feature."""
    return consent_home_blocks(*_mine(deps, workspace_id, person_id))


def consents_of(uow: UnitOfWork, workspace_id: str, person_id: str) -> Consents:
    """The person's choices, read in the caller's transaction."""
    return uow.consents.of(workspace_id, person_id)


def allowing(uow: UnitOfWork, workspace_id: str, people: Sequence[Person],
             feature: Feature) -> list[Person]:
    """The people who allow a feature, read in the caller's transaction."""
    return allowed(people, uow.consents.in_workspace(workspace_id), feature)
