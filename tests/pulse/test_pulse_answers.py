"""Answering a pulse through the handlers, on a real database."""

from __future__ import annotations

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.handlers.pulse_answers import record_answer
from tests.pulse.pulse_world import MONDAY, PulseWorld, answer_values, build_pulse_world


@pytest.fixture
def world(any_uow_factory: SqlUnitOfWorkFactory) -> PulseWorld:
    return build_pulse_world(any_uow_factory, FakeClock(MONDAY))


def test_everyone_in_the_team_gets_the_same_questions(world: PulseWorld) -> None:
    pulse = world.open("Platform")

    firsts = {tuple(answer_values(world.pulse_to(p))) for p in ("ada", "bo", "gus")}

    assert firsts == {pulse.question_ids[: len(next(iter(firsts)))]} or len(firsts) == 1


def test_an_answer_is_saved_and_can_be_changed(world: PulseWorld) -> None:
    world.open("Platform")
    values = answer_values(world.pulse_to("ada"))
    qid = next(iter(values))

    first = record_answer(world.deps, world.ws, "ada", values[qid][0])
    second = record_answer(world.deps, world.ws, "ada", values[qid][3])

    assert first.startswith("Saved") and second.startswith("Saved")
