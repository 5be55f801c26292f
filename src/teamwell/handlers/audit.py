"""Writing and reading the audit log. Other handlers call record() in their own transaction.

Who acted, and whom an entry is about, is either a system label ("cli", "slack", "config", ...)
or a person, given as Someone(person_id) and stored only as their pseudonym.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from teamwell.core.audit import (
    FORGOTTEN,
    ORGANISATION,
    TEAM_PREFIX,
    Action,
    AuditEntry,
    Detail,
    Someone,
    check_label,
    person_ref,
    pseudonym_of,
)
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps


def _ref(uow: UnitOfWork, workspace_id: str, who: Someone | str) -> str:
    if isinstance(who, Someone):
        return person_ref(uow.audit.pseudonym(workspace_id, who.person_id))
    return who


def record(uow: UnitOfWork, now: datetime, workspace_id: str, actor: Someone | str,
           action: Action, subject: Someone | str = "",
           detail: Detail | None = None) -> AuditEntry:
    """Append an entry in the caller's transaction (it commits with the caller's changes)."""
    if not isinstance(actor, Someone):
        check_label(actor)
    entry = AuditEntry(workspace_id, now, _ref(uow, workspace_id, actor), action,
                       _ref(uow, workspace_id, subject), dict(detail or {}))
    uow.audit.add(entry)
    return entry


@dataclass(frozen=True, slots=True)
class ShownEntry:
    """An audit entry with its people shown by name (or as a forgotten person)."""

    entry: AuditEntry
    actor: str
    subject: str


def _shown(ref: str, names: Mapping[str, str], teams: Mapping[str, str],
           detail: Detail) -> str:
    pseudonym = pseudonym_of(ref)
    if pseudonym is not None:
        return names.get(pseudonym, FORGOTTEN)
    if ref.startswith(TEAM_PREFIX):
        team_id = ref[len(TEAM_PREFIX):]
        # The name it had then, if the team is gone or renamed since.
        then = detail.get("team")
        return f"team {teams.get(team_id) or then or team_id}"
    return "the organisation" if ref == ORGANISATION else ref


def read_log(deps: Deps, workspace_id: str, since: datetime | None = None,
             action: Action | None = None) -> list[ShownEntry]:
    """Entries oldest first, people named; reading is itself recorded (by "cli")."""
    now = deps.clock.now()
    with deps.uow() as uow:
        entries = uow.audit.list(workspace_id, since, action)
        refs: Iterable[str] = [r for e in entries for r in (e.actor, e.subject)]
        pseudonyms = sorted({p for r in refs if (p := pseudonym_of(r)) is not None})
        owners = uow.audit.people_of(workspace_id, pseudonyms)
        people = {p.id: p.name for p in uow.people.list(workspace_id, active_only=False)}
        teams = {t.id: t.name for t in uow.teams.list(workspace_id)}
        record(uow, now, workspace_id, "cli", Action.VIEW_AUDIT, "audit_log",
               {"since": since.isoformat() if since else None,
                "action": action.value if action else None, "entries": len(entries)})
        uow.commit()
    names = {p: people[pid] for p, pid in owners.items() if pid in people}
    return [ShownEntry(e, _shown(e.actor, names, teams, e.detail),
                       _shown(e.subject, names, teams, e.detail)) for e in entries]
