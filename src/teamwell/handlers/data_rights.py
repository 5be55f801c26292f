"""Data rights (issue 8): everything linked to a person as a JSON file, and erasing it.

Both are audited (`export`, `deletion`) in the same transaction as the work itself. An erasure
records its entry first and then forgets the person's audit pseudonym, so the log keeps the
entry and nothing in it links to them any more.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from teamwell.core.audit import Action, Someone, person_ref
from teamwell.core.comments import redactor
from teamwell.core.data_rights import (
    ABOUT_PULSE_ANSWERS,
    FORMAT,
    bound_value,
    read_bound_value,
)
from teamwell.core.errors import InvalidInput, NotAllowed, UnknownAction, UnknownPerson
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.audit import record
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import remember_forgotten

PersonExport = dict[str, Any]
OFFER_TTL = timedelta(hours=1)  # a file offer the person has not answered by then is stale
NOT_FOUND = "I couldn't find you in the directory, so I hold nothing linked to you."
OTHER_PEOPLE = ("Other people are not named in this file: where a message, a kudos or a "
                "comment named a colleague it shows [name], and people linked to you (your "
                "manager, your buddy, whom you thanked) are counted, not named.")


def export_person(deps: Deps, workspace_id: str, person_id: str,
                  actor: Someone | str) -> PersonExport:
    """Everything linked to the person, JSON-ready; recorded in the audit log as an export."""
    now = deps.clock.now()
    with deps.uow() as uow:
        export = _build(uow, workspace_id, person_id, now)
        record(uow, now, workspace_id, actor, Action.EXPORT, Someone(person_id),
               {"sections": sorted(k for k, v in export.items() if v)})
        uow.commit()
    return export


def asks_for_export(command_text: str) -> bool:
    """Whether a text command is `mydata`, whose answer comes with the person's data file."""
    return command_text.strip().lower().split()[:1] == ["mydata"]


def export_bytes(export: PersonExport) -> bytes:
    """The export as the file people receive: UTF-8 JSON, indented to be readable."""
    return (json.dumps(export, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def export_size(deps: Deps, workspace_id: str, person_id: str) -> int:
    """About how many bytes the person's file has (for a platform that asks first; not audited)."""
    with deps.uow() as uow:
        return len(export_bytes(_build(uow, workspace_id, person_id, deps.clock.now())))


def export_filename(now: datetime) -> str:
    """The file's name, dated."""
    return f"teamwell-my-data-{now:%Y-%m-%d}.json"


@dataclass(frozen=True, slots=True)
class FileOffer:
    """A platform's "may I send you this file?" for the data file: name, size, bound value."""

    filename: str
    size: int
    value: str


def offer_export_file(deps: Deps, workspace_id: str, person_id: str) -> FileOffer:
    """What to ask before sending the data file (Teams); the file itself is built on yes."""
    now = deps.clock.now()
    return FileOffer(export_filename(now), export_size(deps, workspace_id, person_id),
                     bound_value(person_id, now, OFFER_TTL))


def accept_export_file(deps: Deps, workspace_id: str, person_id: str, value: str) -> bytes:
    """The data file, once its person said yes to an offer that is theirs and still valid."""
    try:
        owner, expires = read_bound_value(value)
    except ValueError as exc:
        raise UnknownAction("Sorry, I don't recognise that file offer.") from exc
    if owner != person_id:
        raise NotAllowed("That file was offered to someone else.")
    if deps.clock.now() >= expires:
        raise InvalidInput("That offer has expired: type mydata again for a fresh file.")
    return export_bytes(export_person(deps, workspace_id, person_id, Someone(person_id)))


def _build(uow: UnitOfWork, workspace_id: str, person_id: str, now: datetime) -> PersonExport:
    records = uow.person_data.records(workspace_id, person_id)
    if records is None:
        raise UnknownPerson(NOT_FOUND)
    own = str(records["profile"]["name"])
    clean = redactor(n for n in uow.people.names(workspace_id) if n != own)
    for message in records["messages_to_you"]:
        message["text"] = clean(message["text"])
    for kudos in (*records["kudos_given"], *records["kudos_received"]):
        kudos["message"] = clean(kudos["message"])
    for onboarding in records["onboarding"]:
        for checkin in onboarding["check_ins"]:
            checkin["comment"] = clean(checkin["comment"]) if checkin["comment"] else None
    for suggestion in records["check_in_suggestions_about_you"]:
        for key in ("topic", "reason", "conversation_starter"):
            suggestion[key] = clean(suggestion[key])
    return {"format": FORMAT, "generated_at": now.isoformat(), **records,
            "about_pulse_answers": ABOUT_PULSE_ANSWERS, "about_other_people": OTHER_PEOPLE}


@dataclass(frozen=True, slots=True)
class ForgetReport:
    """What an erasure did, and what remains of the person in aggregate form only."""

    deleted: Mapping[str, int] = field(default_factory=dict)
    anonymised: Mapping[str, int] = field(default_factory=dict)
    kudos_given: int = 0
    kudos_received: int = 0
    pulse_invitations: int = 0
    suggestions: int = 0
    audit_entries: int = 0
    kept_out: bool = False  # hashes of their email and ids keep platform syncs from re-adding

    def remains(self) -> list[str]:
        """What is left, each in one sentence (none of it names the person)."""
        lines = ["Anonymous pulse answers stay in team results: they were never linked to "
                 "anyone."]
        if self.kudos_given or self.kudos_received:
            lines.append(f"{self.kudos_given} kudos given and {self.kudos_received} received "
                         "stay as counts, without a name (and without text, for those given).")
        if self.pulse_invitations:
            lines.append(f"{self.pulse_invitations} pulse invitations stay as counts in "
                         "participation rates.")
        if self.suggestions:
            lines.append(f"{self.suggestions} check-in suggestions stay as follow-through "
                         "counts, without text.")
        if self.audit_entries:
            lines.append(f"{self.audit_entries} audit log entries (this deletion included) "
                         "stay, about \u201ca forgotten person\u201d.")
        if self.kept_out:
            lines.append("One-way hashes of the email and account ids (not the values) stay, so "
                         "that no directory sync adds the person back until they type rejoin.")
        return lines

    def summary(self) -> str:
        """The report in a few lines, for chat and the command line."""
        deleted, kept = sum(self.deleted.values()), sum(self.anonymised.values())
        return (f"Deleted {deleted} records and removed the person from {kept} others.\n"
                "What remains, in aggregate form only:\n"
                + "\n".join(f"\u2022 {line}" for line in self.remains()))


def forget_person(deps: Deps, workspace_id: str, person_id: str, actor: Someone | str, *,
                  stay_forgotten: bool = True) -> ForgetReport:
    """Delete or anonymise everything linked to the person; the deletion is audited first.

    stay_forgotten (their own request, or HR's) keeps hashes of their email and platform ids,
    so that no platform sync brings them back until they type rejoin.
    """
    now = deps.clock.now()
    with deps.uow() as uow:
        records = uow.person_data.records(workspace_id, person_id)
        if records is None:
            raise UnknownPerson(NOT_FOUND)
        if stay_forgotten:
            remember_forgotten(uow, workspace_id, records, now.date())
        erasure = uow.person_data.erase(workspace_id, person_id)
        record(uow, now, workspace_id, actor, Action.DELETION, Someone(person_id),
               {"deleted": sum(erasure.deleted.values()),
                "anonymised": sum(erasure.anonymised.values()),
                "tables": sorted({*erasure.deleted, *erasure.anonymised})})
        mine = person_ref(uow.audit.pseudonym(workspace_id, person_id))
        entries = sum(1 for e in uow.audit.list(workspace_id) if mine in (e.actor, e.subject))
        uow.audit.forget(workspace_id, person_id)
        uow.commit()
    about = records["check_in_suggestions_about_you"]
    made = records["check_in_suggestions_made_to_you"]
    return ForgetReport(erasure.deleted, erasure.anonymised, len(records["kudos_given"]),
                        len(records["kudos_received"]), len(records["pulse_invitations"]),
                        len(about) + len(made), entries, stay_forgotten)
