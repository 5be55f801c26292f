"""The one place that answers "may Teamwell do this for this person?"."""

from __future__ import annotations

from teamwell.core.consent import DEFAULT, Consents, Feature, allowed, features_for, parse_feature
from teamwell.core.consent_views import consent_home_blocks, consents_message
from teamwell.core.messages import Section
from teamwell.core.people import Person, Role


def test_someone_who_never_chose_gets_everything_but_their_birthday() -> None:
    consents = Consents()

    allows = {f: consents.allows(f) for f in Feature}

    assert allows == {Feature.PULSES: True, Feature.CELEBRATIONS: True, Feature.BIRTHDAY: False,
                      Feature.MANAGER_NOTES: True, Feature.KUDOS_PROMPTS: True}


def test_a_birthday_needs_its_own_opt_in_and_celebrations_left_on() -> None:
    opted_in = DEFAULT.with_choice(Feature.BIRTHDAY, True)

    left_out = opted_in.with_choice(Feature.CELEBRATIONS, False)

    assert opted_in.allows(Feature.BIRTHDAY)
    assert not left_out.allows(Feature.BIRTHDAY)
    assert left_out.chose(Feature.BIRTHDAY), "the opt-in is kept for when celebrations return"


def test_turning_one_feature_off_changes_no_other() -> None:
    for feature in Feature:
        changed = DEFAULT.with_choice(feature, not DEFAULT.chose(feature))

        others = {f: changed.chose(f) for f in Feature if f is not feature}

        assert others == {f: DEFAULT.chose(f) for f in Feature if f is not feature}


def test_command_words_name_features_and_anything_else_names_none() -> None:
    assert [parse_feature(w) for w in ("pulse", "Birthday", "kudos-notices", "kudos-prompts")] \
        == [Feature.PULSES, Feature.BIRTHDAY, Feature.MANAGER_NOTES, Feature.KUDOS_PROMPTS]
    assert parse_feature("results") is None and parse_feature("") is None


def test_only_managers_are_offered_recognition_prompts() -> None:
    employee = Person("ana", "ws", "Ana")
    manager = Person("mia", "ws", "Mia", roles=frozenset({Role.EMPLOYEE, Role.MANAGER}))

    assert Feature.KUDOS_PROMPTS not in features_for(employee)
    assert features_for(manager) == tuple(Feature)


def test_allowed_keeps_those_who_never_chose_and_drops_those_who_said_no() -> None:
    people = [Person(pid, "ws", pid.title()) for pid in ("ana", "bo", "cy")]
    choices = {"bo": DEFAULT.with_choice(Feature.MANAGER_NOTES, False)}

    kept = allowed(people, choices, Feature.MANAGER_NOTES)

    assert [p.id for p in kept] == ["ana", "cy"]


def test_the_consents_answer_and_the_home_tab_show_every_feature_with_its_state() -> None:
    consents = DEFAULT.with_choice(Feature.PULSES, False)

    message = consents_message(consents, tuple(Feature))
    home = consent_home_blocks(consents, tuple(Feature))

    lines = [b.body.plain() for b in message.blocks if isinstance(b, Section)]
    assert len(lines) == len(Feature)
    assert lines[0].startswith("Weekly pulse: off") and "/teamwell pulse on" in lines[0]
    assert lines[2].startswith("Birthday: off") and "/teamwell birthday on" in lines[2]
    buttons = [b.button for b in home if isinstance(b, Section)]
    assert all(buttons) and len(buttons) == len(Feature)
