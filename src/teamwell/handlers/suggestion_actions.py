"""What a manager does with a suggested check-in: I'll do it, Not now, Not useful, Done.

Every answer is kept: follow-through is measured per kind of suggestion, and kinds a manager
keeps calling "not useful" are suggested to them less (core/suggestions.choose).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from teamwell.core.actions import ActionId
from teamwell.core.errors import NotAllowed, UnknownAction
from teamwell.core.messages import Actions, Bold, Button, Context, Message, Section, text
from teamwell.core.people import Person
from teamwell.core.suggestions import Status, Suggestion
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for

REMIND_AFTER_WORKDAYS = 3
REMIND_AT = time(10, 0)

REPLIES = {
    Status.ACCEPTED: "Noted. I'll remind you on {when} to see how it went. Nobody else is told.",
    Status.LATER: "OK, not now. If it still applies, it may come back in a later digest.",
    Status.NOT_USEFUL: "Thanks, noted. I'll suggest this kind of check-in less often.",
    Status.DONE: "Thanks for making the time. That's what the suggestions are for.",
}


def remind_at(now: datetime, person: Person) -> datetime:
    """10:00 local, three working days from now."""
    day = now.astimezone(person.zone).date()
    left = REMIND_AFTER_WORKDAYS
    while left:
        day += timedelta(days=1)
        left -= day.weekday() < 5
    return datetime.combine(day, REMIND_AT, tzinfo=person.zone)


def _respond(deps: Deps, workspace_id: str, person_id: str, value: str, status: Status) -> str:
    now = deps.clock.now()
    with deps.uow() as uow:
        found = uow.digests.suggestion(workspace_id, value) if value else None
        if found is None:
            raise UnknownAction("I don't know that suggestion.")
        if found.manager_id != person_id:
            raise NotAllowed("That suggestion was made to someone else.")
        if found.status is Status.DONE:
            return "You already marked this one as done. Thanks!"
        manager = uow.people.get(workspace_id, person_id)
        if manager is None:
            raise NotAllowed("I can't find you in the directory.")
        when = remind_at(now, manager) if status is Status.ACCEPTED else None
        uow.digests.respond(workspace_id, value, status, now, when)
        uow.commit()
    return REPLIES[status].format(when=f"{when:%A}" if when else "")


def accept_suggestion(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """"I'll do it": remind the manager later."""
    return _respond(deps, workspace_id, person_id, value, Status.ACCEPTED)


def defer_suggestion(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """"Not now"."""
    return _respond(deps, workspace_id, person_id, value, Status.LATER)


def dismiss_suggestion(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """"Not useful": kept to improve suggestions."""
    return _respond(deps, workspace_id, person_id, value, Status.NOT_USEFUL)


def complete_suggestion(deps: Deps, workspace_id: str, person_id: str, value: str) -> str:
    """"Done", from the reminder."""
    return _respond(deps, workspace_id, person_id, value, Status.DONE)


def reminder_message(s: Suggestion) -> Message:
    """The later reminder of a check-in the manager said they would do."""
    return Message(fallback=f"Reminder: {s.topic}", blocks=(
        Section(text("A few days ago you planned a check-in: ", Bold(s.topic), ".\n",
                     f"Try: \u201c{s.starter}\u201d")),
        Actions((Button("Done", ActionId.DIGEST_DONE, s.id, "primary"),
                 Button("Not useful", ActionId.DIGEST_NOT_USEFUL, s.id))),
        Context(text("Only you see this. If it no longer fits, just ignore it.")),
    ))


def send_due_suggestion_reminders(deps: Deps) -> int:
    """Remind managers of check-ins they accepted, once each."""
    now = deps.clock.now()
    with deps.uow() as uow:
        due = uow.digests.due_reminders(now)
    sent = 0
    for s in due:
        with deps.uow() as uow:
            manager = uow.people.get(s.workspace_id, s.manager_id)
            if not uow.digests.clear_reminder(s.workspace_id, s.id):
                continue
            if manager is not None and manager.active:
                sent += queue_for(uow, now, manager, f"digest-reminder:{s.id}",
                                  reminder_message(s))
            uow.commit()
    return sent
