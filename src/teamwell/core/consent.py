"""What each person agreed to: the one answer to "may Teamwell do this for them?".

Every job that contacts someone, or tells someone about them, asks `Consents.allows` for the
feature it serves. The choices are the person's own: nobody else can change them, and leaving
one feature never changes another (birthday needs celebrations on as well, because a birthday
is one of the celebrations).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

from teamwell.core.people import Person


class Feature(StrEnum):
    """Something a person can turn on or off; the value is the command word that changes it."""

    PULSES = "pulse"
    CELEBRATIONS = "celebrations"
    BIRTHDAY = "birthday"
    MANAGER_NOTES = "kudos-notices"
    KUDOS_PROMPTS = "kudos-prompts"


# Features that only concern people who manage someone (the nudges they get about their team).
MANAGER_FEATURES = frozenset({Feature.KUDOS_PROMPTS})
_FIELDS = {Feature.PULSES: "pulses", Feature.CELEBRATIONS: "celebrations",
           Feature.BIRTHDAY: "birthday", Feature.MANAGER_NOTES: "manager_notes",
           Feature.KUDOS_PROMPTS: "kudos_prompts"}


@dataclass(frozen=True, slots=True)
class Consents:
    """A person's choices; the defaults are what someone who never chose gets."""

    pulses: bool = True
    celebrations: bool = True
    birthday: bool = False  # a birthday is personal: never without an opt-in
    manager_notes: bool = True
    kudos_prompts: bool = True

    def chose(self, feature: Feature) -> bool:
        """The person's own switch for the feature, as shown to them."""
        value: bool = getattr(self, _FIELDS[feature])
        return value

    def allows(self, feature: Feature) -> bool:
        """May Teamwell do this for (or tell a manager about) this person?"""
        if feature is Feature.BIRTHDAY:
            return self.birthday and self.celebrations
        return self.chose(feature)

    def with_choice(self, feature: Feature, on: bool) -> Consents:
        """A copy with one switch changed."""
        return replace(self, **{_FIELDS[feature]: on})


DEFAULT = Consents()


def parse_feature(word: str) -> Feature | None:
    """The feature a command word names (`pulse`, `birthday`, ...), or None."""
    try:
        return Feature(word.strip().lower())
    except ValueError:
        return None


def features_for(person: Person | None) -> tuple[Feature, ...]:
    """The features that apply to a person (managers have one more), in display order."""
    manager = person is not None and person.is_manager
    return tuple(f for f in Feature if manager or f not in MANAGER_FEATURES)


def allowed(people: Sequence[Person], choices: Mapping[str, Consents],
            feature: Feature) -> list[Person]:
    """The people who allow a feature (those who never chose get the defaults)."""
    return [p for p in people if choices.get(p.id, DEFAULT).allows(feature)]


class ConsentStore(Protocol):
    """Where choices are kept; every method is scoped to one workspace."""

    def of(self, workspace_id: str, person_id: str) -> Consents:
        """The person's choices (defaults when never set)."""
        ...

    def in_workspace(self, workspace_id: str) -> dict[str, Consents]:
        """Every stored person's choices, by person id (others have the defaults)."""
        ...

    def choose(self, workspace_id: str, person_id: str, feature: Feature, on: bool) -> None:
        """Store one of the person's choices."""
        ...
