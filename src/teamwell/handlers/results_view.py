"""`/teamwell results [team]` and `teamwell pulse results`: permission checked, then audited.

The permission rules are core/permissions.py; what may be shown is the anonymity rules'. Every
view, and every refusal, is written to the audit log before any figure is returned, so a
failing audit write shows nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from teamwell.core.audit import ORGANISATION, Action, DetailValue, Someone, team_ref
from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import Message, say
from teamwell.core.people import Team
from teamwell.core.permissions import (
    Access,
    led_team_ids,
    nothing_shown,
    results_access,
    with_sub_teams,
)
from teamwell.core.results_text import results_message
from teamwell.handlers.audit import record
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_results import Results, results_for, team_results

NONE_CLOSED = "No pulse round has closed yet, so there are no results to show."


def _find(teams: Sequence[Team], name: str) -> Team | None:
    # People type team names as they say them: match regardless of case and spacing.
    wanted = " ".join(name.split()).casefold()
    return next((t for t in teams if " ".join(t.name.split()).casefold() == wanted), None)


def _refuse(deps: Deps, workspace_id: str, actor: Someone | str, subject: str,
            access: Access, detail: dict[str, str | None]) -> Message:
    with deps.uow() as uow:
        record(uow, deps.clock.now(), workspace_id, actor, Action.REFUSED, subject,
               {"kind": access.kind.value if access.kind else None, "reason": access.reason,
                **detail})
        uow.commit()
    return say(access.reason)


def _audit_view(deps: Deps, workspace_id: str, actor: Someone | str,
                subjects: Sequence[tuple[str, str]], results: Results, week: date) -> None:
    """Record a view per asked-for team (or the organisation), and the comments it showed."""
    shown = [g for g in results.groups if g.shown]
    comments = sum(len(g.comments) for g in shown)
    with deps.uow() as uow:
        for subject, label in subjects:
            detail: dict[str, DetailValue] = {
                "team": label, "week": week.isoformat(), "groups_shown": len(shown)}
            record(uow, deps.clock.now(), workspace_id, actor, Action.VIEW_RESULTS, subject,
                   detail)
            if comments:
                record(uow, deps.clock.now(), workspace_id, actor, Action.VIEW_COMMENTS,
                       subject, {**detail, "comments": comments})
        uow.commit()


def _suppressed(results: Results, label: str) -> Access | None:
    """The below-the-minimum answer when nothing of the asked-for groups may be shown."""
    if any(g.shown for g in results.groups) or not results.groups:
        return None
    return nothing_shown(label, results.groups[0].reason, results.minimum)


def results_reply(deps: Deps, workspace_id: str, person_id: str,
                  team_name: str | None) -> Message:
    """What the person may see of the latest closed round's results, or a clear refusal."""
    with deps.uow() as uow:
        viewer = uow.people.get(workspace_id, person_id)
        if viewer is None or not viewer.active:
            raise UnknownPerson("Sorry, I can't find you in this workspace's directory yet.")
        teams = uow.teams.list(workspace_id)
        led = led_team_ids(viewer, uow.people.list(workspace_id))
    me = Someone(viewer.id)
    team = _find(teams, team_name) if team_name else None
    access = results_access(viewer, team.id if team else None, with_sub_teams(led, teams))
    # A typed name is kept only when it is a team's: it could be anything, even a person's name.
    asked = {"team": team.name if team else None,
             "asked": "an unknown team" if team_name and team is None else None}
    if not access.allowed:
        return _refuse(deps, workspace_id, me, team_ref(team.id) if team else "results", access,
                       asked)
    if team_name and team is None:
        return say(f"There is no team called \u201c{team_name}\u201d.")
    names = {t.id: t.name for t in teams}
    if team is not None:
        roots: list[str] | None = [team.id]
    elif viewer.is_admin:
        roots = None
    else:
        roots = sorted(led, key=lambda t: names.get(t, t))
    results = results_for(deps, workspace_id, roots)
    if results.week is None:
        return say(NONE_CLOSED)
    subjects = ([(ORGANISATION, "the organisation")] if roots is None
                else [(team_ref(r), names.get(r, r)) for r in roots])
    subject, label = subjects[0] if len(subjects) == 1 else ("results", "each of your teams")
    hidden = _suppressed(results, label)
    if hidden is not None:
        return _refuse(deps, workspace_id, me, subject, hidden,
                       {"team": label, "week": results.week.isoformat()})
    _audit_view(deps, workspace_id, me, subjects, results, results.week)
    return results_message(results.week, results.groups, results.minimum)


def cli_results(deps: Deps, workspace_id: str, team_name: str | None,
                week: date | None) -> Results:
    """`teamwell pulse results`: HR's view at the command line, audited with actor "cli"."""
    results = team_results(deps, workspace_id, team_name, week)
    if results.week is None:
        return results
    with deps.uow() as uow:
        team = uow.teams.by_name(workspace_id, team_name) if team_name else None
    subject = team_ref(team.id) if team else ORGANISATION
    label = team.name if team else "the organisation"
    hidden = _suppressed(results, label)
    if hidden is not None:
        _refuse(deps, workspace_id, "cli", subject, hidden,
                {"team": label, "week": results.week.isoformat()})
    else:
        _audit_view(deps, workspace_id, "cli", [(subject, label)], results, results.week)
    return results
