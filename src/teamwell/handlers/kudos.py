"""Giving kudos: checked against the rules, stored, and announced in one transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from teamwell.core.consent import Feature
from teamwell.core.errors import UnknownPerson
from teamwell.core.kudos import (
    Kudos,
    channel_post,
    check_kudos,
    local_day_bounds,
    manager_notice,
    receiver_dm,
    split_value_tags,
)
from teamwell.core.kudos_views import kudos_form
from teamwell.core.messages import Form
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.consent import consents_of
from teamwell.handlers.deps import Deps
from teamwell.handlers.notify import queue_for
from teamwell.surveys.values import CompanyValue


def _people(uow: UnitOfWork, workspace_id: str, ids: Sequence[str]) -> list[Person]:
    found = []
    for pid in dict.fromkeys(ids):
        person = uow.people.get(workspace_id, pid)
        if person is None:
            raise UnknownPerson("Someone you mentioned is not in the directory, so no kudos "
                                "were given.")
        found.append(person)
    return found


def give_kudos(deps: Deps, workspace_id: str, giver_id: str, receiver_ids: Sequence[str],
               text: str, public: bool | None = None) -> str:
    """Give kudos to people; returns the giver's confirmation. public None: the default."""
    message, tags = split_value_tags(text)
    now = deps.clock.now()
    channel = deps.recognition.channel
    with deps.uow() as uow:
        giver = uow.people.get(workspace_id, giver_id)
        if giver is None or not giver.active:
            raise UnknownPerson("I couldn't find you in the directory, so no kudos were given.")
        receivers = _people(uow, workspace_id, receiver_ids)
        start, end = local_day_bounds(now, giver.zone)
        given_today = uow.recognition.given_between(workspace_id, giver.id, start, end)
        value_id = check_kudos(giver, receivers, message, tags, deps.values, given_today,
                               deps.recognition.kudos)
        wanted_public = deps.recognition.kudos.public_by_default if public is None else public
        kudos = Kudos(id=uuid.uuid4().hex, workspace_id=workspace_id, giver_id=giver.id,
                      receiver_ids=tuple(r.id for r in receivers), message=message,
                      value_id=value_id, public=wanted_public and channel is not None,
                      given_at=now)
        uow.recognition.add_kudos(kudos)
        value = deps.values.get(value_id) if value_id else None
        if kudos.public and channel is not None:
            uow.outbox.add(OutboundItem(workspace_id, f"kudos:{kudos.id}:channel",
                                        channel_post(kudos, value), channel=channel), now)
        for receiver in receivers:
            queue_for(uow, now, receiver, f"kudos:{kudos.id}:to:{receiver.id}",
                      receiver_dm(kudos, value))
            _tell_manager(uow, now, kudos, value, receiver, giver)
        uow.commit()
    names = ", ".join(r.name for r in receivers)
    where = ("shared in the recognition channel" if kudos.public
             else "sent privately" + ("" if not wanted_public else
                                      " (no recognition channel is set up)"))
    return f"Kudos to {names}: {where}. They'll get a message from me."


def kudos_form_for(deps: Deps, _workspace_id: str, _person_id: str, _value: str) -> Form:
    """The Give-kudos form for anyone (the Home tab's button)."""
    return kudos_form(deps.values, deps.recognition.kudos, deps.recognition.channel is not None)


def _tell_manager(uow: UnitOfWork, now: datetime, kudos: Kudos, value: CompanyValue | None,
                  receiver: Person, giver: Person) -> None:
    manager_id = receiver.manager_id
    if not manager_id or manager_id == giver.id:
        return
    if not consents_of(uow, kudos.workspace_id, receiver.id).allows(Feature.MANAGER_NOTES):
        return
    manager = uow.people.get(kudos.workspace_id, manager_id)
    if manager is None or not manager.active:
        return
    queue_for(uow, now, manager, f"kudos:{kudos.id}:manager:{receiver.id}",
              manager_notice(kudos, value, receiver.id))


def unknown_receiver(shown: str, place: str) -> UnknownPerson:
    """The refusal when a receiver is not in the directory (place: "workspace", "organisation")."""
    who = f"@{shown}" if shown else "someone you mentioned"
    return UnknownPerson(f"I can't find {who} in this {place}'s directory, so no kudos were "
                         f"given. Kudos are for colleagues (not bots or people outside the "
                         f"{place}).")

