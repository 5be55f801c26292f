"""Pulse handlers given bad input, and their small behaviours, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from teamwell.bot.storage.tables import OutboxRow, PulseAnswerRow, PulseCommentRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.errors import InvalidInput, NotAllowed, UnknownAction
from teamwell.core.messages import Message, to_json
from teamwell.core.pulse import PulsePreference, PulseRound
from teamwell.handlers.commands import command_reply, reply_to_direct_message
from teamwell.handlers.pulse_answers import (
    record_answer,
    record_pulse_comment,
    set_pulse_participation,
)
from teamwell.handlers.pulse_delivery import send_due_invites, send_due_pulse_reminders
from teamwell.handlers.pulse_results import team_results
from teamwell.handlers.pulse_rounds import close_round, open_round, open_weekly_rounds
from tests.pulse.pulse_world import MONDAY, SEVEN, PulseWorld, answer_values, build_pulse_world

MIDNIGHT = datetime(2026, 3, 2, tzinfo=UTC)  # Monday: when the scheduled round opens


@pytest.fixture
def world(any_uow_factory: SqlUnitOfWorkFactory) -> PulseWorld:
    return build_pulse_world(any_uow_factory, FakeClock(MONDAY))


@pytest.fixture
def pulse(world: PulseWorld) -> PulseRound:
    return world.open("Platform")


def _comments(w: PulseWorld) -> list[str]:
    with w.factory() as uow:
        return list(uow.session.scalars(select(PulseCommentRow.body)))


def _answers(w: PulseWorld) -> list[tuple[str, int | None]]:
    with w.factory() as uow:
        return [(a.question_id, a.value) for a in uow.session.scalars(select(PulseAnswerRow))]


def _words(message: Message) -> str:
    return json.dumps(to_json(message), ensure_ascii=False)


def test_a_comment_over_a_thousand_characters_is_refused_with_the_limit_and_its_length(
        world: PulseWorld, pulse: PulseRound) -> None:
    with pytest.raises(InvalidInput) as refused:
        record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "x" * 1001)

    assert "1,000" in refused.value.user_message and "1,001" in refused.value.user_message
    assert _comments(world) == []
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "y" * 1000)  # the limit itself
    assert _comments(world) == ["y" * 1000]


@pytest.mark.parametrize("blank", ["", "   ", "\n\t \n"])
def test_an_empty_comment_is_refused_and_nothing_is_stored(
        world: PulseWorld, pulse: PulseRound, blank: str) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        record_pulse_comment(world.deps, world.ws, "ada", pulse.id, blank)

    assert _comments(world) == []


@pytest.mark.parametrize("typed", [
    "Great week \U0001f389 \U0001f469\U0001f3fd\u200d\U0001f4bb deploys \u2764\ufe0f",
    "\u0623\u0633\u0628\u0648\u0639 \u062c\u064a\u062f \u05e9\u05d1\u05d5\u05e2 \u05d8\u05d5\u05d1",
    "\u4eca\u9031\u306f\u5fd9\u3057\u304b\u3063\u305f \ud55c\uad6d\uc5b4 \u4e2d\u6587",
    "Cafe\u0301 nai\u0308ve Z\u0335\u0321a\u0336l\u0334g\u0338o",
    "<!channel> *x* <http://evil|click> `code` &amp; <@U123>",
])
def test_a_comment_is_stored_exactly_as_typed_whatever_its_characters(
        world: PulseWorld, pulse: PulseRound, typed: str) -> None:
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, typed)

    assert _comments(world) == [typed]  # not normalised, escaped or stripped of markup


def test_a_nul_character_is_dropped_from_a_comment_on_every_database(
        world: PulseWorld, pulse: PulseRound) -> None:
    # PostgreSQL text cannot hold NUL; it never carries meaning, so it is dropped everywhere.
    record_pulse_comment(world.deps, world.ws, "ada", pulse.id, "before\x00after")

    assert _comments(world) == ["beforeafter"]


@pytest.mark.parametrize("choice", ["9", "0", "-1", "3.5", " 3", "+3", "three"])
def test_an_answer_off_the_scale_is_refused_and_nothing_is_stored(
        world: PulseWorld, pulse: PulseRound, choice: str) -> None:
    value = f"{pulse.id}|{pulse.question_ids[0]}|{choice}"

    with pytest.raises(InvalidInput) as refused:
        record_answer(world.deps, world.ws, "ada", value)

    assert refused.value.user_message == "That answer isn't on this question's scale."
    assert _answers(world) == []


@pytest.mark.parametrize("choice", ["--3", "\u00b2", "\u0663"])
def test_an_answer_that_only_looks_numeric_is_refused_as_off_the_scale(
        world: PulseWorld, pulse: PulseRound, choice: str) -> None:
    with pytest.raises(InvalidInput):
        record_answer(world.deps, world.ws, "ada", f"{pulse.id}|{pulse.question_ids[0]}|{choice}")

    assert _answers(world) == []


@pytest.mark.parametrize("value", ["nonsense", "a|b", "a|b|3|4", "||", "|q|3", "a|b|"])
def test_a_malformed_button_value_is_an_unknown_action(
        world: PulseWorld, pulse: PulseRound, value: str) -> None:
    with pytest.raises(UnknownAction, match="isn't one I know"):
        record_answer(world.deps, world.ws, "ada", value)

    assert _answers(world) == []


def test_a_forged_button_value_holding_a_nul_character_is_an_unknown_action(
        world: PulseWorld, pulse: PulseRound) -> None:
    with pytest.raises(UnknownAction):
        record_answer(world.deps, world.ws, "ada", f"{pulse.id}\x00|{pulse.question_ids[0]}|3")

    assert _answers(world) == []


def test_a_question_not_in_the_round_or_a_round_not_sent_to_me_is_refused(
        world: PulseWorld, pulse: PulseRound) -> None:
    elsewhere = next(q.id for q in world.deps.questions.rotating()
                     if q.id not in pulse.question_ids)
    asked = pulse.question_ids[0]

    with pytest.raises(UnknownAction, match="isn't part of this pulse"):
        record_answer(world.deps, world.ws, "ada", f"{pulse.id}|{elsewhere}|3")
    with pytest.raises(UnknownAction, match="don't know that pulse"):
        record_answer(world.deps, world.ws, "ada", f"nosuchround|{asked}|3")
    with pytest.raises(NotAllowed, match="not sent to you"):
        record_answer(world.deps, world.ws, "hal", f"{pulse.id}|{asked}|3")  # Design, not asked

    assert _answers(world) == []


def test_skip_stores_no_value_and_is_not_counted_in_the_dimension(
        world: PulseWorld, pulse: PulseRound) -> None:
    skipped = world.deps.questions.get(pulse.question_ids[0])
    assert skipped is not None
    for person in SEVEN:
        for qid, values in answer_values(world.pulse_to(person)).items():
            record_answer(world.deps, world.ws, person,
                          values[-1] if person == "ada" and qid == skipped.id else values[2])

    close_round(world.deps, world.ws, pulse.id)

    (platform,) = team_results(world.deps, world.ws, "Platform").groups
    n = {fig.dimension.id: fig.n for fig in platform.dimensions}
    assert _answers(world).count((skipped.id, None)) == 1
    assert n[skipped.dimension.id] == 6
    assert {d for d, count in n.items() if count == 7} == set(n) - {skipped.dimension.id}


def test_the_same_click_twice_keeps_one_answer_and_a_change_replaces_it(
        world: PulseWorld, pulse: PulseRound) -> None:
    qid, values = next(iter(answer_values(world.pulse_to("ada")).items()))

    record_answer(world.deps, world.ws, "ada", values[1])
    record_answer(world.deps, world.ws, "ada", values[1])
    after_replay = _answers(world)
    record_answer(world.deps, world.ws, "ada", values[4])

    assert after_replay == [(qid, int(values[1].split("|")[2]))]
    assert _answers(world) == [(qid, int(values[4].split("|")[2]))]


def test_my_answers_show_in_the_private_reply_but_never_in_the_outbox(
        world: PulseWorld, pulse: PulseRound) -> None:
    values = answer_values(world.pulse_to("ada"))
    for choices in values.values():
        record_answer(world.deps, world.ws, "ada", choices[1])

    private = _words(command_reply(world.deps, world.ws, "ada", "pulse", private=True))
    shared = _words(command_reply(world.deps, world.ws, "ada", "pulse", private=False))
    assert reply_to_direct_message(world.deps, world.ws, "ada", "Ev1", "pulse")

    # The receipt says "your answers are stored without your name"; an answer reads
    # "(your answer: Agree)".
    assert private.count("(your answer: ") == len(values)
    assert "(your answer: " not in shared and "This week's pulse" in shared
    with world.factory() as uow:
        payloads = {r.idempotency_key: r.payload for r in uow.session.scalars(
            select(OutboxRow).where(OutboxRow.recipient_id == "ada"))}
    assert "This week's pulse" in payloads["dm-reply:Ev1"]  # the DM path re-sent the pulse
    assert not [p for p in payloads.values() if "(your answer: " in p]


def test_someone_who_opted_out_is_left_out_and_back_the_week_after_opting_in(
        world: PulseWorld) -> None:
    set_pulse_participation(world.deps, world.ws, "ada", False)

    out = open_round(world.deps, world.ws, "Platform")
    set_pulse_participation(world.deps, world.ws, "ada", True)
    world.later(days=7)
    back = open_round(world.deps, world.ws, "Platform")

    assert (out.invited, out.left_out) == (6, {"opted out": 1})
    assert (back.invited, back.left_out) == (7, {})
    with world.factory() as uow:
        assert uow.pulses.invite(world.ws, back.pulse.id, "ada") is not None  # type: ignore[union-attr]
        assert uow.pulses.invite(world.ws, out.pulse.id, "ada") is None  # type: ignore[union-attr]


def test_the_privacy_receipt_states_the_reporting_minimum_and_the_team_size(
        world: PulseWorld) -> None:
    world.open()

    platform, design = _words(world.pulse_to("ada")), _words(world.pulse_to("hal"))

    assert "at least 5 people who answered" in platform
    assert "Your team currently has 7 members" in platform
    assert "Your team currently has 4 members" in design


def _scheduled_world(factory: SqlUnitOfWorkFactory) -> PulseWorld:
    w = build_pulse_world(factory, FakeClock(MIDNIGHT))
    assert open_weekly_rounds(w.deps) == 1
    return w


def _run_days(w: PulseWorld, days: int) -> set[str]:
    for _ in range(days * 24):
        send_due_invites(w.deps)
        send_due_pulse_reminders(w.deps)
        w.later(hours=1)
    with w.factory() as uow:
        return set(uow.session.scalars(select(OutboxRow.idempotency_key).where(
            OutboxRow.idempotency_key.like("pulse%"), OutboxRow.recipient_id == "ada")))


def test_opting_out_after_the_round_opened_stops_the_pending_invitation(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = _scheduled_world(any_uow_factory)
    set_pulse_participation(w.deps, w.ws, "ada", False)  # Monday; the pulse goes on Tuesday

    assert _run_days(w, 3) == set()


def test_opting_out_after_the_invitation_stops_the_reminder(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = _scheduled_world(any_uow_factory)
    invited = _run_days(w, 2)
    set_pulse_participation(w.deps, w.ws, "ada", False)

    assert _run_days(w, 1) == invited and len(invited) == 1


def test_someone_back_from_leave_before_the_pulse_day_is_asked_that_week(
        any_uow_factory: SqlUnitOfWorkFactory) -> None:
    w = build_pulse_world(any_uow_factory, FakeClock(MIDNIGHT))
    with w.factory() as uow:  # bo is in New York and back at work on Monday
        uow.pulses.set_preference(w.ws, "bo", PulsePreference(on_leave_until=date(2026, 3, 1)))
        uow.commit()

    opened = open_weekly_rounds(w.deps)

    with w.factory() as uow:
        (pulse,) = uow.pulses.rounds_in_week(w.ws, MIDNIGHT.date())
        assert opened == 1 and uow.pulses.invite(w.ws, pulse.id, "bo") is not None
