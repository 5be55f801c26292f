"""Delivering pulses: invitations at each person's local time, and the one reminder.

Each invitation is claimed with a compare-and-set in the unit of work that queues its message
under a deterministic key, so a job that fires twice sends nothing twice.
"""

from __future__ import annotations

import logging
from datetime import datetime

from teamwell.core.consent import Feature
from teamwell.core.messages import Message
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.core.pulse import InviteStatus, PulseInvite, PulseRound, answer_token
from teamwell.core.pulse_views import pulse_message, reminder_message
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for
from teamwell.surveys.pulse_bank import Question

log = logging.getLogger("teamwell.handlers.pulse")
BATCH = 100


def round_questions_of(deps: Deps, pulse: PulseRound) -> tuple[Question, ...]:
    """The round's questions, in order (ids the bank no longer has are left out)."""
    found = (deps.questions.get(qid) for qid in pulse.question_ids)
    return tuple(q for q in found if q is not None)


def team_size(uow: UnitOfWork, workspace_id: str, team_id: str) -> int:
    """How many active people the team has now (0 for no team)."""
    return len(uow.people.in_team(workspace_id, team_id)) if team_id else 0


def pulse_for(deps: Deps, uow: UnitOfWork, pulse: PulseRound, invite: PulseInvite,
              with_answers: bool) -> tuple[Person, Message] | None:
    """The person and their pulse message (with their current answers when asked), or None."""
    person = uow.people.get(pulse.workspace_id, invite.person_id)
    if person is None or not person.active:
        return None
    current: dict[str, int | None] = {}
    key = uow.pulses.round_key(pulse.workspace_id, pulse.id) if with_answers else None
    if key is not None:
        current = uow.pulses.answers_of(pulse.workspace_id, pulse.id,
                                        answer_token(key, person.id))
    message = pulse_message(pulse, round_questions_of(deps, pulse), person.zone,
                            team_size(uow, pulse.workspace_id, person.team_id or ""),
                            deps.pulse.min_group_size, deps.pulse.comment_minimum, current)
    return person, message


def _still_taking_part(uow: UnitOfWork, workspace_id: str, person_id: str,
                      now: datetime) -> bool:
    """False when the person opted out or went on leave after the round opened."""
    person = uow.people.get(workspace_id, person_id)
    pref = uow.pulses.preference(workspace_id, person_id)
    today = now.astimezone(person.zone).date() if person else now.date()
    consents = uow.consents.of(workspace_id, person_id)
    return consents.allows(Feature.PULSES) and not pref.on_leave(today)


def send_due_invites(deps: Deps, limit: int = BATCH) -> int:
    """Queue pulse invitations that are due; returns how many were queued."""
    now = deps.clock.now()
    with deps.uow() as uow:
        due = uow.pulses.due_invites(now, limit)
    sent = 0
    for workspace_id, invite in due:
        with deps.uow() as uow:
            pulse = uow.pulses.get_round(workspace_id, invite.round_id)
            if pulse is None:
                continue
            if not _still_taking_part(uow, workspace_id, invite.person_id, now):
                uow.pulses.mark_invite(workspace_id, invite.round_id, invite.person_id,
                                       InviteStatus.SKIPPED)
                uow.commit()
                continue
            if not uow.pulses.mark_invite(workspace_id, invite.round_id, invite.person_id,
                                          InviteStatus.SENT):
                continue
            found = pulse_for(deps, uow, pulse, invite, with_answers=False)
            if found is not None:
                person, message = found
                sent += queue_for(uow, now, person, f"pulse:{pulse.id}:{invite.person_id}",
                                  message)
            uow.commit()
    return sent


def send_due_pulse_reminders(deps: Deps, limit: int = BATCH) -> int:
    """Remind, once, people whose pulse has no answer yet; returns how many were queued."""
    now = deps.clock.now()
    with deps.uow() as uow:
        due = uow.pulses.due_reminders(now, limit)
    sent = 0
    for workspace_id, invite in due:
        with deps.uow() as uow:
            pulse = uow.pulses.get_round(workspace_id, invite.round_id)
            key = uow.pulses.round_key(workspace_id, invite.round_id)
            if pulse is None or key is None or not uow.pulses.mark_reminded(
                    workspace_id, invite.round_id, invite.person_id):
                continue
            answered = answer_token(key, invite.person_id) in uow.pulses.answered_tokens(
                workspace_id, pulse.id)
            person = uow.people.get(workspace_id, invite.person_id)
            if (not answered and person is not None and person.active
                    and _still_taking_part(uow, workspace_id, person.id, now)):
                sent += queue_for(uow, now, person, f"pulse-reminder:{pulse.id}:{person.id}",
                                  reminder_message(pulse, person.zone))
            uow.commit()
    return sent
