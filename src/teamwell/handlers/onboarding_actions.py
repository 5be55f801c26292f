"""Buttons and forms on onboarding messages: Done, check-in answers and "I need help".

Button values are untrusted: every action checks that the clicker owns the onboarding.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from teamwell.core.errors import InvalidInput, UnknownAction
from teamwell.core.messages import Form
from teamwell.core.onboarding import CheckIn, HelpRequest
from teamwell.core.onboarding_cast import visibility_plain
from teamwell.core.onboarding_views import (
    COMMENT_MAX,
    help_confirmation_message,
    help_handoff_message,
    step_message,
)
from teamwell.core.onboarding_views import (
    checkin_comment_form as comment_form_view,
)
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for
from teamwell.handlers.onboarding_context import (
    OUT_OF_DATE,
    OwnStep,
    own_step,
    parse_value,
    progress_of,
    step_key,
)
from teamwell.surveys.onboarding import StepKind

# A second press of "I need help" on the same step this soon does not hand off again.
HELP_REPEAT_WINDOW = timedelta(minutes=30)


def complete_task(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """Tick a checklist task (value: onboarding|step|task) and update the checklist message."""
    onboarding_id, step_id, task_id = parse_value(value, 3)
    now = deps.clock.now()
    with deps.uow() as uow:
        own = own_step(deps, uow, workspace_id, person_id, onboarding_id, step_id,
                       StepKind.CHECKLIST)
        task = next((t for t in own.context(uow).tasks if t.task_id == task_id), None)
        if task is None:
            raise UnknownAction(OUT_OF_DATE)
        if not uow.onboardings.mark_task_done(workspace_id, onboarding_id, step_id, task_id, now):
            return f"\"{task.label}\" is already ticked. Nothing else to do."
        ctx = own.context(uow)
        queue_for(uow, now, own.cast.hire, f"onb-upd:{onboarding_id}:{step_id}:{task_id}",
                  step_message(ctx), replaces=step_key(onboarding_id, step_id))
        uow.commit()
    left = sum(1 for t in ctx.tasks if t.done_at is None)
    more = "That's the whole list. Nice work!" if not left else f"{left} to go, no rush."
    return f"Done: \"{task.label}\". {more}"


def _score(raw: str) -> int:
    if raw not in {"1", "2", "3", "4", "5"}:
        raise UnknownAction(OUT_OF_DATE)
    return int(raw)


def record_checkin_score(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """Store a check-in score (value: onboarding|step|score); answering again replaces it."""
    onboarding_id, step_id, raw = parse_value(value, 3)
    score = _score(raw)
    with deps.uow() as uow:
        own = own_step(deps, uow, workspace_id, person_id, onboarding_id, step_id,
                       StepKind.CHECKIN)
        uow.onboardings.save_checkin(workspace_id, CheckIn(onboarding_id, step_id,
                                                           deps.clock.now(), score=score))
        uow.commit()
    label = own.step.scale_labels[score - 1]
    return (f"Thanks, saved {score} · {label}. Press another number to change it. "
            f"{visibility_plain(own.cast)}")


def checkin_comment_form(deps: Deps, workspace_id: str, person_id: str, value: str) -> Form:
    """The form for an optional check-in comment (value: onboarding|step)."""
    onboarding_id, step_id = parse_value(value, 2)
    with deps.uow() as uow:
        own = own_step(deps, uow, workspace_id, person_id, onboarding_id, step_id,
                       StepKind.CHECKIN)
        return comment_form_view(own.context(uow), value)


def record_checkin_comment(deps: Deps, workspace_id: str, person_id: str, context: str,
                           comment: str) -> str:
    """Store (or, when empty, remove) the comment on a check-in; context: onboarding|step."""
    onboarding_id, step_id = parse_value(context, 2)
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise InvalidInput(f"Comments can be up to {COMMENT_MAX} characters; "
                           f"this one has {len(comment)}.")
    with deps.uow() as uow:
        own = own_step(deps, uow, workspace_id, person_id, onboarding_id, step_id,
                       StepKind.CHECKIN)
        uow.onboardings.save_checkin(workspace_id, CheckIn(onboarding_id, step_id,
                                                           deps.clock.now(), comment=comment))
        uow.commit()
    if not comment:
        return "Your comment is removed."
    return f"Thanks, your comment is saved. {visibility_plain(own.cast)}"


def _helper(uow: UnitOfWork, own: OwnStep) -> tuple[Person, str] | None:
    """Who takes a help request: the buddy, else the manager, else an admin."""
    name = own.cast.hire.name
    if own.cast.buddy:
        return own.cast.buddy, f"You're getting this as {name}'s buddy."
    if own.cast.manager:
        return own.cast.manager, f"You're getting this as {name}'s manager: they have no buddy."
    admins = [p for p in uow.people.list(own.onboarding.workspace_id)
              if p.is_admin and p.id != own.cast.hire.id]
    why = f"You're getting this as a Teamwell admin: {name} has no buddy or manager."
    return (admins[0], why) if admins else None


def request_help(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """Hand the new hire to their buddy (or manager) with context; the bot does not answer."""
    onboarding_id, step_id = parse_value(value, 2)
    now = deps.clock.now()
    with deps.uow() as uow:
        own = own_step(deps, uow, workspace_id, person_id, onboarding_id, step_id)
        chosen = _helper(uow, own)
        if chosen is None:
            return ("I couldn't find a buddy, manager or admin to pass this to. "
                    "Please reach out to your HR team directly.")
        helper, why = chosen
        recent = [r for r in uow.onboardings.help_requests(workspace_id, onboarding_id)
                  if r.step_id == step_id and r.helper_id == helper.id
                  and now - r.requested_at < HELP_REPEAT_WINDOW]
        if recent:
            return f"I've already asked {helper.name} to reach out; they'll be in touch soon."
        # One id per step and half hour: two presses at once make one hand-off, on any database.
        window = int(now.timestamp() // HELP_REPEAT_WINDOW.total_seconds())
        request_id = hashlib.sha256(f"{onboarding_id}|{step_id}|{window}".encode()).hexdigest()[:32]
        request = HelpRequest(request_id, onboarding_id, step_id, helper.id, now)
        if not uow.onboardings.add_help_request(workspace_id, request):
            return f"I've already asked {helper.name} to reach out; they'll be in touch soon."
        ctx = own.context(uow)
        queue_for(uow, now, helper, f"onb-help:{request.id}",
                  help_handoff_message(ctx, why, progress_of(uow, own.onboarding)))
        # queue_for may have just saved the hire (introduced_at): use the stored record.
        hire = uow.people.get(workspace_id, person_id) or own.cast.hire
        queue_for(uow, now, hire, f"onb-help-ok:{request.id}",
                  help_confirmation_message(ctx, helper))
        uow.commit()
    return f"I've asked {helper.name} to reach out to you directly."
