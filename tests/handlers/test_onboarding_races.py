"""Two presses at the same moment, on every database: one hand-off, one answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.handlers.onboarding import record_checkin_score, request_help
from tests.handlers.onboarding_world import build_world, button, utc


def test_two_help_presses_at_once_hand_off_once(any_uow_factory: SqlUnitOfWorkFactory,
                                               clock: FakeClock) -> None:
    world = build_world(any_uow_factory, clock)
    world.start("luis")
    aroha = world.start("aroha")
    world.run_until(utc(2026, 3, 8, 20))
    value = button(world.one(f"onb:{aroha.id}:setup-checklist").message, "I need help").value

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(lambda _: request_help(world.deps, world.ws, "aroha", value),
                                range(4)))

    handoffs = [s for s in world.outbox("ben") if s.key.startswith("onb-help:")]
    assert len(handoffs) == 1
    assert sum(r.startswith("I've asked Ben") for r in replies) == 1


def test_two_answers_to_a_new_check_in_at_once_never_fail(any_uow_factory: SqlUnitOfWorkFactory,
                                                        clock: FakeClock) -> None:
    world = build_world(any_uow_factory, clock)
    noor = world.start("noor")
    world.run_until(utc(2026, 3, 12, 16))  # past Noor's day-3 check-in (15:00 London)
    value = f"{noor.id}|checkin-day-3|"

    with ThreadPoolExecutor(max_workers=4) as pool:
        replies = list(pool.map(
            lambda n: record_checkin_score(world.deps, world.ws, "noor", value + str(n)),
            (2, 3, 4, 5)))

    assert all(r.startswith("Thanks, saved") for r in replies)
    with world.factory() as uow:
        (answer,) = uow.onboardings.checkins(world.ws, noor.id)
    assert answer.score in (2, 3, 4, 5)
