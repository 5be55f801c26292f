"""The audit log's storage: append-only in the database, and free of anyone's id, name or email."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from teamwell.bot.storage.audit_tables import AuditLogRow, AuditPseudonymRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.audit import Action, Someone, pseudonym_of
from teamwell.handlers.audit import read_log, record
from teamwell.handlers.commands import command_reply
from teamwell.handlers.digest import send_due_digests
from teamwell.handlers.pulse_schedules import set_leave, set_pulse_schedule
from teamwell.handlers.results_view import cli_results
from teamwell.handlers.roles import change_role
from tests.privacy.privacy_world import close_a_round, everyone
from tests.pulse.pulse_world import PulseWorld

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _one_entry(factory: SqlUnitOfWorkFactory) -> str:
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        record(uow, NOW, ws, "cli", Action.CONFIG_CHANGE, "organisation", {"setting": "x"})
        uow.commit()
    return ws


@pytest.mark.parametrize("statement", [
    "UPDATE audit_log SET actor = 'someone else'",
    "DELETE FROM audit_log",
])
def test_the_database_refuses_to_change_or_delete_an_audit_entry(
        any_uow_factory: SqlUnitOfWorkFactory, statement: str) -> None:
    ws = _one_entry(any_uow_factory)

    with any_uow_factory() as uow, pytest.raises(DBAPIError, match="append-only"):
        uow.session.execute(text(statement))
        uow.commit()

    with any_uow_factory() as uow:
        [entry] = uow.audit.list(ws)
    assert entry.actor == "cli"


def test_the_audit_repository_offers_no_way_to_change_or_remove_an_entry(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    with any_uow_factory() as uow:
        methods = {name for name in dir(uow.audit) if not name.startswith("_")}

    assert methods == {"add", "list", "pseudonym", "people_of", "forget", "s"}


def test_entries_round_trip_oldest_first_with_filters(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    with any_uow_factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        record(uow, NOW, ws, "cli", Action.ROLE_CHANGE, Someone("p1"), {"role": "admin"})
        record(uow, NOW, ws, Someone("p1"), Action.VIEW_RESULTS, "team:t1", {"week": "w"})
        record(uow, datetime(2026, 3, 9, tzinfo=UTC), ws, "teamwell", Action.DIGEST_SENT,
               Someone("p2"), {"shown": ["Platform"]})
        uow.commit()
    with any_uow_factory() as uow:
        everything = uow.audit.list(ws)
        later = uow.audit.list(ws, since=datetime(2026, 3, 3, tzinfo=UTC))
        views = uow.audit.list(ws, action=Action.VIEW_RESULTS)
        elsewhere = uow.audit.list("another-workspace")

    assert [e.action for e in everything] == [Action.ROLE_CHANGE, Action.VIEW_RESULTS,
                                              Action.DIGEST_SENT]
    assert everything[0].subject == everything[1].actor  # one pseudonym per person
    assert everything[2].detail == {"shown": ["Platform"]}
    assert [e.action for e in later] == [Action.DIGEST_SENT]
    assert [e.action for e in views] == [Action.VIEW_RESULTS]
    assert elsewhere == []


def test_a_raw_person_id_is_refused_as_an_actor(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    with any_uow_factory() as uow, pytest.raises(ValueError, match="unknown audit actor"):
        record(uow, NOW, "w", "maya", Action.VIEW_RESULTS)


def _busy_world(world: PulseWorld) -> None:
    """Every kind of entry the bot writes today."""
    close_a_round(world)
    for person, asked in (("ada", "results"), ("dan", "results Platform"),
                          ("maya", "results"), ("hana", "results Design"), ("hana", "results")):
        command_reply(world.deps, world.ws, person, asked, private=True)
    cli_results(world.deps, world.ws, "Platform", None)
    change_role(world.deps, world.ws, "ada@acme.test", "admin", grant=True)
    set_pulse_schedule(world.deps, world.ws, "Design", None)
    set_leave(world.deps, world.ws, "bo@acme.test", None)
    send_due_digests(world.deps, force=True)


def test_no_audit_row_holds_a_persons_id_name_or_email(world: PulseWorld) -> None:
    _busy_world(world)

    with world.factory() as uow:
        rows = [" ".join(map(str, (r.actor, r.subject, r.detail)))
                for r in uow.session.scalars(select(AuditLogRow))]
        people = uow.people.list(world.ws, active_only=False)
    # Whole words: the test world's ids are short ("bo"), and "about" is not a trace of Bo.
    words = {w for row in rows for w in re.findall(r"[\w@.+-]+", row.lower())}
    assert len(rows) >= 12
    assert {r.split()[0] for r in rows} >= {"teamwell", "cli"}
    traces = [value for p in people for value in (p.id, p.name, p.email)
              if value and value.lower() in words]
    assert traces == []


def test_forgetting_a_person_unlinks_their_entries_without_touching_the_log(
        world: PulseWorld) -> None:
    _busy_world(world)
    with world.factory() as uow:
        before = [(e.id, e.actor, e.subject) for e in uow.audit.list(world.ws)]
        assert uow.audit.forget(world.ws, "maya")
        uow.commit()

    shown = read_log(world.deps, world.ws)
    with world.factory() as uow:
        after = [(e.id, e.actor, e.subject) for e in uow.audit.list(world.ws)][:len(before)]
        mapped = set(uow.session.scalars(select(AuditPseudonymRow.person_id)))
    assert after == before
    assert "maya" not in mapped and mapped <= set(everyone())
    maya_views = [s for s in shown if s.entry.action.value == "view_results"
                  and s.actor == "a forgotten person"]
    assert maya_views and all(pseudonym_of(s.entry.actor) for s in maya_views)
    assert "Maya" not in {s.actor for s in shown} | {s.subject for s in shown}
    assert "Hana" in {s.actor for s in shown}


def test_the_weekly_digest_records_one_entry_per_digest_queued(world: PulseWorld) -> None:
    close_a_round(world, comments=False)

    queued = send_due_digests(world.deps, force=True)
    again = send_due_digests(world.deps, force=True)

    shown = [s for s in read_log(world.deps, world.ws) if s.entry.action is Action.DIGEST_SENT]
    assert queued == 3 and again == 0
    assert sorted(s.subject for s in shown) == ["Dan", "Hana", "Maya"]
    assert {s.actor for s in shown} == {"teamwell"}
    hana = next(s for s in shown if s.subject == "Hana")
    assert hana.entry.detail["scope"] == "organisation"
