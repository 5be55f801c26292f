"""The people directory use cases on real SQLite storage."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.directory import Profile
from teamwell.core.directory_csv import RowError
from teamwell.core.errors import InvalidSequence, UnknownPerson
from teamwell.core.people import Person, Role
from teamwell.handlers.deps import Deps
from teamwell.handlers.people import (
    find_person,
    import_people,
    person_joined,
    sync_profile,
)
from teamwell.surveys.onboarding import SequenceLibrary, load_library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
HEADER = "email,name,manager_email,team,start_date,birthday,timezone\n"
ORG = HEADER + (
    "ana@acme.example,Ana Lima,tomas@acme.example,Platform,2022-06-13,05-21,Europe/Lisbon\n"
    "kenji@acme.example,Kenji Sato,tomas@acme.example,Platform,2023-01-09,,Asia/Tokyo\n"
    "tomas@acme.example,Tomás Weber,,Platform,2021-02-01,,Europe/Berlin\n"
    "sam@acme.example,Sam Taylor,,Design,2023-09-18,,Europe/London\n"
)


@pytest.fixture
def deps(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> Deps:
    return Deps(uow=uow_factory, clock=clock, sequences=load_library())


@pytest.fixture
def ws(uow_factory: SqlUnitOfWorkFactory) -> str:
    with uow_factory() as uow:
        workspace_id = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.commit()
    return workspace_id


def _person(deps: Deps, ws: str, email: str) -> Person:
    with deps.uow() as uow:
        found = uow.people.by_email(ws, email)
    assert found is not None, email
    return found


def _everyone(deps: Deps, ws: str) -> list[Person]:
    with deps.uow() as uow:
        return uow.people.list(ws, active_only=False)


def _slack(user_id: str, name: str, email: str | None = None, *, timezone: str | None = None,
           locale: str | None = None, is_bot: bool = False, deleted: bool = False,
           is_admin: bool = False, is_guest: bool = False) -> Profile:
    return Profile(platform="slack", external_id=user_id, name=name, email=email,
                   timezone=timezone, locale=locale, is_bot=is_bot, deleted=deleted,
                   is_admin=is_admin, is_guest=is_guest)


def test_an_import_creates_people_teams_and_manager_links(deps: Deps, ws: str) -> None:
    report = import_people(deps, ws, ORG)

    assert (report.created, report.updated, report.unchanged) == (4, 0, 0)
    assert report.errors == () and report.warnings == ()
    ana, tomas = _person(deps, ws, "ana@acme.example"), _person(deps, ws, "tomas@acme.example")
    assert ana.manager_id == tomas.id
    assert _person(deps, ws, "kenji@acme.example").manager_id == tomas.id
    assert tomas.roles == frozenset({Role.EMPLOYEE, Role.MANAGER})
    assert ana.roles == frozenset({Role.EMPLOYEE})
    assert (ana.start_date, ana.birthday, ana.timezone) == (
        date(2022, 6, 13), date(2000, 5, 21), "Europe/Lisbon")
    with deps.uow() as uow:
        teams = {t.name: t.id for t in uow.teams.list(ws)}
    assert set(teams) == {"Platform", "Design"}
    assert ana.team_id == tomas.team_id == teams["Platform"]


def test_importing_the_same_file_twice_changes_nothing_the_second_time(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)
    before = _everyone(deps, ws)

    report = import_people(deps, ws, ORG)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 4)
    assert _everyone(deps, ws) == before


def test_a_changed_row_updates_the_person(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)

    report = import_people(deps, ws, HEADER + "sam@acme.example,Sam Taylor,tomas@acme.example,"
                                              "platform,2023-09-18,,Europe/Dublin\n")

    sam, tomas = _person(deps, ws, "sam@acme.example"), _person(deps, ws, "tomas@acme.example")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert (sam.manager_id, sam.team_id, sam.timezone) == (tomas.id, tomas.team_id, "Europe/Dublin")


def test_a_manager_already_in_the_directory_is_linked_and_gets_the_manager_role(
        deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)

    import_people(deps, ws, "email,name,manager_email\nnew@acme.example,New Person,"
                            "sam@acme.example\n")

    sam = _person(deps, ws, "sam@acme.example")
    assert _person(deps, ws, "new@acme.example").manager_id == sam.id
    assert sam.is_manager


def test_an_unknown_manager_is_a_warning_and_the_row_is_still_imported(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)

    report = import_people(deps, ws, "email,name,manager_email\n"
                                     "ana@acme.example,Ana Lima,nobody@acme.example\n"
                                     "lee@acme.example,Lee,nobody@acme.example\n")

    assert report.errors == ()
    assert report.warnings == tuple(RowError(line, "manager_email nobody@acme.example is not in "
                                             "this file or the directory; imported without it "
                                             "(add that person and import again)")
                                    for line in (2, 3))
    assert _person(deps, ws, "lee@acme.example").manager_id is None
    assert _person(deps, ws, "ana@acme.example").manager_id == _person(
        deps, ws, "tomas@acme.example").id


def test_a_reporting_loop_is_refused_with_a_warning(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)

    report = import_people(deps, ws, "email,name,manager_email\n"
                                     "tomas@acme.example,Tomás Weber,ana@acme.example\n")

    assert [w.line for w in report.warnings] == [2]
    assert "reporting loop" in report.warnings[0].message
    assert _person(deps, ws, "tomas@acme.example").manager_id is None


def test_bad_rows_are_reported_by_line_and_good_rows_are_kept(deps: Deps, ws: str) -> None:
    text = (FIXTURES / "people_bad.csv").read_text(encoding="utf-8")

    report = import_people(deps, ws, text)

    assert report.created == 2
    assert sorted({e.line for e in report.errors}) == [3, 4, 5, 6, 7, 8, 9, 10]
    assert [w.line for w in report.warnings] == [11]
    assert sorted(p.email or "" for p in _everyone(deps, ws)) == [
        "jo.park@acme.example", "sara.ali@acme.example"]
    assert ("error line 4: start_date '2026-13-01' is not a date (use YYYY-MM-DD)"
            in report.summary().splitlines())


def test_a_file_with_a_bad_header_imports_nothing(deps: Deps, ws: str) -> None:
    report = import_people(deps, ws, "mail,full name\nana@acme.example,Ana\n")

    assert report.imported == 0
    assert [e.line for e in report.errors] == [1]
    assert report.summary().startswith("Nothing imported: the header line needs fixing.")
    assert _everyone(deps, ws) == []


def test_reimporting_never_wipes_what_the_platform_filled_in(deps: Deps, ws: str) -> None:
    sync_profile(deps, ws, _slack("U1", "Ana Lima", "ana@acme.example",
                                  timezone="America/Sao_Paulo", locale="pt-BR"))

    import_people(deps, ws, "email,name,timezone,team\nana@acme.example,Ana Lima,,Platform\n")

    ana = _person(deps, ws, "ana@acme.example")
    assert (ana.timezone, ana.locale) == ("America/Sao_Paulo", "pt-BR")
    assert ana.team_id is not None
    assert find_person(deps, ws, "slack", "U1") == ana


def test_a_platform_sync_never_wipes_what_the_file_filled_in(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)
    ana = _person(deps, ws, "ana@acme.example")

    synced = sync_profile(deps, ws, _slack("U1", "Ana Lima", "ana@acme.example"))

    assert synced == (ana, False)


def test_sync_creates_an_unknown_user_and_links_the_account(deps: Deps, ws: str) -> None:
    synced = sync_profile(deps, ws, _slack("U9", "Zoe Park", "Zoe@Acme.example",
                                           timezone="Asia/Seoul", locale="ko-KR"))

    assert synced is not None
    person, created = synced
    assert created
    assert (person.name, person.email, person.timezone, person.locale) == (
        "Zoe Park", "zoe@acme.example", "Asia/Seoul", "ko-KR")
    assert find_person(deps, ws, "slack", "U9") == person


def test_sync_matches_by_linked_account_before_email(deps: Deps, ws: str) -> None:
    first = sync_profile(deps, ws, _slack("U9", "Zoe Park", "zoe@acme.example"))
    assert first is not None

    second = sync_profile(deps, ws, _slack("U9", "Zoe Park-Lee", "zoe.lee@acme.example"))

    assert second is not None
    person, created = second
    assert not created
    assert person.id == first[0].id
    assert (person.name, person.email) == ("Zoe Park-Lee", "zoe.lee@acme.example")
    assert len(_everyone(deps, ws)) == 1


def test_sync_matches_an_imported_person_by_email(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)

    synced = sync_profile(deps, ws, _slack("U2", "Kenji Sato", "KENJI@acme.example"))

    assert synced is not None
    assert synced[0].id == _person(deps, ws, "kenji@acme.example").id and not synced[1]
    assert find_person(deps, ws, "slack", "U2").id == synced[0].id


def test_sync_keeps_an_email_that_belongs_to_someone_else(deps: Deps, ws: str) -> None:
    import_people(deps, ws, ORG)
    sync_profile(deps, ws, _slack("U2", "Kenji Sato", "kenji@acme.example"))

    synced = sync_profile(deps, ws, _slack("U2", "Kenji Sato", "ana@acme.example"))

    assert synced is not None and synced[0].email == "kenji@acme.example"


def test_bots_are_ignored(deps: Deps, ws: str) -> None:
    assert sync_profile(deps, ws, _slack("B1", "Deploy Bot", is_bot=True)) is None
    assert person_joined(deps, ws, _slack("B2", "Another Bot", is_bot=True)) is None
    assert _everyone(deps, ws) == []


def test_a_deleted_user_is_deactivated_and_reactivated_when_restored(deps: Deps, ws: str) -> None:
    sync_profile(deps, ws, _slack("U3", "Eva Berg", "eva@acme.example"))

    gone = sync_profile(deps, ws, _slack("U3", "Eva Berg", "eva@acme.example", deleted=True))
    back = sync_profile(deps, ws, _slack("U3", "Eva Berg", "eva@acme.example"))

    assert gone is not None and gone[0].active is False
    assert back is not None and back[0].active is True


def test_deleted_users_and_guests_are_not_added_to_the_directory(deps: Deps, ws: str) -> None:
    assert sync_profile(deps, ws, _slack("U4", "Old Timer", "old@acme.example",
                                         deleted=True)) is None
    assert sync_profile(deps, ws, _slack("U5", "A Client", "client@other.example",
                                         is_guest=True)) is None
    assert _everyone(deps, ws) == []


def test_a_guest_listed_by_hr_is_linked(deps: Deps, ws: str) -> None:
    import_people(deps, ws, "email,name\ncontractor@agency.example,Cat Contractor\n")

    synced = sync_profile(deps, ws, _slack("U6", "Cat Contractor", "contractor@agency.example",
                                           is_guest=True))

    assert synced is not None
    assert find_person(deps, ws, "slack", "U6").email == "contractor@agency.example"


def test_platform_admins_get_the_admin_role(deps: Deps, ws: str) -> None:
    synced = sync_profile(deps, ws, _slack("U7", "Owner", "owner@acme.example", is_admin=True))

    assert synced is not None
    assert synced[0].roles == frozenset({Role.EMPLOYEE, Role.ADMIN})


def test_an_unknown_account_gets_a_kind_error(deps: Deps, ws: str) -> None:
    with pytest.raises(UnknownPerson, match="Ask your HR team to add you"):
        find_person(deps, ws, "slack", "U404")


def test_a_person_is_only_found_in_their_own_workspace(deps: Deps, ws: str) -> None:
    sync_profile(deps, ws, _slack("U1", "Ana", "ana@acme.example"))
    with deps.uow() as uow:
        other = uow.workspaces.ensure("slack", "T2", "Other")
        uow.commit()

    with pytest.raises(UnknownPerson):
        find_person(deps, other, "slack", "U1")


@pytest.fixture
def onboarding_ready(deps: Deps) -> None:
    """Skip until the onboarding use case and a default sequence exist in this tree."""
    pytest.importorskip("teamwell.handlers.onboarding")
    if "default" not in deps.sequences.ids():
        pytest.skip("no default onboarding sequence packaged yet")


def _onboarding_start(deps: Deps, ws: str, email: str) -> date | None:
    person = _person(deps, ws, email)
    with deps.uow() as uow:
        onboarding = uow.onboardings.latest_for(ws, person.id)
    return onboarding.start_date if onboarding else None


@pytest.mark.usefixtures("onboarding_ready")
def test_an_import_starts_onboarding_for_upcoming_hires_once(deps: Deps, ws: str) -> None:
    text = (FIXTURES / "people.csv").read_text(encoding="utf-8")

    first = import_people(deps, ws, text)
    second = import_people(deps, ws, text)

    assert {(h.name, h.start_date) for h in first.onboarding} == {
        ("Léa Martin", date(2026, 3, 16)), ("Lucas Silva", date(2026, 3, 9)),
        ("Omar Haddad", date(2026, 4, 1))}
    assert first.warnings == () and first.created == 12
    assert second.onboarding == () and second.unchanged == 12
    assert _onboarding_start(deps, ws, "lea.martin@acme.example") == date(2026, 3, 16)
    assert _onboarding_start(deps, ws, "ana.lima@acme.example") is None


@pytest.mark.usefixtures("onboarding_ready")
def test_a_start_date_of_today_in_the_hires_own_zone_counts_as_upcoming(
        deps: Deps, ws: str) -> None:
    # 08:00 UTC on 2 March is still 1 March in Honolulu.
    report = import_people(deps, ws, "email,name,start_date,timezone\n"
                                     "kai@acme.example,Kai,2026-03-01,Pacific/Honolulu\n"
                                     "bo@acme.example,Bo,2026-03-01,Europe/Oslo\n")

    assert [h.name for h in report.onboarding] == ["Kai"]


@pytest.mark.usefixtures("onboarding_ready")
def test_joining_the_platform_starts_onboarding_today_for_a_new_person(
        deps: Deps, ws: str) -> None:
    person = person_joined(deps, ws, _slack("U8", "Nia Cole", "nia@acme.example",
                                            timezone="Europe/London"))

    assert person is not None
    assert _onboarding_start(deps, ws, "nia@acme.example") == date(2026, 3, 2)


@pytest.mark.usefixtures("onboarding_ready")
def test_joining_the_platform_does_not_onboard_long_standing_staff_or_onboard_twice(
        deps: Deps, ws: str) -> None:
    import_people(deps, ws, "email,name,start_date\nana@acme.example,Ana,2022-06-13\n"
                            "lea@acme.example,Léa,2026-03-16\nmo@acme.example,Mo,\n")

    person_joined(deps, ws, _slack("U1", "Ana", "ana@acme.example"))
    person_joined(deps, ws, _slack("U2", "Léa", "lea@acme.example"))
    person_joined(deps, ws, _slack("U3", "Mo", "mo@acme.example"))

    assert _onboarding_start(deps, ws, "ana@acme.example") is None
    assert _onboarding_start(deps, ws, "mo@acme.example") is None
    assert _onboarding_start(deps, ws, "lea@acme.example") == date(2026, 3, 16)
    lea = _person(deps, ws, "lea@acme.example")
    with deps.uow() as uow:
        assert len([o for o in uow.onboardings.list_active(ws) if o.person_id == lea.id]) == 1


@pytest.mark.usefixtures("onboarding_ready")
def test_a_retried_join_still_starts_the_onboarding_that_failed_the_first_time(
        uow_factory: SqlUnitOfWorkFactory, clock: FakeClock, deps: Deps, ws: str) -> None:
    broken = Deps(uow=uow_factory, clock=clock, sequences=SequenceLibrary([]))
    # 08:00 UTC on 2 March is still 1 March in Honolulu.
    nia = _slack("U8", "Nia Cole", "nia@acme.example", timezone="Pacific/Honolulu")
    with pytest.raises(InvalidSequence):
        person_joined(broken, ws, nia)

    person_joined(deps, ws, nia)

    assert _onboarding_start(deps, ws, "nia@acme.example") == date(2026, 3, 1)
    assert _person(deps, ws, "nia@acme.example").start_date == date(2026, 3, 1)


def test_only_joining_gives_someone_new_a_start_date(deps: Deps, ws: str) -> None:
    sync_profile(deps, ws, _slack("U9", "Zoe Park", "zoe@acme.example"))
    import_people(deps, ws, "email,name\nmo@acme.example,Mo\n")

    person_joined(deps, ws, _slack("U3", "Mo", "mo@acme.example"))

    assert _person(deps, ws, "zoe@acme.example").start_date is None
    assert _person(deps, ws, "mo@acme.example").start_date is None


def test_an_onboarding_that_cannot_start_is_a_warning_and_the_person_is_kept(
        uow_factory: SqlUnitOfWorkFactory, clock: FakeClock, ws: str) -> None:
    pytest.importorskip("teamwell.handlers.onboarding")
    no_sequences = Deps(uow=uow_factory, clock=clock, sequences=SequenceLibrary([]))

    report = import_people(no_sequences, ws,
                           "email,name,start_date\nlea@acme.example,Léa,2026-03-16\n")

    assert report.created == 1 and report.onboarding == ()
    assert [w.line for w in report.warnings] == [2]
    assert "onboarding did not start" in report.warnings[0].message


@pytest.mark.usefixtures("onboarding_ready")
def test_a_moved_start_date_is_a_warning_and_the_onboarding_is_left_alone(
        deps: Deps, ws: str) -> None:
    import_people(deps, ws, "email,name,start_date\nlea@acme.example,Léa,2026-03-16\n")

    report = import_people(deps, ws, "email,name,start_date\nlea@acme.example,Léa,2026-03-23\n")

    assert report.updated == 1 and report.onboarding == ()
    assert [str(w) for w in report.warnings] == [
        "line 2: start_date is now 2026-03-23, but onboarding is scheduled from 2026-03-16 "
        "(reschedule or restart it if the date moved)"]
    assert _onboarding_start(deps, ws, "lea@acme.example") == date(2026, 3, 16)


def test_import_and_sync_give_the_same_directory_on_every_database(
        any_uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> None:
    deps = Deps(uow=any_uow_factory, clock=clock, sequences=load_library())
    with any_uow_factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.commit()

    first = import_people(deps, ws, ORG)
    sync_profile(deps, ws, _slack("U2", "Kenji Sato", "KENJI@acme.example", timezone="Asia/Seoul"))
    again = import_people(deps, ws, ORG.replace("Asia/Tokyo", ""))

    assert (first.created, again.updated, again.unchanged) == (4, 0, 4)
    kenji = find_person(deps, ws, "slack", "U2")
    assert (kenji.email, kenji.timezone) == ("kenji@acme.example", "Asia/Seoul")
    assert kenji.manager_id == _person(deps, ws, "tomas@acme.example").id
