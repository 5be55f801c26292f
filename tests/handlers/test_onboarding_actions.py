"""Buttons and forms on onboarding messages: Done, check-ins, "I need help", and who may click."""

from __future__ import annotations

from datetime import timedelta

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.actions import ActionId, pack
from teamwell.core.clock import FakeClock
from teamwell.core.errors import InvalidInput, NotAllowed, UnknownAction
from teamwell.core.onboarding import Onboarding, StepStatus
from teamwell.handlers.onboarding import (
    checkin_comment_form,
    complete_task,
    record_checkin_comment,
    record_checkin_score,
    request_help,
)
from tests.handlers.onboarding_world import World, build_world, button, buttons, utc


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> World:
    return build_world(uow_factory, clock)


def _start_team(world: World) -> tuple[Onboarding, Onboarding]:
    """Luis first, so that Dana is busy and Ben becomes Aroha's buddy."""
    return world.start("luis"), world.start("aroha")


def _done_values(world: World, key: str) -> list[str]:
    return [b.value for b in buttons(world.one(key).message) if b.action is ActionId.TASK_DONE]


def test_done_is_recorded_and_the_checklist_message_is_updated_in_place(world: World) -> None:
    luis, _ = _start_team(world)
    world.run_until(utc(2026, 3, 10, 16))  # Luis's checklist, Tuesday 09:00 in Los Angeles
    laptop = _done_values(world, f"onb:{luis.id}:setup-checklist")[0]

    reply = complete_task(world.deps, world.ws, "luis", laptop)

    assert reply == "Done: \"Sign in to your laptop and set a strong password\". 4 to go, no rush."
    update = world.one(f"onb-upd:{luis.id}:setup-checklist:laptop")
    assert update.recipient_id == "luis"
    assert update.replaces == f"onb:{luis.id}:setup-checklist"
    assert "✓ Sign in to your laptop and set a strong password (done)" in update.text
    assert len(_done_values(world, update.key)) == 4
    with world.factory() as uow:
        done = {t.task_id: t.done_at for t in uow.onboardings.tasks(world.ws, luis.id)}
    assert done["laptop"] == utc(2026, 3, 10, 16) and done["accounts"] is None


def test_ticking_done_twice_changes_nothing_the_second_time(world: World) -> None:
    luis, _ = _start_team(world)
    world.run_until(utc(2026, 3, 10, 16))
    laptop = _done_values(world, f"onb:{luis.id}:setup-checklist")[0]
    complete_task(world.deps, world.ws, "luis", laptop)
    queued = world.outbox()

    again = complete_task(world.deps, world.ws, "luis", laptop)

    assert "already ticked" in again
    assert world.outbox() == queued


def test_reminders_list_only_open_tasks_and_stop_once_everything_is_done(world: World) -> None:
    luis, _ = _start_team(world)
    world.run_until(utc(2026, 3, 10, 16))
    complete_task(world.deps, world.ws, "luis", _done_values(world, f"onb:{luis.id}:setup-checklist")[0])

    world.run_until(utc(2026, 3, 12, 16))  # two business days later, 09:00 in Los Angeles
    first = world.one(f"onb-rem:{luis.id}:setup-checklist:1")
    for value in _done_values(world, first.key):
        complete_task(world.deps, world.ws, "luis", value)
    world.run_until(utc(2026, 3, 31), every=timedelta(hours=6))

    assert first.created_at == utc(2026, 3, 12, 16)
    assert "laptop" not in first.text and len(_done_values(world, first.key)) == 4
    assert "Reminder 1 of 2" in first.text
    assert [s.key for s in world.outbox("luis") if s.key.startswith("onb-rem:")] == [first.key]
    with world.factory() as uow:
        tasks = uow.onboardings.tasks(world.ws, luis.id)
    assert all(t.done_at is not None and t.next_reminder_at is None for t in tasks)


def test_an_untouched_checklist_gets_two_reminders_and_no_more(world: World) -> None:
    luis, aroha = _start_team(world)

    world.run_until(utc(2026, 4, 1), every=timedelta(hours=1))  # reminders fall on the hour

    reminders = [s for s in world.outbox("aroha") if s.key.startswith("onb-rem:")]
    assert [(s.key, s.created_at) for s in reminders] == [
        (f"onb-rem:{aroha.id}:setup-checklist:1", utc(2026, 3, 10, 20)),  # Wed 09:00 Auckland
        (f"onb-rem:{aroha.id}:setup-checklist:2", utc(2026, 3, 12, 20)),  # Fri 09:00
    ]
    assert "That's my last reminder" in reminders[1].text


def test_a_check_in_says_who_sees_the_answer_and_answers_can_be_changed(world: World) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 11, 2))  # Wednesday 15:00 in Auckland
    checkin = world.one(f"onb:{aroha.id}:checkin-day-3")

    record_checkin_score(world.deps, world.ws, "aroha", button(checkin.message, "2 · Not great").value)
    reply = record_checkin_score(world.deps, world.ws, "aroha", button(checkin.message, "4 · Good").value)

    assert "Your answer is visible to your manager @Maya and your buddy @Ben." in checkin.text
    assert [b.label for b in buttons(checkin.message)] == [
        "1 · Rough", "2 · Not great", "3 · Okay", "4 · Good", "5 · Great", "Add a comment",
        "I need help"]
    assert reply.startswith("Thanks, saved 4 · Good.")
    with world.factory() as uow:
        answers = uow.onboardings.checkins(world.ws, aroha.id)
    assert [(a.step_id, a.score) for a in answers] == [("checkin-day-3", 4)]


def test_a_check_in_comment_goes_through_a_form_and_keeps_the_score(world: World) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 11, 2))
    checkin = world.one(f"onb:{aroha.id}:checkin-day-3")
    record_checkin_score(world.deps, world.ws, "aroha", button(checkin.message, "5 · Great").value)
    form = checkin_comment_form(world.deps, world.ws, "aroha",
                                button(checkin.message, "Add a comment").value)

    reply = record_checkin_comment(world.deps, world.ws, "aroha", form.context, "  Settling in.  ")

    assert form.callback is ActionId.CHECKIN_COMMENT_SUBMIT
    assert form.context == pack(aroha.id, "checkin-day-3")
    (field,) = form.fields
    assert (field.multiline, field.optional, field.max_length) == (True, True, 2000)
    assert form.intro is not None and "@Maya" in form.intro.plain({"maya": "Maya"})
    assert reply.startswith("Thanks, your comment is saved.")
    with world.factory() as uow:
        (answer,) = uow.onboardings.checkins(world.ws, aroha.id)
    assert (answer.score, answer.comment) == (5, "Settling in.")
    with pytest.raises(InvalidInput, match="2000"):
        record_checkin_comment(world.deps, world.ws, "aroha", form.context, "x" * 2001)


def test_help_is_handed_to_the_buddy_with_context_and_confirmed_to_the_hire(world: World) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 8, 20))  # Aroha's checklist, Monday 09:00 in Auckland
    checklist = world.one(f"onb:{aroha.id}:setup-checklist")
    complete_task(world.deps, world.ws, "aroha", _done_values(world, checklist.key)[0])

    reply = request_help(world.deps, world.ws, "aroha", button(checklist.message, "I need help").value)

    assert reply == "I've asked Ben to reach out to you directly."
    (handoff,) = [s for s in world.outbox("ben") if s.key.startswith("onb-help:")]
    assert "@Aroha pressed \"I need help\" on Your setup checklist" in handoff.text
    assert "1 of 5 tasks done" in handoff.text
    assert "Please reach out to @Aroha directly" in handoff.text
    (confirmation,) = [s for s in world.outbox("aroha") if s.key.startswith("onb-help-ok:")]
    assert "I've asked @Ben to reach out to you about Your setup checklist" in confirmation.text
    with world.factory() as uow:
        (request,) = uow.onboardings.help_requests(world.ws, aroha.id)
    assert (request.helper_id, request.step_id) == ("ben", "setup-checklist")
    assert handoff.key == f"onb-help:{request.id}"


def test_pressing_help_again_straight_away_does_not_hand_off_twice(world: World) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 8, 20))
    value = button(world.one(f"onb:{aroha.id}:setup-checklist").message, "I need help").value
    request_help(world.deps, world.ws, "aroha", value)
    queued = world.outbox()

    again = request_help(world.deps, world.ws, "aroha", value)

    assert again == "I've already asked Ben to reach out; they'll be in touch soon."
    assert world.outbox() == queued


def test_without_a_buddy_the_manager_gets_the_help_request(world: World) -> None:
    noor = world.start("noor")
    world.run_until(utc(2026, 3, 6, 9, 30))  # Friday 09:30 in London
    intro = world.one(f"onb:{noor.id}:meet-your-people")

    reply = request_help(world.deps, world.ws, "noor", button(intro.message, "I need help").value)

    assert reply == "I've asked Maya to reach out to you directly."
    (handoff,) = [s for s in world.outbox("maya") if s.key.startswith("onb-help:")]
    assert "@Noor pressed \"I need help\" on Two people to know" in handoff.text
    assert "You're getting this as Noor's manager: they have no buddy." in handoff.text
    assert "@Maya is your go-to person" in intro.text


def test_with_neither_buddy_nor_manager_help_goes_to_an_admin(world: World) -> None:
    tui = world.start("tui")
    world.run_until(utc(2026, 3, 6, 9))
    welcome = world.one(f"onb:{tui.id}:welcome")

    reply = request_help(world.deps, world.ws, "tui", button(welcome.message, "I need help").value)

    assert reply == "I've asked Kai to reach out to you directly."
    (handoff,) = [s for s in world.outbox("kai") if s.key.startswith("onb-help:")]
    assert "as a Teamwell admin: Tui has no buddy or manager." in handoff.text
    with world.factory() as uow:
        skipped = {s.step_id for s in uow.onboardings.steps(world.ws, tui.id)
                   if s.status is StepStatus.SKIPPED}
    assert skipped == {"prepare-first-week", "buddy-heads-up", "manager-day-30", "manager-day-90"}


def test_nobody_can_act_on_someone_elses_onboarding(world: World) -> None:
    luis, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 11, 2))
    checklist = world.one(f"onb:{aroha.id}:setup-checklist").message
    checkin = world.one(f"onb:{aroha.id}:checkin-day-3").message
    queued = world.outbox()

    with pytest.raises(NotAllowed) as refused:
        complete_task(world.deps, world.ws, "luis", _done_values(world, f"onb:{aroha.id}:setup-checklist")[0])
    with pytest.raises(NotAllowed):
        record_checkin_score(world.deps, world.ws, "luis", button(checkin, "1 · Rough").value)
    with pytest.raises(NotAllowed):
        request_help(world.deps, world.ws, "luis", button(checklist, "I need help").value)

    assert refused.value.user_message == (
        "That belongs to someone else's onboarding, so I left it as it was.")
    assert world.outbox() == queued
    with world.factory() as uow:
        assert all(t.done_at is None for t in uow.onboardings.tasks(world.ws, aroha.id))
        assert uow.onboardings.checkins(world.ws, aroha.id) == []


@pytest.mark.parametrize("value", [
    "not-a-value",
    "a|b|c|d",
    "{onb}|setup-checklist|no-such-task",
    "{onb}|checkin-week-1|3",  # a real check-in that has not been sent yet
    "{onb}|checkin-day-3|9",
    "{onb}|welcome|laptop",  # not a checklist
])
def test_forged_or_stale_button_values_are_refused_kindly(world: World, value: str) -> None:
    _, aroha = _start_team(world)
    world.run_until(utc(2026, 3, 11, 2))
    forged = value.replace("{onb}", aroha.id)
    handler = record_checkin_score if "checkin" in value else complete_task

    with pytest.raises(UnknownAction) as refused:
        handler(world.deps, world.ws, "aroha", forged)

    assert "didn't change anything" in refused.value.user_message
