"""Answering a pulse: buttons, the comment form, re-opening it, and opting out or back in.

Nothing here writes a person's id next to an answer: answers and comments are stored under the
round's token. Replies that show someone their own answers go straight back to them and are
never queued in the outbox, which would keep a copy next to their name.
"""

from __future__ import annotations

import re

from teamwell.core.actions import unpack
from teamwell.core.consent import Feature
from teamwell.core.errors import InvalidInput, NotAllowed, UnknownAction
from teamwell.core.messages import Form, Message, say
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.core.pulse import (
    MAX_COMMENT_LENGTH,
    NO_TEAM,
    SKIP,
    PulseAnswer,
    PulseRound,
    answer_token,
)
from teamwell.core.pulse_views import comment_form, when_local
from teamwell.handlers.consent import set_choice
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_delivery import pulse_for

_WHOLE_NUMBER = re.compile(r"-?[0-9]{1,3}")  # ASCII digits only: int() also reads "٣"
CLOSED = "This pulse has closed, so nothing was recorded. Thanks for wanting to answer!"


def _open_round(deps: Deps, uow: UnitOfWork, workspace_id: str, person_id: str,
                round_id: str) -> tuple[Person, PulseRound, bytes] | str:
    """The person, the round and its key; or the reply when the round cannot take answers."""
    if "\x00" in round_id:
        raise UnknownAction("I don't know that pulse.")
    pulse = uow.pulses.get_round(workspace_id, round_id)
    if pulse is None:
        raise UnknownAction("I don't know that pulse.")
    if uow.pulses.invite(workspace_id, round_id, person_id) is None:
        raise NotAllowed("This pulse was not sent to you, so I can't record an answer.")
    person = uow.people.get(workspace_id, person_id)
    if person is None:
        raise NotAllowed("I can't find you in the directory.")
    key = uow.pulses.round_key(workspace_id, round_id)
    if key is None or not pulse.is_open(deps.clock.now()):
        return CLOSED
    return person, pulse, key


def record_answer(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """Store (or change) one answer from a pulse button; returns the reply for the person."""
    try:
        if "\x00" in value:
            raise ValueError("NUL in a button value")
        round_id, question_id, choice = unpack(value, 3)
    except ValueError as exc:
        raise UnknownAction("That button isn't one I know.") from exc
    with deps.uow() as uow:
        found = _open_round(deps, uow, workspace_id, person_id, round_id)
        if isinstance(found, str):
            return found
        person, pulse, key = found
        question = deps.questions.get(question_id)
        if question is None or question_id not in pulse.question_ids:
            raise UnknownAction("That question isn't part of this pulse.")
        answer: int | None = None
        if choice != SKIP:
            if not _WHOLE_NUMBER.fullmatch(choice) or int(choice) not in question.scale.values():
                raise InvalidInput("That answer isn't on this question's scale.")
            answer = int(choice)
        uow.pulses.save_answer(workspace_id, PulseAnswer(
            round_id=pulse.id, token=answer_token(key, person.id), question_id=question.id,
            dimension=question.dimension.id, team_id=person.team_id or NO_TEAM,
            answered_on=deps.clock.now().astimezone(person.zone).date(), value=answer))
        uow.commit()
    said = "Skipped" if answer is None else f"Saved \u201c{question.scale.label(answer)}\u201d"
    reply = (f"{said}. You can change it until {when_local(pulse.closes_at, person.zone)}; "
             "nobody sees your individual answers.")
    if question.offers_support(answer):
        reply += "\n\n" + deps.pulse.support.reply()
    return reply


def pulse_comment_form(deps: Deps, workspace_id: str, person_id: str, value: str) -> Form:
    """The comment form for a round the person was asked in (refused once it has closed)."""
    with deps.uow() as uow:
        found = _open_round(deps, uow, workspace_id, person_id, value)
    if isinstance(found, str):
        raise NotAllowed(found)
    return comment_form(found[1], deps.pulse.comment_minimum)


def record_pulse_comment(deps: Deps, workspace_id: str, person_id: str, context: str,
                         comment: str) -> None:
    """Store (or replace) the person's anonymous comment on a round."""
    # NUL is the one character a database may refuse; it never carries meaning in a comment.
    body = comment.replace("\x00", "").strip()
    if not body:
        raise InvalidInput("The comment is empty.")
    if len(body) > MAX_COMMENT_LENGTH:
        raise InvalidInput(f"Comments can be at most {MAX_COMMENT_LENGTH:,} characters; "
                           f"this one has {len(body):,}.")
    with deps.uow() as uow:
        found = _open_round(deps, uow, workspace_id, person_id, context)
        if isinstance(found, str):
            raise InvalidInput(found)
        person, pulse, key = found
        uow.pulses.save_comment(workspace_id, pulse.id, answer_token(key, person.id),
                                person.team_id or NO_TEAM, body)
        uow.commit()


def current_pulse(deps: Deps, workspace_id: str, person_id: str, with_answers: bool) -> Message:
    """`/teamwell pulse`: the person's open pulse again (with their answers, if shown privately)."""
    with deps.uow() as uow:
        invite = uow.pulses.latest_invite(workspace_id, person_id)
        pulse = uow.pulses.get_round(workspace_id, invite.round_id) if invite else None
        if invite is None or pulse is None or not pulse.is_open(deps.clock.now()):
            return say("There's no pulse open for you right now. The next one comes on the "
                        "usual day; /teamwell pulse off if you'd rather not get them.")
        found = pulse_for(deps, uow, pulse, invite, with_answers)
    if found is None:
        return say("There's no pulse open for you right now.")
    return found[1]


def set_pulse_participation(deps: Deps, workspace_id: str, person_id: str, take_part: bool) -> str:
    """Opt out of pulses, or back in (the Home tab buttons); returns the reply."""
    return set_choice(deps, workspace_id, person_id, Feature.PULSES, take_part)

