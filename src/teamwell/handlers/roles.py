"""Roles: who is a manager or an admin (HR), how that changes, and the audit of every change.

Roles come from several sources, and the sources only ever add: people.csv (its roles column,
and the manager role for anyone named as a manager), the chat platform's own admin flag, and
TEAMWELL_ADMINS. Taking a role away is an explicit `teamwell people role EMAIL --revoke ROLE`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from teamwell.core.audit import Action, Someone
from teamwell.core.errors import InvalidInput
from teamwell.core.people import Person, Role
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.audit import record
from teamwell.handlers.deps import Deps

GRANTABLE = (Role.MANAGER, Role.ADMIN)


def is_configured_admin(deps: Deps, person: Person) -> bool:
    """True when TEAMWELL_ADMINS names the person's email."""
    return person.email is not None and person.email.lower() in deps.admins


def audit_role_changes(uow: UnitOfWork, now: datetime, before: Person | None, after: Person,
                       actor: str, admin_actor: str | None = None) -> int:
    """Record each role added or removed (admin_actor, if given, for the admin role)."""
    old = before.roles if before is not None else frozenset({Role.EMPLOYEE})
    changes = [(role, "grant") for role in sorted(after.roles - old)]
    changes += [(role, "revoke") for role in sorted(old - after.roles)]
    for role, change in changes:
        who = admin_actor if role is Role.ADMIN and admin_actor else actor
        record(uow, now, after.workspace_id, who, Action.ROLE_CHANGE, Someone(after.id),
               {"role": role.value, "change": change})
    return len(changes)


def _role(name: str) -> Role:
    try:
        role = Role(name.strip().lower())
    except ValueError:
        role = Role.EMPLOYEE
    if role not in GRANTABLE:
        raise InvalidInput(f"{name!r} is not a role that can be granted or revoked (use admin "
                           "or manager; everyone is an employee)")
    return role


def change_role(deps: Deps, workspace_id: str, email: str, role_name: str, grant: bool) -> str:
    """`teamwell people role EMAIL --grant|--revoke ROLE`; the change is audited (actor "cli")."""
    role = _role(role_name)
    now = deps.clock.now()
    with deps.uow() as uow:
        person = uow.people.by_email(workspace_id, email)
        if person is None:
            raise InvalidInput(f"Nobody in the directory has the email {email!r}.")
        if grant == (role in person.roles):
            return f"{person.name} {'already has' if grant else 'does not have'} the {role} role."
        if not grant and role is Role.ADMIN and is_configured_admin(deps, person):
            raise InvalidInput(f"{person.name} is listed in TEAMWELL_ADMINS, which would grant "
                               "admin again at the next start: remove them there first.")
        reports = uow.people.reports_of(workspace_id, person.id)
        if not grant and role is Role.MANAGER and reports:
            raise InvalidInput(f"{person.name} still manages {len(reports)} people in the "
                               "directory: change their manager_email in people.csv first.")
        roles = person.roles | {role} if grant else person.roles - {role}
        updated = replace(person, roles=frozenset(roles))
        uow.people.save(updated)
        audit_role_changes(uow, now, person, updated, "cli")
        uow.commit()
    if grant:
        return f"{person.name} now has the {role} role."
    return (f"{person.name} no longer has the {role} role. If people.csv or the chat platform "
            "still grant it, the next import or profile sync grants it again.")


def apply_configured_admins(deps: Deps) -> int:
    """Give TEAMWELL_ADMINS the admin role in every workspace (audited, actor "config")."""
    if not deps.admins:
        return 0
    now = deps.clock.now()
    granted = 0
    with deps.uow() as uow:
        for workspace_id in uow.workspaces.all_ids():
            for person in uow.people.list(workspace_id, active_only=False):
                if is_configured_admin(deps, person) and not person.is_admin:
                    updated = person.with_roles(Role.ADMIN)
                    uow.people.save(updated)
                    granted += audit_role_changes(uow, now, person, updated, "config")
        uow.commit()
    return granted
