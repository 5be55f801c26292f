"""A workspace for pulse tests: a department with teams of 7 and 4, and a clock on a Tuesday."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow, TeamRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.messages import Actions, Message, message_from_json
from teamwell.core.people import Person
from teamwell.core.pulse import PulseRound
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_rounds import open_round
from teamwell.surveys.onboarding import load_library

# Monday 2026-03-02 is a week's first day; pulses go on Tuesdays.
MONDAY = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
LONG_AGO = date(2024, 1, 8)
SEVEN = ("ada", "bo", "cy", "di", "ed", "flo", "gus")
FOUR = ("hal", "ivy", "jo", "kim")


@dataclass
class PulseWorld:
    """Engineering (department) holds Platform (7 people) and Design (4 people)."""

    ws: str
    deps: Deps
    clock: FakeClock
    factory: SqlUnitOfWorkFactory
    teams: dict[str, str]

    def open(self, team: str | None = None) -> PulseRound:
        """Open a round now and queue everyone's invitation."""
        opened = open_round(self.deps, self.ws, team)
        assert opened.pulse is not None, opened.message
        # Invitations wait for the end of each person's quiet hours: tick through a day.
        for _ in range(25):
            send_due_invites(self.deps)
            self.clock.advance(timedelta(hours=1))
        return opened.pulse

    def pulse_to(self, person_id: str) -> Message:
        """The latest pulse invitation queued for a person."""
        with self.factory() as uow:
            rows = uow.session.scalars(select(OutboxRow).where(
                OutboxRow.recipient_id == person_id,
                OutboxRow.idempotency_key.like("pulse:%")).order_by(OutboxRow.seq)).all()
            assert rows, f"no pulse queued for {person_id}"
            return message_from_json(json.loads(rows[-1].payload))

    def later(self, **kwargs: float) -> None:
        """Move the clock forward."""
        self.clock.advance(timedelta(**kwargs))


def answer_values(message: Message) -> dict[str, list[str]]:
    """Button values of a pulse message, per question id: values[qid] = ["rid|qid|1", ...]."""
    out: dict[str, list[str]] = {}
    for block in message.blocks:
        if isinstance(block, Actions):
            for b in block.buttons:
                _rid, qid, _v = b.value.split("|")
                out.setdefault(qid, []).append(b.value)
    return out


def build_pulse_world(factory: SqlUnitOfWorkFactory, clock: FakeClock) -> PulseWorld:
    """Eleven long-serving people in two teams under one department."""
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", "T1", "Acme")
        eng = uow.teams.ensure(ws, "Engineering").id
        platform = uow.teams.ensure(ws, "Platform").id
        design = uow.teams.ensure(ws, "Design").id
        for tid in (platform, design):
            row = uow.session.get(TeamRow, (ws, tid))
            assert row is not None
            row.parent_id = eng
        zones = ("Europe/London", "America/New_York", "Asia/Tokyo")
        for i, pid in enumerate(SEVEN + FOUR):
            uow.people.save(Person(pid, ws, pid.title(), email=f"{pid}@acme.test",
                                   team_id=platform if pid in SEVEN else design,
                                   timezone=zones[i % 3], start_date=LONG_AGO))
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=load_library())
    return PulseWorld(ws, deps, clock, factory,
                      {"Engineering": eng, "Platform": platform, "Design": design})
