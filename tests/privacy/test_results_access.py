"""`/teamwell results` over the handler: each role asks for what it must not see, and more."""

from __future__ import annotations

import json

from teamwell.core.audit import ORGANISATION, Action, AuditEntry, team_ref
from teamwell.core.messages import Message, to_json
from teamwell.core.permissions import EMPLOYEE_REFUSAL, NOT_THEIR_TEAM
from teamwell.handlers.commands import command_reply
from tests.pulse.pulse_world import PulseWorld


def _words(message: Message) -> str:
    return json.dumps(to_json(message), ensure_ascii=False)


def _log(world: PulseWorld) -> list[AuditEntry]:
    with world.factory() as uow:
        return uow.audit.list(world.ws)


def _ask(world: PulseWorld, person: str, text: str = "results") -> str:
    return _words(command_reply(world.deps, world.ws, person, text, private=True))


def _refusals(world: PulseWorld) -> list[AuditEntry]:
    return [e for e in _log(world) if e.action is Action.REFUSED]


def test_an_employee_asking_for_results_is_refused_clearly_and_the_refusal_is_audited(
        closed: PulseWorld) -> None:
    reply = _ask(closed, "ada", "results Platform")

    assert EMPLOYEE_REFUSAL in reply
    assert "mean" not in reply
    [refused] = _refusals(closed)
    assert refused.subject == team_ref(closed.teams["Platform"])
    assert refused.detail["kind"] == "not_a_viewer"
    assert refused.actor.startswith("person:")


def test_an_employee_asking_with_no_team_is_refused_the_same_way(closed: PulseWorld) -> None:
    reply = _ask(closed, "bo")

    assert "Results are for managers of a team and for HR" in reply
    assert [e.detail["kind"] for e in _refusals(closed)] == ["not_a_viewer"]


def test_a_manager_asking_for_another_team_is_refused_and_audited(closed: PulseWorld) -> None:
    reply = _ask(closed, "dan", "results Platform")

    assert NOT_THEIR_TEAM in reply
    assert "mean" not in reply
    [refused] = _refusals(closed)
    assert refused.detail["kind"] == "not_their_team"
    assert refused.detail["team"] == "Platform"


def test_a_manager_sees_their_own_team_and_the_view_is_audited(closed: PulseWorld) -> None:
    reply = _ask(closed, "maya", "results platform")

    assert "Platform: 7 responses of 7 asked (100%)" in reply
    assert "Design" not in reply and "Data" not in reply
    views = [e for e in _log(closed) if e.action is Action.VIEW_RESULTS]
    assert [(e.subject, e.detail["team"]) for e in views] == [
        (team_ref(closed.teams["Platform"]), "Platform")]
    comments = [e for e in _log(closed) if e.action is Action.VIEW_COMMENTS]
    assert [e.detail["comments"] for e in comments] == [7]
    assert views[0].actor == comments[0].actor


def test_a_manager_with_no_team_name_sees_the_teams_they_lead(closed: PulseWorld) -> None:
    reply = _ask(closed, "maya")

    assert "Platform: 7 responses" in reply
    assert [e.subject for e in _log(closed)] == [team_ref(closed.teams["Platform"])] * 2


def test_an_admin_sees_any_team_and_the_whole_organisation(closed: PulseWorld) -> None:
    platform = _ask(closed, "hana", "results Platform")
    everything = _ask(closed, "hana")

    assert "Platform: 7 responses" in platform
    assert "Whole company: 17 responses" in everything
    assert "Design: hidden (fewer than 5 responses)" in everything
    views = [e.subject for e in _log(closed) if e.action is Action.VIEW_RESULTS]
    assert views == [team_ref(closed.teams["Platform"]), ORGANISATION]


def test_an_admin_asking_for_a_team_of_four_gets_the_below_minimum_answer_audited_as_refused(
        closed: PulseWorld) -> None:
    reply = _ask(closed, "hana", "results Design")

    assert "Design is below the reporting minimum" in reply
    assert "at least 5 people answered" in reply
    assert "responses" not in reply and "mean" not in reply
    [refused] = _refusals(closed)
    assert refused.detail["kind"] == "below_minimum"
    assert refused.subject == team_ref(closed.teams["Design"])
    assert not [e for e in _log(closed) if e.action is Action.VIEW_RESULTS]


def test_a_team_hidden_by_subtraction_is_refused_with_the_reason_in_words(
        closed: PulseWorld) -> None:
    reply = _ask(closed, "hana", "results Data")

    assert "Data is below the reporting minimum once the other groups are taken into account" in reply
    assert [e.detail["kind"] for e in _refusals(closed)] == ["below_minimum"]


def test_results_are_only_given_where_the_answer_reaches_the_asker_alone(
        closed: PulseWorld) -> None:
    reply = _words(command_reply(closed.deps, closed.ws, "hana", "results Platform"))

    assert "/teamwell results (the slash command)" in reply
    assert "responses" not in reply
    assert _log(closed) == []


def test_an_unknown_team_name_is_said_plainly_and_the_typed_text_is_not_kept(
        closed: PulseWorld) -> None:
    admin = _ask(closed, "hana", "results Ada Lovelace")
    employee = _ask(closed, "bo", "results Ada Lovelace")

    assert "There is no team called \u201cAda Lovelace\u201d." in admin
    assert EMPLOYEE_REFUSAL in employee
    [refused] = _refusals(closed)
    assert refused.detail["asked"] == "an unknown team"
    assert "Ada" not in json.dumps(dict(refused.detail))


def test_before_any_round_closes_a_manager_is_told_so_and_nothing_is_audited(
        world: PulseWorld) -> None:
    reply = _ask(world, "maya")

    assert "No pulse round has closed yet" in reply
    assert _log(world) == []


def test_the_help_text_lists_the_results_command() -> None:
    from teamwell.core.copy import help_message

    assert "/teamwell results [team]" in _words(help_message())
