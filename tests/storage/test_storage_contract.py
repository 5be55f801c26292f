"""The storage behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.messages import Message
from teamwell.core.onboarding import Onboarding, OnboardingStatus, StepRun, StepStatus, TaskState
from teamwell.core.outbox import OutboundItem
from teamwell.core.people import Person, Role

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _workspace(f: SqlUnitOfWorkFactory) -> str:
    with f() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.commit()
    return ws


def test_a_workspace_is_created_once_per_platform_account(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    first = _workspace(any_uow_factory)
    second = _workspace(any_uow_factory)
    assert first == second
    with any_uow_factory() as uow:
        assert uow.workspaces.all_ids() == [first]


def test_people_round_trip_with_roles_dates_and_accounts(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    person = Person(id="p1", workspace_id=ws, name="Ana", email="Ana@Example.com",
                    start_date=date(2026, 3, 2), timezone="Pacific/Auckland",
                    roles=frozenset({Role.EMPLOYEE, Role.MANAGER}), introduced_at=NOW)
    with any_uow_factory() as uow:
        uow.people.save(person)
        uow.people.link_account(ws, "p1", "slack", "U1")
        uow.people.link_account(ws, "p1", "slack", "U1")
        uow.commit()
    with any_uow_factory() as uow:
        got = uow.people.by_account(ws, "slack", "U1")
        assert got is not None
        assert got.email == "ana@example.com"
        assert got.roles == frozenset({Role.EMPLOYEE, Role.MANAGER})
        assert got.introduced_at == NOW and got.introduced_at.tzinfo is not None
        assert uow.people.by_email(ws, "ANA@example.com") == got
        assert uow.people.account_of(ws, "p1", "slack") == "U1"
        assert uow.people.get("other-workspace", "p1") is None


def test_naive_datetimes_are_refused(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    with any_uow_factory() as uow, pytest.raises(Exception, match="naive"):
        uow.people.save(Person(id="p1", workspace_id=ws, name="A",
                               introduced_at=datetime(2026, 1, 1)))  # noqa: DTZ001


def test_an_outbox_key_is_queued_once(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    item = OutboundItem(ws, "k1", Message("hi"), recipient_id="p1")
    with any_uow_factory() as uow:
        assert uow.outbox.add(item, NOW) is True
        assert uow.outbox.add(item, NOW) is False
        uow.commit()
    with any_uow_factory() as uow:
        assert uow.outbox.add(item, NOW) is False


def test_an_event_id_is_seen_once(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    with any_uow_factory() as uow:
        assert uow.events.first_time(ws, "Ev1", NOW)
        uow.commit()
    with any_uow_factory() as uow:
        assert not uow.events.first_time(ws, "Ev1", NOW)


def test_marking_a_step_twice_succeeds_once(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    onb = Onboarding("o1", ws, "p1", "default", date(2026, 3, 2), OnboardingStatus.ACTIVE, NOW)
    with any_uow_factory() as uow:
        assert uow.onboardings.add(onb)
        assert not uow.onboardings.add(onb)
        uow.onboardings.add_steps(ws, [StepRun("o1", "welcome", "p1", NOW)])
        uow.onboardings.add_tasks(ws, [TaskState("o1", "setup", "laptop", "Set up laptop",
                                                 next_reminder_at=NOW)])
        uow.commit()
    with any_uow_factory() as uow:
        assert [s.step_id for _, s in uow.onboardings.due_steps(NOW)] == ["welcome"]
        assert uow.onboardings.mark_step(ws, "o1", "welcome", StepStatus.SENT, NOW)
        assert not uow.onboardings.mark_step(ws, "o1", "welcome", StepStatus.SENT, NOW)
        assert uow.onboardings.due_steps(NOW) == []
        assert uow.onboardings.record_reminder(ws, "o1", "setup", "laptop", 0, NOW + timedelta(days=1))
        assert not uow.onboardings.record_reminder(ws, "o1", "setup", "laptop", 0, None)
        assert uow.onboardings.mark_task_done(ws, "o1", "setup", "laptop", NOW)
        assert not uow.onboardings.mark_task_done(ws, "o1", "setup", "laptop", NOW)
        uow.commit()
    with any_uow_factory() as uow:
        (task,) = uow.onboardings.tasks(ws, "o1")
        assert task.done_at == NOW and task.reminders_sent == 1 and task.next_reminder_at is None


def test_a_person_has_at_most_one_active_onboarding(any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    first = Onboarding("o1", ws, "p1", "default", date(2026, 3, 2), OnboardingStatus.ACTIVE, NOW)
    racing = Onboarding("o2", ws, "p1", "default", date(2026, 3, 9), OnboardingStatus.ACTIVE, NOW)
    later = Onboarding("o3", ws, "p1", "default", date(2026, 4, 6), OnboardingStatus.ACTIVE, NOW)
    with any_uow_factory() as uow:
        assert uow.onboardings.add(first)
        assert not uow.onboardings.add(racing)  # a second start with another date loses
        uow.onboardings.set_status(ws, "o1", "cancelled")
        assert uow.onboardings.add(later)  # once stopped, a new one may start
        uow.commit()


def test_directory_names_include_people_who_left_and_no_other_workspace(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    ws = _workspace(any_uow_factory)
    with any_uow_factory() as uow:
        other = uow.workspaces.ensure("slack", "T2", "Elsewhere")
        uow.people.save(Person(id="p1", workspace_id=ws, name="Ana"))
        uow.people.save(Person(id="p2", workspace_id=ws, name="Zoë", active=False))
        uow.people.save(Person(id="p3", workspace_id=other, name="Outsider"))
        uow.commit()
    with any_uow_factory() as uow:
        assert sorted(uow.people.names(ws)) == ["Ana", "Zoë"]
