"""The permission rules in core/permissions.py, without a database."""

from __future__ import annotations

from teamwell.core.people import Person, Role, Team
from teamwell.core.permissions import (
    Refusal,
    led_team_ids,
    nothing_shown,
    results_access,
    with_sub_teams,
)

WS = "w"
TEAMS = [Team("eng", WS, "Engineering"), Team("plat", WS, "Platform", parent_id="eng"),
         Team("api", WS, "API", parent_id="plat"), Team("ops", WS, "Ops")]


def _person(pid: str, *roles: Role, manager: str | None = None,
            team: str | None = None) -> Person:
    return Person(pid, WS, pid.title(), team_id=team, manager_id=manager,
                  roles=frozenset({Role.EMPLOYEE, *roles}))


def test_the_teams_a_manager_leads_are_those_of_their_direct_reports() -> None:
    lead = _person("lea", Role.MANAGER, team="eng")
    people = [lead, _person("a", manager="lea", team="plat"), _person("b", manager="x", team="ops")]

    assert led_team_ids(lead, people) == {"plat"}


def test_leading_a_team_includes_every_team_under_it_and_nothing_above() -> None:
    assert with_sub_teams({"plat"}, TEAMS) == {"plat", "api"}
    assert with_sub_teams({"eng"}, TEAMS) == {"eng", "plat", "api"}


def test_a_team_tree_with_a_cycle_still_ends() -> None:
    looped = [Team("a", WS, "A", parent_id="b"), Team("b", WS, "B", parent_id="a")]

    assert with_sub_teams({"a"}, looped) == {"a", "b"}


def test_an_employee_may_not_see_any_results() -> None:
    access = results_access(_person("e"), "plat", set())

    assert not access.allowed and access.kind is Refusal.NOT_A_VIEWER
    assert access.reason.endswith("your own answers: /teamwell pulse")


def test_a_manager_may_see_a_sub_team_but_not_a_sibling_or_the_parent() -> None:
    lead = _person("lea", Role.MANAGER)
    scope = with_sub_teams({"plat"}, TEAMS)

    assert results_access(lead, "api", scope).allowed
    assert results_access(lead, None, scope).allowed
    assert results_access(lead, "ops", scope).kind is Refusal.NOT_THEIR_TEAM
    assert results_access(lead, "eng", scope).kind is Refusal.NOT_THEIR_TEAM


def test_a_manager_who_leads_no_team_is_told_why() -> None:
    access = results_access(_person("lea", Role.MANAGER), None, set())

    assert access.kind is Refusal.LEADS_NO_TEAM and "lead no team" in access.reason


def test_an_admin_may_ask_for_any_team_or_the_organisation() -> None:
    admin = _person("hr", Role.ADMIN)

    assert results_access(admin, "ops", set()).allowed
    assert results_access(admin, None, set()).allowed


def test_having_reports_without_the_manager_role_grants_nothing() -> None:
    access = results_access(_person("e"), "plat", {"plat"})

    assert access.kind is Refusal.NOT_A_VIEWER


def test_a_group_with_everything_suppressed_is_named_as_below_the_minimum() -> None:
    access = nothing_shown("Design", "fewer than 5 responses", 5)

    assert not access.allowed and access.kind is Refusal.BELOW_MINIMUM
    assert access.reason.startswith("Design is below the reporting minimum")
