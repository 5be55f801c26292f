"""Recognition insights on a real database: private stats, prompts to managers, the nudge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.errors import NotAllowed
from teamwell.core.people import Person, Role
from teamwell.handlers.commands import command_reply
from teamwell.handlers.deps import Deps
from teamwell.handlers.kudos import give_kudos
from teamwell.handlers.recognition import (
    fairness_view,
    report_kudos,
    send_recognition_prompts,
    suggest_thanks_after_pulse,
)
from teamwell.surveys.onboarding import load_library

MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
MANAGER = frozenset({Role.EMPLOYEE, Role.MANAGER})


def _world(factory: SqlUnitOfWorkFactory) -> tuple[Deps, FakeClock, str]:
    clock = FakeClock(MONDAY)
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        team = uow.teams.ensure(ws, "Platform").id
        uow.people.save(Person("mia", ws, "Mia", timezone="Asia/Tokyo", roles=MANAGER,
                               team_id=team))
        for pid in ("ana", "bo", "cy"):
            uow.people.save(Person(pid, ws, pid.title(), manager_id="mia", team_id=team,
                                   start_date=date(2024, 1, 8), timezone="Europe/London"))
        uow.commit()
    return Deps(uow=factory, clock=clock, sequences=load_library()), clock, ws


def _keys(factory: SqlUnitOfWorkFactory, prefix: str) -> list[str]:
    with factory() as uow:
        return list(uow.session.scalars(select(OutboxRow.idempotency_key).where(
            OutboxRow.idempotency_key.like(prefix + "%"))))


def test_my_kudos_counts_given_and_received_by_value(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, _clock, ws = _world(any_uow_factory)
    give_kudos(deps, ws, "ana", ["bo", "cy"], "great pairing #teamwork")
    give_kudos(deps, ws, "bo", ["ana"], "thanks for the review #candour")

    mine = command_reply(deps, ws, "ana", "kudos", private=True)

    shown = " ".join(b.body.plain() for b in mine.blocks if hasattr(b, "body"))
    assert "2" in shown and "1" in shown and "Candour" in shown


def test_a_manager_sees_only_their_own_reports_figures(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, _clock, ws = _world(any_uow_factory)

    assert report_kudos(deps, ws, "mia", "ana").blocks
    with pytest.raises(NotAllowed):
        report_kudos(deps, ws, "bo", "ana")


def test_a_manager_hears_once_a_week_from_monday_ten_their_time_who_had_no_thanks(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, clock, ws = _world(any_uow_factory)
    clock.set(MONDAY + timedelta(weeks=8) - timedelta(hours=8))  # Monday 09:00 in Tokyo
    give_kudos(deps, ws, "ana", ["bo"], "thanks for covering")

    early = send_recognition_prompts(deps)
    clock.advance(timedelta(hours=1, minutes=1))  # 10:01 in Tokyo
    first = send_recognition_prompts(deps)
    again = send_recognition_prompts(deps)

    assert (early, first, again) == (0, 1, 0)
    with any_uow_factory() as uow:
        (payload,) = uow.session.scalars(select(OutboxRow.payload).where(
            OutboxRow.idempotency_key.like("recognition-prompt:%")))
    assert '"ana"' in payload and '"cy"' in payload and '"bo"' not in payload


def test_after_a_pulse_closes_each_manager_gets_one_gentle_suggestion(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    from teamwell.handlers.pulse_delivery import send_due_invites
    from teamwell.handlers.pulse_rounds import close_round, open_round

    deps, clock, ws = _world(any_uow_factory)
    clock.set(MONDAY + timedelta(hours=2))  # 10:00 in London, 19:00 in Tokyo
    opened = open_round(deps, ws)
    assert opened.pulse is not None
    send_due_invites(deps)

    close_round(deps, ws, opened.pulse.id)
    suggest_thanks_after_pulse(deps, ws, opened.pulse.id)  # a second call changes nothing

    assert _keys(any_uow_factory, "kudos-nudge:") == [f"kudos-nudge:{opened.pulse.id}:mia"]
    with any_uow_factory() as uow:
        (not_before,) = uow.session.scalars(select(OutboxRow.not_before).where(
            OutboxRow.idempotency_key.like("kudos-nudge:%")))
    # Closed at 19:00 in Tokyo: Mia hears about it after her quiet hours, at 08:00 next day.
    assert not_before == datetime(2026, 3, 2, 23, 0, tzinfo=UTC)


def test_the_fairness_view_finds_concentration_and_teams_with_none(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, _clock, ws = _world(any_uow_factory)
    for _ in range(3):
        give_kudos(deps, ws, "ana", ["bo"], "thanks again")

    result, message, board = fairness_view(deps, ws)

    assert result.receivers == 1 and result.gini > 0.5
    assert board == [("bo", 3)]
    assert message.blocks


def test_a_manager_sees_kudos_received_by_each_report_and_others_are_refused(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, _clock, ws = _world(any_uow_factory)
    give_kudos(deps, ws, "ana", ["bo"], "thanks for the fix")

    team = command_reply(deps, ws, "mia", "kudos team", private=True)

    shown = " ".join(b.body.plain() for b in team.blocks if hasattr(b, "body"))
    assert "Bo: 1" in shown and "Ana: 0" in shown and "Cy: 0" in shown
    with pytest.raises(NotAllowed):  # nobody reports to Ana
        command_reply(deps, ws, "ana", "kudos team", private=True)


def test_mydata_lists_my_record_and_kudos_only_on_the_private_path(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, _clock, ws = _world(any_uow_factory)
    give_kudos(deps, ws, "ana", ["bo"], "thanks for the fix")
    give_kudos(deps, ws, "cy", ["ana"], "thanks for the docs")

    private = command_reply(deps, ws, "ana", "mydata", private=True)
    stored = command_reply(deps, ws, "ana", "mydata", private=False)

    shown = " ".join(b.body.plain() for b in private.blocks if hasattr(b, "body"))
    assert "1 given, 1 received" in shown and "to Bo" in shown and "from Cy" in shown
    assert "Platform" in shown and "Mia" in shown
    assert "slash command" in " ".join(b.body.plain() for b in stored.blocks
                                       if hasattr(b, "body"))
