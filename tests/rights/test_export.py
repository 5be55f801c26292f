"""`export_person`: exactly the person's own data, readable, audited; nobody else's."""

from __future__ import annotations

import json
import re

import pytest

from teamwell.core.audit import Action
from teamwell.core.errors import UnknownPerson
from teamwell.handlers.audit import read_log
from teamwell.handlers.data_rights import export_bytes, export_person
from tests.rights.rights_world import (
    OTHERS,
    YARROW,
    YARROW_CHECKIN,
    YARROW_KUDOS_TO_RUTH,
    ZED,
    ZED_CHECKIN,
    RightsWorld,
    Someone,
)


def _named(text: str, someone: Someone) -> list[str]:
    """Identifiers of someone found in text: ids and email anywhere, names as whole words."""
    found = [t for t in (someone.id, someone.email, someone.slack, someone.teams, someone.aad)
             if t and t.lower() in text.lower()]
    return found + [p for p in someone.name.split() if re.search(rf"\b{p}\b", text, re.I)]


def _others() -> list[Someone]:
    return [Someone(pid, name, f"{name.split()[0].lower()}@acme.test",
                    f"U{name.split()[0].upper()}0001") for pid, name, *_ in OTHERS]


def test_an_export_holds_the_persons_own_data(world: RightsWorld) -> None:
    export = export_person(world.deps, world.ws, ZED.id, "cli")

    assert export["profile"]["name"] == ZED.name and export["profile"]["email"] == ZED.email
    assert {a["id"] for a in export["accounts"]} == {ZED.slack, ZED.teams, ZED.aad}
    (onboarding,) = export["onboarding"]
    assert onboarding["check_ins"][0]["comment"] == ZED_CHECKIN
    assert onboarding["check_ins"][0]["score"] == 2 and len(onboarding["help_requests"]) == 1
    assert len(export["help_requests_passed_to_you"]) == 1  # Yarrow asked their buddy
    assert [k["message"] for k in export["kudos_given"]] == ["Thanks for pairing on the release"]
    assert sorted(k["message"] for k in export["kudos_received"]) == [
        "Great demo today, Zephyrine", "Thanks both for the migration"]
    assert export["choices"]["recognition"]["manager_notices"] is False
    assert export["choices"]["recognition"]["birthday_opt_in"] is True
    assert [i["week"] for i in export["pulse_invitations"]] == ["2026-03-02", "2026-03-09"]
    assert export["weekly_digests_sent_to_you"] == ["2026-03-09"]
    assert {m["kind"] for m in export["messages_to_you"]} >= {"intro", "onb", "pulse", "digest"}
    assert export["check_in_suggestions_about_you"]  # Maud was told of the low check-in
    assert export["audit_log"]["entries_about_you_or_by_you"] >= 2


def test_an_export_holds_nothing_of_anyone_else(world: RightsWorld) -> None:
    zed = export_bytes(export_person(world.deps, world.ws, ZED.id, "cli")).decode()
    yarrow = export_bytes(export_person(world.deps, world.ws, YARROW.id, "cli")).decode()

    assert _named(zed, YARROW) == [] and _named(yarrow, ZED) == []
    assert YARROW_CHECKIN not in zed and YARROW_KUDOS_TO_RUTH not in zed
    assert ZED_CHECKIN not in yarrow
    assert [n for other in _others() for n in _named(zed + yarrow, other)] == []
    assert "[name]" in zed  # messages to them named colleagues: the file does not


def test_an_export_says_why_pulse_answers_are_not_in_it_and_is_valid_json(
        world: RightsWorld) -> None:
    data = export_bytes(export_person(world.deps, world.ws, ZED.id, "cli"))

    export = json.loads(data)
    assert "cannot be" in export["about_pulse_answers"]
    assert "Calm week, good pairing" not in data.decode()  # Zephyrine's own pulse comment
    assert export["format"] == "teamwell-personal-data/1"


def test_an_export_is_recorded_in_the_audit_log_as_about_the_person(world: RightsWorld) -> None:
    export_person(world.deps, world.ws, ZED.id, "cli")

    exports = [e for e in read_log(world.deps, world.ws) if e.entry.action is Action.EXPORT]
    assert [(e.actor, e.subject) for e in exports] == [("cli", ZED.name)]
    assert ZED.id not in json.dumps(dict(exports[0].entry.detail))


def test_exporting_someone_not_in_the_directory_is_refused(world: RightsWorld) -> None:
    with pytest.raises(UnknownPerson):
        export_person(world.deps, world.ws, "nobody-here", "cli")
