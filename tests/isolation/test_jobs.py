"""Scheduled jobs work across workspaces, and keep each workspace's data in that workspace.

A job takes no workspace id: it asks the database what is due anywhere. Each one is run at a
moment when both workspaces have work for it; afterwards both workspaces changed (the job did
its work in each), and neither workspace's rows hold the other's ids or text (so no digest,
reminder or celebration for one tenant was built from the other's people or answers).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from teamwell.core.actions import ActionId
from teamwell.handlers.celebrations import send_due_celebrations
from teamwell.handlers.comment_scoring import forget_old_comment_text, score_pending_comments
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.onboarding import run_due_steps, send_due_reminders
from teamwell.handlers.pulse_delivery import send_due_invites, send_due_pulse_reminders
from teamwell.handlers.pulse_rounds import close_due_rounds, open_weekly_rounds
from teamwell.handlers.recognition import send_recognition_prompts
from teamwell.handlers.retention import run_retention
from teamwell.handlers.roles import apply_configured_admins
from teamwell.handlers.suggestion_actions import accept_suggestion, send_due_suggestion_reminders
from tests.isolation.scan import Finder, changed, identifiers, snapshot
from tests.isolation.world import CalmModel, Twin, email


def _at(when: datetime) -> Callable[[Twin], None]:
    def arrange(t: Twin) -> None:
        t.clock.set(when)
    return arrange


def _later(days: int) -> Callable[[Twin], None]:
    def arrange(t: Twin) -> None:
        t.clock.advance(timedelta(days=days))
    return arrange


def _weekly_round_opened(t: Twin) -> None:
    t.clock.set(datetime(2026, 3, 17, 7, 0, tzinfo=UTC))  # the next Tuesday, before 09:00
    assert open_weekly_rounds(t.deps) == 2
    t.clock.set(datetime(2026, 3, 17, 12, 0, tzinfo=UTC))


def _suggestions_accepted(t: Twin) -> None:
    for label in t.ws:
        button = t.buttons(label, "maud", ActionId.DIGEST_DO)[0]
        accept_suggestion(t.deps, t.ws[label], t.pid(label, "maud"), button.value)
    t.clock.advance(timedelta(days=6))


def _admins(t: Twin) -> None:
    t.deps = replace(t.deps, admins=frozenset({email("ivo")}))


# job name -> (how to make work due in both workspaces, the job)
JOBS: dict[str, tuple[Callable[[Twin], None], Callable[[Twin], Any]]] = {
    "run_due_steps": (_later(30), lambda t: run_due_steps(t.deps)),
    "send_due_reminders (tasks)": (_later(30), lambda t: send_due_reminders(t.deps)),
    "open_weekly_rounds + send_due_invites": (_weekly_round_opened,
                                              lambda t: send_due_invites(t.deps)),
    "send_due_pulse_reminders": (_later(0), lambda t: send_due_pulse_reminders(t.deps)),
    "close_due_rounds": (_at(datetime(2026, 3, 12, 12, 0, tzinfo=UTC)),
                         lambda t: close_due_rounds(t.deps)),
    "send_due_celebrations": (_at(datetime(2026, 6, 5, 9, 5, tzinfo=UTC)),
                              lambda t: send_due_celebrations(t.deps)),
    "send_recognition_prompts": (_at(datetime(2026, 3, 16, 10, 30, tzinfo=UTC)),
                                 lambda t: send_recognition_prompts(t.deps)),
    "send_due_digests": (_at(datetime(2026, 3, 16, 9, 30, tzinfo=UTC)),
                         lambda t: send_due_digests(t.deps)),
    "send_due_suggestion_reminders": (_suggestions_accepted,
                                      lambda t: send_due_suggestion_reminders(t.deps)),
    "score_pending_comments": (_later(0), lambda t: score_pending_comments(t.deps, CalmModel())),
    "forget_old_comment_text": (_later(400), lambda t: forget_old_comment_text(t.deps)),
    "run_retention": (_later(400), lambda t: run_retention(t.deps)),
    "apply_configured_admins": (_admins, lambda t: apply_configured_admins(t.deps)),
}


@pytest.mark.parametrize("name", sorted(JOBS))
def test_a_scheduled_job_does_each_workspaces_work_with_that_workspaces_data_only(
        twin: Twin, name: str) -> None:
    arrange, job = JOBS[name]
    arrange(twin)
    before = {label: snapshot(twin.engine, ws) for label, ws in twin.ws.items()}
    finders = {label: Finder(identifiers(rows, twin.ws[label], label))
               for label, rows in before.items()}

    job(twin)

    after = {label: snapshot(twin.engine, ws) for label, ws in twin.ws.items()}
    assert all(changed(before[label], after[label]) for label in twin.ws)
    assert finders["bravo"].in_rows(after["alpha"]) == []
    assert finders["alpha"].in_rows(after["bravo"]) == []


def test_the_scheduler_s_week_keeps_each_workspace_to_itself_on_each_database(
        any_twin: Twin) -> None:
    twin = any_twin
    finders = {label: Finder(identifiers(snapshot(twin.engine, ws), ws, label))
               for label, ws in twin.ws.items()}
    week = [(datetime(2026, 3, 10, 11, 0, tzinfo=UTC), "send_due_pulse_reminders"),
            (datetime(2026, 3, 10, 11, 5, tzinfo=UTC), "score_pending_comments"),
            (datetime(2026, 3, 12, 12, 0, tzinfo=UTC), "close_due_rounds"),
            (datetime(2026, 3, 16, 9, 30, tzinfo=UTC), "send_due_digests"),
            (datetime(2026, 3, 16, 10, 30, tzinfo=UTC), "send_recognition_prompts"),
            (datetime(2026, 3, 20, 10, 5, tzinfo=UTC), "send_due_reminders (tasks)"),
            (datetime(2026, 4, 10, 10, 0, tzinfo=UTC), "run_due_steps")]

    done = {}
    for when, name in week:
        twin.clock.set(when)
        done[name] = JOBS[name][1](twin)

    assert all(done.values()), done
    assert finders["bravo"].in_rows(snapshot(twin.engine, twin.ws["alpha"])) == []
    assert finders["alpha"].in_rows(snapshot(twin.engine, twin.ws["bravo"])) == []
