"""The App Home tab and `/teamwell onboarding`: your progress, your reports', your buddies'."""

from __future__ import annotations

import pytest

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.errors import UnknownPerson
from teamwell.core.messages import Context, Header
from teamwell.handlers.onboarding import (
    home_blocks,
    progress_message,
    record_checkin_comment,
    record_checkin_score,
    stop_onboarding,
)
from tests.handlers.onboarding_world import World, build_world, button, plain, utc

BOT_NOTICE = "I'm Teamwell, a bot. /teamwell privacy shows what I keep and who sees it."


@pytest.fixture
def world(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> World:
    return build_world(uow_factory, clock)


def _answer_day_3(world: World) -> None:
    """Luis and Aroha start (Ben is Aroha's buddy, Dana Luis's); Aroha answers her check-in."""
    world.start("luis")
    aroha = world.start("aroha")
    world.run_until(utc(2026, 3, 11, 2))  # Wednesday 15:00 in Auckland
    checkin = world.one(f"onb:{aroha.id}:checkin-day-3")
    record_checkin_score(world.deps, world.ws, "aroha", button(checkin.message, "4 · Good").value)
    record_checkin_comment(world.deps, world.ws, "aroha", f"{aroha.id}|checkin-day-3",
                           "Settling in")


def test_the_home_tab_shows_your_progress_and_your_reports_progress(world: World) -> None:
    _answer_day_3(world)

    manager = plain(home_blocks(world.deps, world.ws, "maya"))
    own = plain(home_blocks(world.deps, world.ws, "aroha"))
    nothing = plain(home_blocks(world.deps, world.ws, "kai"))

    assert "New starters on your team" in manager
    assert "Aroha · started Fri 6 Mar 2026 · 7 of 13 steps · 0 of 5 tasks done" in manager
    assert "Luis · started Mon 9 Mar 2026" in manager
    assert "Quick check-in: your first few days: 4 · Good · \"Settling in\"" in manager
    assert "Your onboarding" in own and "Next: Check-in: your first week and a bit" in own
    assert "Nothing here yet" in nothing
    assert progress_message(world.deps, world.ws, "aroha").blocks == home_blocks(
        world.deps, world.ws, "aroha")
    with pytest.raises(UnknownPerson):
        home_blocks(world.deps, world.ws, "nobody")


def test_a_buddy_sees_the_progress_and_check_in_answers_of_the_hires_they_look_after(
        world: World) -> None:
    _answer_day_3(world)

    ben = plain(home_blocks(world.deps, world.ws, "ben"))
    dana = plain(home_blocks(world.deps, world.ws, "dana"))

    assert "New starters you're a buddy to" in ben
    assert "Aroha · started Fri 6 Mar 2026 · 7 of 13 steps" in ben
    assert "Quick check-in: your first few days: 4 · Good · \"Settling in\"" in ben
    assert "Luis" not in ben
    assert "Luis · started Mon 9 Mar 2026" in dana and "Aroha" not in dana


def test_the_home_tab_and_the_progress_command_say_up_front_that_this_is_a_bot(
        world: World) -> None:
    for blocks in (home_blocks(world.deps, world.ws, "kai"),
                   progress_message(world.deps, world.ws, "kai").blocks):
        assert isinstance(blocks[0], Header)
        assert isinstance(blocks[1], Context) and plain(blocks[1:2]) == BOT_NOTICE


def test_a_stopped_onboarding_shows_as_stopped_and_leaves_the_managers_and_buddys_lists(
        world: World) -> None:
    _answer_day_3(world)

    stop_onboarding(world.deps, world.ws, "aroha")

    own = plain(home_blocks(world.deps, world.ws, "aroha"))
    assert "Aroha · stopped" in own and "Next:" not in own
    assert "ask your manager or HR team" in own
    assert "Aroha" not in plain(home_blocks(world.deps, world.ws, "maya"))
    assert "Nothing here yet" in plain(home_blocks(world.deps, world.ws, "ben"))
