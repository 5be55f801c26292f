"""Roles: TEAMWELL_ADMINS, the platform's admin flag, people.csv and `teamwell people role`."""

from __future__ import annotations

from pathlib import Path

import pytest

from teamwell.bot.cli import main
from teamwell.bot.config import ConfigError, load_settings
from teamwell.core.audit import Action
from teamwell.core.directory import Profile
from teamwell.core.errors import InvalidInput
from teamwell.core.people import Role
from teamwell.handlers.audit import ShownEntry, read_log
from teamwell.handlers.people import import_people, sync_profile
from teamwell.handlers.roles import apply_configured_admins, change_role
from tests.privacy.privacy_world import with_admins
from tests.pulse.pulse_world import PulseWorld


def _roles(world: PulseWorld, email: str) -> frozenset[Role]:
    with world.factory() as uow:
        person = uow.people.by_email(world.ws, email)
    assert person is not None
    return person.roles


def _role_changes(world: PulseWorld) -> list[tuple[str, str, object, object]]:
    shown: list[ShownEntry] = read_log(world.deps, world.ws, action=Action.ROLE_CHANGE)
    return [(s.actor, s.subject, s.entry.detail["role"], s.entry.detail["change"])
            for s in shown]


def test_teamwell_admins_is_read_as_lowercased_emails(tmp_path: Path) -> None:
    settings = load_settings({"TEAMWELL_ADMINS": " Hana@Acme.test, ,bo@acme.test "},
                             cwd=tmp_path)

    assert settings.admins == frozenset({"hana@acme.test", "bo@acme.test"})
    assert load_settings({}, cwd=tmp_path).admins == frozenset()


def test_a_malformed_teamwell_admins_stops_start_up_naming_the_setting(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"TEAMWELL_ADMINS: 'hana at acme' is not an email"):
        load_settings({"TEAMWELL_ADMINS": "bo@acme.test, hana at acme"}, cwd=tmp_path)


def test_configured_admins_get_the_role_at_start_up_once_and_it_is_audited(
        world: PulseWorld) -> None:
    configured = with_admins(world, frozenset({"bo@acme.test", "hana@acme.test"}))

    first = apply_configured_admins(configured.deps)
    second = apply_configured_admins(configured.deps)

    assert (first, second) == (1, 0)
    assert Role.ADMIN in _roles(world, "bo@acme.test")
    assert _role_changes(world) == [("config", "Bo", "admin", "grant")]


def test_an_import_grants_admin_to_configured_people_and_manager_to_managers(
        world: PulseWorld) -> None:
    configured = with_admins(world, frozenset({"nia@acme.test"}))
    csv = ("email,name,manager_email,team\n"
           "nia@acme.test,Nia,,People\n"
           "oto@acme.test,Oto,nia@acme.test,People\n")

    import_people(configured.deps, world.ws, csv)

    assert _roles(world, "nia@acme.test") == {Role.EMPLOYEE, Role.ADMIN, Role.MANAGER}
    assert sorted(_role_changes(world)) == [("config", "Nia", "admin", "grant"),
                                            ("import", "Nia", "manager", "grant")]


def test_a_platform_admin_flag_and_teamwell_admins_are_audited_with_their_source(
        world: PulseWorld) -> None:
    configured = with_admins(world, frozenset({"cy@acme.test"}))

    sync_profile(configured.deps, world.ws, Profile("slack", "UBO", "Bo", "bo@acme.test",
                                                    is_admin=True))
    sync_profile(configured.deps, world.ws, Profile("slack", "UCY", "Cy", "cy@acme.test"))
    sync_profile(configured.deps, world.ws, Profile("slack", "UBO", "Bo", "bo@acme.test",
                                                    is_admin=True))

    assert _role_changes(world) == [("slack", "Bo", "admin", "grant"),
                                    ("config", "Cy", "admin", "grant")]


def test_granting_and_revoking_a_role_by_command_is_audited(world: PulseWorld) -> None:
    granted = change_role(world.deps, world.ws, "ada@acme.test", "admin", grant=True)
    again = change_role(world.deps, world.ws, "ada@acme.test", "admin", grant=True)
    revoked = change_role(world.deps, world.ws, "ada@acme.test", "admin", grant=False)

    assert granted == "Ada now has the admin role."
    assert again == "Ada already has the admin role."
    assert revoked.startswith("Ada no longer has the admin role.")
    assert Role.ADMIN not in _roles(world, "ada@acme.test")
    assert _role_changes(world) == [("cli", "Ada", "admin", "grant"),
                                    ("cli", "Ada", "admin", "revoke")]


def test_revoking_what_a_source_would_grant_again_is_refused_with_the_way_out(
        world: PulseWorld) -> None:
    configured = with_admins(world, frozenset({"hana@acme.test"}))

    with pytest.raises(InvalidInput, match="listed in TEAMWELL_ADMINS"):
        change_role(configured.deps, world.ws, "hana@acme.test", "admin", grant=False)
    with pytest.raises(InvalidInput, match="still manages 6 people"):
        change_role(world.deps, world.ws, "maya@acme.test", "manager", grant=False)
    with pytest.raises(InvalidInput, match="not a role that can be granted"):
        change_role(world.deps, world.ws, "ada@acme.test", "employee", grant=True)

    assert _role_changes(world) == []


def test_teamwell_people_role_changes_a_role_from_the_command_line(
        tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from teamwell.bot.storage.engine import make_engine
    from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
    from tests.privacy.privacy_world import build_privacy_world

    engine = make_engine(sqlite_url)
    world = build_privacy_world(SqlUnitOfWorkFactory(engine))
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "TEAMWELL_ADMINS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TEAMWELL_DATABASE_URL", sqlite_url)

    code = main(["people", "role", "ada@acme.test", "--grant", "manager"])

    assert code == 0
    assert "Ada now has the manager role." in capsys.readouterr().out
    assert _role_changes(world) == [("cli", "Ada", "manager", "grant")]
    engine.dispose()


def test_serve_and_worker_grant_teamwell_admins_from_the_settings_at_start(
        tmp_path: Path, sqlite_url: str) -> None:
    from teamwell.bot.commands import grant_configured_admins
    from teamwell.bot.wiring import wire
    from tests.privacy.privacy_world import build_privacy_world

    settings = load_settings({"TEAMWELL_DATABASE_URL": sqlite_url,
                              "TEAMWELL_ADMINS": "DAN@acme.test"}, cwd=tmp_path)
    wired = wire(settings)
    world = build_privacy_world(wired.deps.uow)

    granted = grant_configured_admins(wired)

    assert granted == 1
    assert Role.ADMIN in _roles(world, "dan@acme.test")
    wired.engine.dispose()
