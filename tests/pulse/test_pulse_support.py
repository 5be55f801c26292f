"""The most severe burnout answer shows support resources to that person alone, at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from teamwell.bot.pulse_settings import PulseSettingError, support_resources
from teamwell.bot.storage.tables import OutboxRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.pulse_rotation import round_questions, week_index
from teamwell.core.support import SupportResources
from teamwell.handlers.pulse_answers import record_answer
from teamwell.surveys.pulse_bank import load_bank
from tests.pulse.pulse_world import MONDAY, PulseWorld, answer_values, build_pulse_world

SEVERE = "energy-burning-out"


def _monday_asking(question_id: str) -> datetime:
    """The first Monday from MONDAY whose round asks the question."""
    bank = load_bank()
    for weeks in range(30):
        monday = MONDAY + timedelta(weeks=weeks)
        asked = round_questions(bank, week_index(monday.date()), 4, False)
        if any(q.id == question_id for q in asked):
            return monday
    raise AssertionError(f"{question_id} is never asked")


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory) -> PulseWorld:
    built = build_pulse_world(uow_factory, FakeClock(_monday_asking(SEVERE)))
    eap = SupportResources(links=(("Employee Assistance Programme", "tel:+44-800-000-000"),))
    return replace(built, deps=replace(built.deps, pulse=replace(built.deps.pulse, support=eap)))


def _choice(values: list[str], answer: str) -> str:
    return next(v for v in values if v.endswith("|" + answer))


def _outbox_rows(world: PulseWorld) -> int:
    with world.factory() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(OutboxRow)) or 0)


def test_strongly_agreeing_to_burning_out_shows_support_and_queues_nothing(
        world: PulseWorld) -> None:
    world.open("Platform")
    values = answer_values(world.pulse_to("ada"))[SEVERE]
    before = _outbox_rows(world)

    reply = record_answer(world.deps, world.ws, "ada", _choice(values, "5"))

    assert "Employee Assistance Programme: tel:+44-800-000-000" in reply
    assert "Nobody has been told" in reply
    assert _outbox_rows(world) == before


def test_a_milder_answer_shows_no_support_text(world: PulseWorld) -> None:
    world.open("Platform")
    values = answer_values(world.pulse_to("bo"))[SEVERE]

    reply = record_answer(world.deps, world.ws, "bo", _choice(values, "4"))

    assert "Employee Assistance Programme" not in reply
    assert reply.startswith("Saved")


def test_support_links_are_read_from_the_settings() -> None:
    env = {"TEAMWELL_SUPPORT_LINKS": "EAP=https://eap.example.com; Helpline=tel:116123"}

    resources = support_resources(env)

    assert resources.links == (("EAP", "https://eap.example.com"), ("Helpline", "tel:116123"))


def test_a_support_link_that_is_not_an_address_is_refused_naming_the_setting() -> None:
    with pytest.raises(PulseSettingError, match="TEAMWELL_SUPPORT_LINKS"):
        support_resources({"TEAMWELL_SUPPORT_LINKS": "EAP=javascript:alert(1)"})
