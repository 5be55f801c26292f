"""The celebrations job on a real database: 09:00 local across time zones, once each."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.people import Person
from teamwell.core.recognition import RecognitionConfig
from teamwell.handlers.celebrations import send_due_celebrations
from teamwell.handlers.commands import command_reply
from teamwell.handlers.deps import Deps
from teamwell.surveys.onboarding import load_library

CHANNEL = "C0CELEBR8"
# Wednesday 11 March 2026: everyone below started on a 11 March some years ago.
ZONES = {"hana": "Pacific/Honolulu", "lars": "Europe/London", "kai": "Pacific/Kiritimati",
         "aroha": "Pacific/Auckland"}


def _world(factory: SqlUnitOfWorkFactory) -> tuple[Deps, FakeClock, str]:
    clock = FakeClock(datetime(2026, 3, 10, 0, 0, tzinfo=UTC))
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        for i, (pid, zone) in enumerate(ZONES.items()):
            uow.people.save(Person(pid, ws, pid.title(), timezone=zone,
                                   start_date=date(2022 - i, 3, 11),
                                   birthday=date(1900, 3, 11)))
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=load_library(),
                recognition=RecognitionConfig(channel=CHANNEL))
    return deps, clock, ws


def _queued(factory: SqlUnitOfWorkFactory) -> list[tuple[str, str | None, datetime, str]]:
    with factory() as uow:
        rows = uow.session.scalars(select(OutboxRow).where(
            OutboxRow.idempotency_key.like("celebration%")).order_by(OutboxRow.seq)).all()
        return [(r.idempotency_key, r.recipient_id, r.created_at, r.payload) for r in rows]


def _run(deps: Deps, clock: FakeClock, hours: int) -> None:
    for _ in range(hours * 4):
        send_due_celebrations(deps)
        send_due_celebrations(deps)  # a tick that fires twice
        clock.advance(timedelta(minutes=15))


def test_anniversaries_go_out_at_nine_local_from_utc_minus_10_to_plus_14_once_each(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, clock, _ws = _world(any_uow_factory)

    _run(deps, clock, 60)

    dms = [(key, who, at) for key, who, at, _ in _queued(any_uow_factory) if who]
    assert sorted(who for _, who, _ in dms) == sorted(ZONES)  # one each, birthdays not opted in
    for _key, who, at in dms:
        local = at.astimezone(ZoneInfo(ZONES[who or ""]))
        assert (local.date(), local.hour) == (date(2026, 3, 11), 9)
        assert local.minute < 15  # the first tick at or after 09:00


def test_a_birthday_needs_an_opt_in_and_never_shows_an_age(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    deps, clock, ws = _world(any_uow_factory)
    command_reply(deps, ws, "lars", "birthday on")
    command_reply(deps, ws, "kai", "celebrations off")

    _run(deps, clock, 60)

    queued = _queued(any_uow_factory)
    birthday = [p for key, who, _, p in queued if "birthday" in key]
    assert len(birthday) == 1 and "lars" in [w for k, w, _, _ in queued if "birthday" in k]
    assert not any(str(y) in birthday[0] for y in range(1, 130))
    assert "kai" not in [who for _, who, _, _ in queued]


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Pacific/Kiritimati"])
def test_a_saturday_occasion_moves_to_monday_in_the_persons_own_calendar(
        any_uow_factory: SqlUnitOfWorkFactory, zone: str) -> None:
    clock = FakeClock(datetime(2026, 3, 13, 0, 0, tzinfo=UTC))
    with any_uow_factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        uow.people.save(Person("sam", ws, "Sam", timezone=zone, start_date=date(2023, 3, 14)))
        uow.commit()
    deps = Deps(uow=any_uow_factory, clock=clock, sequences=load_library(),
                recognition=RecognitionConfig(channel=CHANNEL))

    _run(deps, clock, 24 * 5)

    (dm,) = [(at, p) for _, who, at, p in _queued(any_uow_factory) if who == "sam"]
    local = dm[0].astimezone(ZoneInfo(zone))
    assert local.date() == date(2026, 3, 16) and local.hour == 9  # Monday
    assert "3 years" in json.dumps(json.loads(dm[1]))
