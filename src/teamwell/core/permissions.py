"""Who may see which pulse results: the permission rules, kept out of platform code.

Permission decides whose results a person may ask for. What may be shown of those results is a
separate question, answered by the anonymity rules (core/anonymity.py, core/pulse_results.py):
nobody, HR included, sees a group below the reporting minimum.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from teamwell.core.people import Person, Team


class Refusal(StrEnum):
    """Why results were not shown."""

    NOT_A_VIEWER = "not_a_viewer"
    LEADS_NO_TEAM = "leads_no_team"
    NOT_THEIR_TEAM = "not_their_team"
    BELOW_MINIMUM = "below_minimum"


EMPLOYEE_REFUSAL = ("Results are for managers of a team and for HR; your own answers: "
                    "/teamwell pulse")
LEADS_NO_TEAM = ("You lead no team in the directory yet, so there are no results for you. Who "
                 "reports to whom comes from your HR team's people list.")
NOT_THEIR_TEAM = ("You can see results only for the teams you lead and the teams under them. "
                  "/teamwell results with no team name shows yours.")


@dataclass(frozen=True, slots=True)
class Access:
    """Allowed, or a refusal with its kind and a reason fit to show the person."""

    allowed: bool
    kind: Refusal | None = None
    reason: str = ""


ALLOWED = Access(True)


def led_team_ids(manager: Person, people: Iterable[Person]) -> set[str]:
    """The teams a manager leads: those of their direct reports (the digest's definition)."""
    return {p.team_id for p in people if p.manager_id == manager.id and p.team_id}


def with_sub_teams(team_ids: set[str], teams: Sequence[Team]) -> set[str]:
    """The teams plus every team under them (results roll up, so a lead sees those too)."""
    children: dict[str, list[str]] = {}
    for team in teams:
        if team.parent_id and team.parent_id != team.id:
            children.setdefault(team.parent_id, []).append(team.id)
    found, todo = set(team_ids), list(team_ids)
    while todo:
        for child in children.get(todo.pop(), ()):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def results_access(viewer: Person, team_id: str | None, led_team_ids: set[str]) -> Access:
    """May viewer see results for team_id (None: everything they may see)?

    led_team_ids must already include the sub-teams (with_sub_teams). Admins (HR) may ask for any
    team or the whole organisation; managers only for teams they lead; employees for none.
    """
    if viewer.is_admin:
        return ALLOWED
    if not viewer.is_manager:
        return Access(False, Refusal.NOT_A_VIEWER, EMPLOYEE_REFUSAL)
    if not led_team_ids:
        return Access(False, Refusal.LEADS_NO_TEAM, LEADS_NO_TEAM)
    if team_id is None or team_id in led_team_ids:
        return ALLOWED
    return Access(False, Refusal.NOT_THEIR_TEAM, NOT_THEIR_TEAM)


def nothing_shown(label: str, reason: str, minimum: int) -> Access:
    """The answer when every figure of the asked-for group is suppressed (for HR too)."""
    label = label[:1].upper() + label[1:]
    if reason.startswith("fewer than"):
        why = (f"{label} is below the reporting minimum: results are shown only for groups where "
               f"at least {minimum} people answered, so nothing about it is shown. Small teams "
               "are counted in the team above them.")
    else:
        why = (f"{label} is below the reporting minimum once the other groups are taken into "
               f"account: its figures {reason}. Nothing about it is shown.")
    return Access(False, Refusal.BELOW_MINIMUM, why)
