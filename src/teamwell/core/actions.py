"""Action ids shared by Slack `action_id`s, Adaptive Card `data` and form callbacks."""

from __future__ import annotations

from enum import StrEnum


class ActionId(StrEnum):
    """Every interactive element the bot sends carries one of these."""

    TASK_DONE = "tw_task_done"
    NEED_HELP = "tw_need_help"
    CHECKIN_SCORE = "tw_checkin_score"
    CHECKIN_COMMENT = "tw_checkin_comment"
    CHECKIN_COMMENT_SUBMIT = "tw_checkin_comment_submit"
    PULSE_ANSWER = "tw_pulse_answer"
    PULSE_COMMENT = "tw_pulse_comment"
    PULSE_COMMENT_SUBMIT = "tw_pulse_comment_submit"
    PULSE_OPT_OUT = "tw_pulse_opt_out"
    PULSE_OPT_IN = "tw_pulse_opt_in"
    KUDOS_OPEN = "tw_kudos_open"
    KUDOS_SUBMIT = "tw_kudos_submit"
    RECOGNITION_CHOICE = "tw_recognition_choice"
    DIGEST_DO = "tw_digest_do"
    DIGEST_LATER = "tw_digest_later"
    DIGEST_NOT_USEFUL = "tw_digest_not_useful"
    DIGEST_DONE = "tw_digest_done"
    FORGET_CONFIRM = "tw_forget_confirm"
    FORGET_CANCEL = "tw_forget_cancel"


# Buttons whose click opens a form (a Slack modal, a Teams task module) rather than acting.
OPENS_FORM: frozenset[ActionId] = frozenset({
    ActionId.CHECKIN_COMMENT, ActionId.PULSE_COMMENT, ActionId.KUDOS_OPEN,
})


def pack(*parts: str) -> str:
    """Join value parts for a button value; parts must not contain '|'."""
    for part in parts:
        if "|" in part:
            raise ValueError("button value parts may not contain '|'")
    return "|".join(parts)


def unpack(value: str, count: int) -> list[str]:
    """Split a button value into exactly count parts, or raise ValueError."""
    parts = value.split("|")
    if len(parts) != count or any(not p for p in parts):
        raise ValueError(f"expected {count} parts in {value!r}")
    return parts
