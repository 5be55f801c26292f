"""People directory use cases: import people.csv, sync platform profiles, find people.

Who writes what: people.csv (HR) owns team, manager, buddy, start date and birthday; the chat
platform owns the account link, active/deleted and admin status; both may write name, email,
time zone and locale, and the latest write wins. An empty value never erases a stored one.
Someone the directory first meets by joining the platform starts on that day until HR says.
Someone who asked to be forgotten is neither synced nor imported until they type rejoin.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

from teamwell.core.data_rights import EMAIL
from teamwell.core.directory import (
    Profile,
    creates_cycle,
    is_new_joiner,
    is_upcoming_hire,
    normalize_email,
    normalize_locale,
)
from teamwell.core.directory_csv import CsvPerson, RowError, parse_people_csv
from teamwell.core.errors import InvalidSequence, TeamwellError, UnknownPerson
from teamwell.core.people import Person, Role, valid_timezone
from teamwell.core.ports import UnitOfWork
from teamwell.handlers.deps import Deps
from teamwell.handlers.forgotten import forgotten_since, profile_accounts, skipped_row
from teamwell.handlers.import_report import ImportReport, NewHire
from teamwell.handlers.roles import audit_role_changes, is_configured_admin


def _new_id() -> str:
    return uuid.uuid4().hex


def _today(deps: Deps, person: Person) -> date:
    return deps.clock.now().astimezone(person.zone).date()


def _from_row(base: Person, row: CsvPerson) -> Person:
    return replace(
        base, name=row.name, email=row.email,
        start_date=row.start_date or base.start_date, birthday=row.birthday or base.birthday,
        timezone=row.timezone or base.timezone, locale=row.locale or base.locale,
        roles=base.roles | row.roles,
    )


class _Directory:
    """The workspace's people during one import, keyed by email, with what changed."""

    def __init__(self, uow: UnitOfWork, workspace_id: str, admins: frozenset[str]) -> None:
        self.uow = uow
        self.workspace_id = workspace_id
        self.admins = admins
        everyone = uow.people.list(workspace_id, active_only=False)
        self.before = {p.id: p for p in everyone}
        self.now = dict(self.before)
        self.by_email = {p.email: p.id for p in everyone if p.email}
        self.teams = {t.name.casefold(): t.id for t in uow.teams.list(workspace_id)}

    def team_id(self, name: str) -> str:
        # Teams match case-insensitively so "Platform" and "platform" stay one team.
        key = name.casefold()
        if key not in self.teams:
            self.teams[key] = self.uow.teams.ensure(self.workspace_id, name).id
        return self.teams[key]

    def upsert(self, row: CsvPerson) -> Person:
        found = self.by_email.get(row.email)
        base = self.now[found] if found else Person(id=_new_id(), workspace_id=self.workspace_id,
                                                    name=row.name)
        person = _from_row(base, row)
        if row.email in self.admins:
            person = person.with_roles(Role.ADMIN)
        if row.team:
            person = replace(person, team_id=self.team_id(row.team))
        self.now[person.id] = person
        self.by_email[row.email] = person.id
        return person

    def link(self, row: CsvPerson, column: str,
             email: str) -> tuple[Person | None, RowError | None]:
        target_id = self.by_email.get(email)
        if target_id is None:
            return None, RowError(row.line, f"{column} {email} is not in this file or the "
                                  "directory; imported without it (add that person and import "
                                  "again)")
        return self.now[target_id], None

    def managers(self) -> dict[str, str | None]:
        return {p.id: p.manager_id for p in self.now.values()}

    def save_changes(self) -> None:
        for person_id, person in self.now.items():
            if self.before.get(person_id) != person:
                self.uow.people.save(person)


def _without_forgotten(directory: _Directory, rows: list[CsvPerson]
                       ) -> tuple[list[CsvPerson], list[RowError]]:
    """Rows to import, and rows left out because that person asked to be forgotten."""
    kept: list[CsvPerson] = []
    skipped: list[RowError] = []
    for row in rows:
        on = None if row.email in directory.by_email else forgotten_since(
            directory.uow, directory.workspace_id, [(EMAIL, row.email)])
        if on is None:
            kept.append(row)
        else:
            skipped.append(RowError(row.line, skipped_row(on)))
    return kept, skipped


def _link_people(directory: _Directory, rows: list[CsvPerson]) -> list[RowError]:
    """Set managers and buddies once every row has an id; the manager gets the manager role."""
    warnings: list[RowError] = []
    managers = directory.managers()
    for row in rows:
        person = directory.now[directory.by_email[row.email]]
        if row.manager_email:
            manager, problem = directory.link(row, "manager_email", row.manager_email)
            if manager is not None and creates_cycle(person.id, manager.id, managers):
                manager, problem = None, RowError(
                    row.line, f"manager_email {row.manager_email} would make a reporting loop; "
                    "imported without changing the manager (check who reports to whom)")
            if manager is not None:
                person = replace(person, manager_id=manager.id)
                managers[person.id] = manager.id
                directory.now[manager.id] = directory.now[manager.id].with_roles(Role.MANAGER)
            warnings += [problem] if problem else []
        if row.buddy_email:
            buddy, problem = directory.link(row, "buddy_email", row.buddy_email)
            if buddy is not None:
                person = replace(person, buddy_id=buddy.id)
            warnings += [problem] if problem else []
        directory.now[person.id] = person
    return warnings


def _start_onboardings(deps: Deps, workspace_id: str,
                       hires: list[NewHire]) -> tuple[list[NewHire], list[RowError]]:
    # Imported here: onboarding builds on the directory, so a module-level import would loop.
    from teamwell.handlers.onboarding import start_onboarding

    started: list[NewHire] = []
    problems: list[RowError] = []
    for hire in hires:
        try:
            start_onboarding(deps, workspace_id, hire.person_id, hire.start_date)
        except (TeamwellError, InvalidSequence) as exc:
            problems.append(RowError(hire.line, f"imported, but onboarding did not start ({exc}); "
                                     "import again once that is fixed"))
        else:
            started.append(hire)
    return started, problems


def import_people(deps: Deps, workspace_id: str, csv_text: str) -> ImportReport:
    """Import people.csv: good rows are kept, bad rows reported, new hires start onboarding."""
    parsed = parse_people_csv(csv_text)
    if not parsed.rows:
        return ImportReport(errors=tuple(parsed.errors))
    with deps.uow() as uow:
        directory = _Directory(uow, workspace_id, deps.admins)
        # An HR file listing someone does not outweigh their own request to be forgotten.
        rows, skipped = _without_forgotten(directory, parsed.rows)
        people = [directory.upsert(row) for row in rows]
        warnings = _link_people(directory, rows)
        counts = {"created": 0, "updated": 0, "unchanged": 0}
        hires: list[NewHire] = []
        for row, first in zip(rows, people, strict=True):
            person, old = directory.now[first.id], directory.before.get(first.id)
            counts["created" if old is None else "unchanged" if old == person else "updated"] += 1
            if not (person.active and person.start_date is not None
                    and is_upcoming_hire(person.start_date, _today(deps, person))):
                continue
            existing = uow.onboardings.latest_for(workspace_id, person.id)
            if existing is None:
                hires.append(NewHire(person.id, person.name, person.start_date, row.line))
            elif existing.start_date != person.start_date:
                # Moving a running onboarding is the onboarding admin's call, not a side effect.
                warnings.append(RowError(row.line, f"start_date is now {person.start_date}, but "
                                         f"onboarding is scheduled from {existing.start_date} "
                                         "(reschedule or restart it if the date moved)"))
        directory.save_changes()
        for person in directory.now.values():
            audit_role_changes(uow, deps.clock.now(), directory.before.get(person.id), person,
                               "import", "config" if is_configured_admin(deps, person) else None)
        uow.commit()
    started, problems = _start_onboardings(deps, workspace_id, hires) if hires else ([], [])
    return ImportReport(
        created=counts["created"], updated=counts["updated"], unchanged=counts["unchanged"],
        errors=tuple(sorted([*parsed.errors, *skipped], key=lambda e: e.line)),
        warnings=tuple(sorted(warnings + problems,
                                                           key=lambda w: w.line)),
        onboarding=tuple(started),
    )


def _apply_profile(uow: UnitOfWork, person: Person, profile: Profile) -> Person:
    email = normalize_email(profile.email) if profile.email else None
    if email and email != person.email:
        holder = uow.people.by_email(person.workspace_id, email)
        # Someone else already holds that email: keep ours rather than merge two people.
        email = None if holder is not None and holder.id != person.id else email
    locale = normalize_locale(profile.locale) if profile.locale else None
    timezone = profile.timezone if profile.timezone and valid_timezone(profile.timezone) else None
    updated = replace(
        person, name=profile.name.strip() or person.name, email=email or person.email,
        timezone=timezone or person.timezone, locale=locale or person.locale,
        active=not profile.deleted,
    )
    # Admin is only ever added here: losing it is an explicit decision, not a side effect.
    return updated.with_roles(Role.ADMIN) if profile.is_admin else updated


def sync_profile(deps: Deps, workspace_id: str, profile: Profile, *,
                 joined: bool = False) -> tuple[Person, bool] | None:
    """Upsert a platform user into the directory; (person, created), or None when ignored.

    Matches by linked account, then by email, else creates. Bots are ignored; deleted users and
    guests are only updated when already in the directory, never created; someone who asked to
    be forgotten is neither matched nor created. When the user just joined (joined=True) and is
    created without a start date, today becomes their start date.
    """
    if profile.is_bot:
        return None
    with deps.uow() as uow:
        person = uow.people.by_account(workspace_id, profile.platform, profile.external_id)
        linked = person is not None
        if not linked and forgotten_since(uow, workspace_id, profile_accounts(profile)):
            return None
        if person is None and profile.email and (email := normalize_email(profile.email)):
            person = uow.people.by_email(workspace_id, email)
        created = person is None
        if person is None:
            if profile.deleted or profile.is_guest:
                return None
            person = Person(id=_new_id(), workspace_id=workspace_id,
                            name=profile.name.strip() or profile.external_id)
        updated = _apply_profile(uow, person, profile)
        if is_configured_admin(deps, updated):
            updated = updated.with_roles(Role.ADMIN)
        if created and joined and updated.start_date is None:
            # The best start date we have, saved with the person: a retried join (they exist
            # now) still sees a new hire instead of established staff without a start date.
            updated = replace(updated, start_date=_today(deps, updated))
        if created or updated != person:
            uow.people.save(updated)
            # The platform's admin flag or TEAMWELL_ADMINS can grant admin; either is audited.
            audit_role_changes(uow, deps.clock.now(), None if created else person, updated,
                               profile.platform, profile.platform if profile.is_admin else "config")
        if not linked:
            uow.people.link_account(workspace_id, updated.id, profile.platform,
                                    profile.external_id)
        uow.commit()
    return updated, created


def person_joined(deps: Deps, workspace_id: str, profile: Profile) -> Person | None:
    """A user joined the platform: sync them and start onboarding if they are a new hire."""
    synced = sync_profile(deps, workspace_id, profile, joined=True)
    if synced is None:
        return None
    person, created = synced
    today = _today(deps, person)
    if not person.active or not is_new_joiner(person.start_date, today, already_listed=not created):
        return person
    with deps.uow() as uow:
        if uow.onboardings.latest_for(workspace_id, person.id) is not None:
            return person
    from teamwell.handlers.onboarding import start_onboarding  # see _start_onboardings

    # Someone who joins after their start date starts the sequence today.
    start_onboarding(deps, workspace_id, person.id, max(person.start_date or today, today))
    return person


def find_person(deps: Deps, workspace_id: str, platform: str, external_id: str) -> Person:
    """The person behind a platform account; UnknownPerson when there is none."""
    with deps.uow() as uow:
        person = uow.people.by_account(workspace_id, platform, external_id)
    if person is None:
        raise UnknownPerson("Sorry, I can't find you in this workspace's directory yet. "
                            "Ask your HR team to add you, then try again.")
    return person
