"""Arguments for every repository method, drawn from one workspace's real rows.

`arguments(sample, "pulses", "invite")` gives keyword arguments (all but workspace_id) taken
from the sample's workspace; calling the method with the other workspace's id then asks for
one tenant's data while naming the other's ids.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from teamwell.bot.storage.audit_tables import AuditPseudonymRow
from teamwell.bot.storage.tables import PulseCommentRow, SuggestionRow
from teamwell.core.consent import Feature
from teamwell.core.onboarding import CheckIn, StepStatus
from teamwell.core.pulse import InviteStatus, PulseAnswer, PulsePreference
from teamwell.core.suggestions import Status
from tests.isolation.world import Twin, account, email


@dataclass(frozen=True)
class Sample:
    """One workspace's ids and records, by the parameter names the ports use."""

    label: str
    ws: str
    values: dict[str, Any]


def sample_of(twin: Twin, label: str) -> Sample:
    """Real rows of a workspace: the new hire's onboarding, the open round, a suggestion..."""
    ws, now = twin.ws[label], twin.clock.now()
    zed, maud = twin.pid(label, "zed"), twin.pid(label, "maud")
    closed, open_id = twin.rounds[label]
    platform, external = account(label, "zed")
    with twin.factory() as uow:
        onb = uow.onboardings.latest_for(ws, zed)
        assert onb is not None
        task = next(t for t in uow.onboardings.tasks(ws, onb.id) if t.done_at is None)
        run = next(r for r in uow.onboardings.steps(ws, onb.id) if r.step_id == task.step_id)
        pulse, first = uow.pulses.get_round(ws, open_id), uow.pulses.get_round(ws, closed)
        assert pulse is not None and first is not None
        token = uow.session.scalars(select(PulseCommentRow.token).where(
            PulseCommentRow.workspace_id == ws, PulseCommentRow.round_id == open_id)
            .order_by(PulseCommentRow.token)).first()
        assert token is not None
        question = twin.deps.questions.get(pulse.question_ids[0])
        assert question is not None
        team = uow.teams.by_name(ws, "Platform")
        assert team is not None
        values: dict[str, Any] = {
            "person_id": zed, "manager_id": maud, "giver_id": zed, "email": email("zed"),
            "platform": platform, "external_id": external, "team_id": team.id,
            "name": "Platform", "scope": team.id, "active_only": False,
            "onboarding_id": onb.id, "step_id": task.step_id, "task_id": task.task_id,
            "run": run, "steps": [run], "tasks": [task], "sent_before": 0,
            "checkin": CheckIn(onb.id, uow.onboardings.checkins(ws, onb.id)[0].step_id, now,
                               score=3),
            "request": uow.onboardings.help_requests(ws, onb.id)[0],
            "round_id": open_id, "token": token, "week": first.week,
            "invites": uow.pulses.invites(ws, open_id)[:1], "body": "A walk-through comment",
            "answer": PulseAnswer(open_id, token, question.id, question.dimension.id, team.id,
                                  now.date(), 3),
            "pref": PulsePreference(opted_out=True), "feature": Feature.PULSES,
            "on": True, "out": True, "key": f"anniversary:{zed}:2026-03-10",
            "suggestion_id": uow.session.scalars(select(SuggestionRow.id).where(
                SuggestionRow.workspace_id == ws).order_by(SuggestionRow.id)).first(),
            "event_id": f"Ev{ws}", "kind": account(label, "nell")[0],
            "value": account(label, "nell")[1], "action": None, "remind_at": None,
            "pseudonyms": list(uow.session.scalars(select(AuditPseudonymRow.pseudonym).where(
                AuditPseudonymRow.workspace_id == ws))),
            "now": now, "when": now, "next_at": now + timedelta(days=1),
            "start": now - timedelta(days=30), "end": now + timedelta(days=1),
            "since": now - timedelta(days=365),
        }
    return Sample(label, ws, values)


# Where one parameter name means different things in different methods.
OVERRIDES: dict[str, dict[str, Any]] = {
    "onboardings.set_status": {"status": "active"},
    "onboardings.mark_step": {"status": StepStatus.SENT},
    "pulses.mark_invite": {"status": InviteStatus.SENT},
    "pulses.set_schedule": {"when": (2, time(10, 0))},
    "digests.respond": {"status": Status.ACCEPTED},
    "audit.list": {"since": None},
    "forgotten.add": {"on": date(2026, 3, 10)},
}


def arguments(sample: Sample, repo: str, method: Any) -> dict[str, Any]:
    """Keyword arguments (all but workspace_id) for a port method, from the sample."""
    names = [n for n in inspect.signature(method).parameters if n not in ("self",
                                                                           "workspace_id")]
    special = OVERRIDES.get(f"{repo}.{method.__name__}", {})
    missing = [n for n in names if n not in special and n not in sample.values]
    assert not missing, f"no sample value for {repo}.{method.__name__}({', '.join(missing)})"
    return {n: special[n] if n in special else sample.values[n] for n in names}


def moment(sample: Sample) -> datetime:
    """The sample's now."""
    value = sample.values["now"]
    assert isinstance(value, datetime)
    return value
