"""Which handler each button and form answers, the same on every platform."""

from __future__ import annotations

from collections.abc import Callable

from teamwell.core.actions import ActionId
from teamwell.core.messages import Form
from teamwell.handlers import (
    forget_flow,
    onboarding,
    pulse_answers,
    recognition,
    suggestion_actions,
)
from teamwell.handlers.deps import Deps
from teamwell.handlers.kudos import kudos_form_for

ButtonHandler = Callable[[Deps, str, str, str], str]
FormOpener = Callable[[Deps, str, str, str], Form]
FormRecorder = Callable[[Deps, str, str, str, str], object]


def _participation(take_part: bool) -> ButtonHandler:
    def handler(deps: Deps, ws: str, person_id: str, _value: str) -> str:
        return pulse_answers.set_pulse_participation(deps, ws, person_id, take_part)
    return handler


# A button click: (deps, workspace id, person id, button value) -> a reply for that person.
BUTTONS: dict[ActionId, ButtonHandler] = {
    ActionId.TASK_DONE: onboarding.complete_task,
    ActionId.CHECKIN_SCORE: onboarding.record_checkin_score,
    ActionId.NEED_HELP: onboarding.request_help,
    ActionId.PULSE_ANSWER: pulse_answers.record_answer,
    ActionId.PULSE_OPT_OUT: _participation(False),
    ActionId.PULSE_OPT_IN: _participation(True),
    ActionId.RECOGNITION_CHOICE: recognition.set_recognition_choice,
    ActionId.DIGEST_DO: suggestion_actions.accept_suggestion,
    ActionId.DIGEST_LATER: suggestion_actions.defer_suggestion,
    ActionId.DIGEST_NOT_USEFUL: suggestion_actions.dismiss_suggestion,
    ActionId.DIGEST_DONE: suggestion_actions.complete_suggestion,
    ActionId.FORGET_CONFIRM: forget_flow.confirm_forget,
    ActionId.FORGET_CANCEL: forget_flow.cancel_forget,
}

# A button that opens a form with one free-text field: its opener, the form's callback and the
# recorder of (deps, workspace id, person id, form context, text).
FORMS: dict[ActionId, tuple[FormOpener, ActionId, FormRecorder]] = {
    ActionId.CHECKIN_COMMENT: (onboarding.checkin_comment_form,
                               ActionId.CHECKIN_COMMENT_SUBMIT, onboarding.record_checkin_comment),
    ActionId.PULSE_COMMENT: (pulse_answers.pulse_comment_form,
                             ActionId.PULSE_COMMENT_SUBMIT, pulse_answers.record_pulse_comment),
}

# The kudos form has several fields; each platform reads them and calls handlers.kudos.give_kudos.
KUDOS_FORM: tuple[ActionId, FormOpener, ActionId] = (
    ActionId.KUDOS_OPEN, kudos_form_for, ActionId.KUDOS_SUBMIT)
