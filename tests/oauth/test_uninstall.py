"""Uninstalling from one workspace deletes its tokens and stops its work; the other goes on."""

from __future__ import annotations

from datetime import date
from typing import Any

from teamwell.bot.scheduler import directory_sync
from teamwell.bot.slack.tokens import NOT_INSTALLED
from teamwell.bot.storage.outbox_store import retry_failed
from teamwell.bot.storage.workspace_state import uninstalled_at
from teamwell.bot.wiring import slack_client
from teamwell.core.messages import Message
from teamwell.core.onboarding import StepStatus
from teamwell.core.outbox import OutboundItem
from teamwell.handlers.onboarding import run_due_steps, start_onboarding
from tests.oauth.conftest import ALPHA, BETA, OAuthWorld
from tests.oauth.test_two_workspaces import PEOPLE, dm, install_both

START = date(2026, 3, 2)  # today: the welcome is due at 09:00 (UTC), the clock reads 10:00


def hire_in_both(world: OAuthWorld) -> dict[str, str]:
    """A hire starting today in each workspace, onboarding started; person id by team."""
    hires: dict[str, str] = {}
    for team, user in PEOPLE.items():
        hires[team] = world.add_person(team, user, f"Hire{team[-4:]}", start_date=START)
        start_onboarding(world.wired.deps, world.workspace(team), hires[team], START)
    return hires


def welcome_status(world: OAuthWorld, team: str, person_id: str) -> StepStatus:
    """Where the hire's day-0 welcome stands."""
    ws = world.workspace(team)
    with world.wired.deps.uow() as uow:
        onboarding = uow.onboardings.latest_for(ws, person_id)
        assert onboarding is not None
        steps = uow.onboardings.steps(ws, onboarding.id)
    return next(s.status for s in steps if s.step_id == "welcome")


def outbox_of(world: OAuthWorld, team: str) -> list[dict[str, Any]]:
    """The raw outbox rows of a team's workspace."""
    ws = world.workspace(team)
    return [r for r in world.raw("outbox") if r["workspace_id"] == ws]


async def say_help(world: OAuthWorld, team: str) -> None:
    """The team's person writes "help" to the bot (the answer is queued)."""
    user = PEOPLE[team]
    assert await world.event(team, {"type": "message", "channel_type": "im", "user": user,
                                    "text": "help", "channel": dm(world, team, user),
                                    "ts": "1700000000.000100"}) == 200


async def test_app_uninstalled_removes_the_tokens_and_stops_that_workspace_while_the_other_goes_on(
        oauth_world: OAuthWorld) -> None:
    world = oauth_world
    tokens = await install_both(world)
    hires = hire_in_both(world)
    for team in PEOPLE:
        await say_help(world, team)
    world.slack.revoke(ALPHA)  # Slack's side of the uninstall, then its event

    status = await world.event(ALPHA, {"type": "app_uninstalled"})
    calls_before = len(world.slack.calls)
    run_due_steps(world.wired.deps)
    delivered = await world.sender.drain()
    synced = await directory_sync(world.wired.deps, slack_client(world.wired.settings),
                                  world.store.installed_teams)

    assert status == 200
    assert {r["team_id"] for r in world.raw("slack_installations") + world.raw("slack_bots")} \
        == {BETA}
    assert uninstalled_at(world.wired.deps.uow, world.workspace(ALPHA)) == world.clock.now()
    alpha = outbox_of(world, ALPHA)
    assert alpha and {r["status"] for r in alpha} == {"failed"}
    assert all("uninstalled" in r["last_error"] for r in alpha)
    assert welcome_status(world, ALPHA, hires[ALPHA]) is StepStatus.PENDING
    assert welcome_status(world, BETA, hires[BETA]) is StepStatus.SENT
    assert {r["status"] for r in outbox_of(world, BETA)} == {"sent"}
    assert delivered == len(outbox_of(world, BETA)) and synced >= 1
    assert [c.team_id for c in world.slack.calls[calls_before:]] == \
        [BETA] * (len(world.slack.calls) - calls_before)
    assert world.slack.calls_with(tokens[ALPHA], "users.list") == []


async def test_tokens_revoked_for_the_bot_is_an_uninstall_too(oauth_world: OAuthWorld) -> None:
    world = oauth_world
    await install_both(world)
    world.add_person(ALPHA, "UANA", "Ana")
    await say_help(world, ALPHA)

    status = await world.event(ALPHA, {"type": "tokens_revoked",
                                       "tokens": {"oauth": [], "bot": ["UTEAMWELL"]}})

    assert status == 200
    assert world.store.bot_token(ALPHA) is None and world.store.bot_token(BETA) is not None
    assert uninstalled_at(world.wired.deps.uow, world.workspace(ALPHA)) is not None
    assert {r["status"] for r in outbox_of(world, ALPHA)} == {"failed"}


async def test_a_message_queued_after_the_uninstall_fails_clearly_without_calling_slack(
        oauth_world: OAuthWorld) -> None:
    world = oauth_world
    await install_both(world)
    person = world.add_person(ALPHA, "UANA", "Ana")
    assert await world.event(ALPHA, {"type": "app_uninstalled"}) == 200
    ws = world.workspace(ALPHA)
    with world.wired.deps.uow() as uow:
        uow.outbox.add(OutboundItem(ws, "late:1", Message("Hello"), person), world.clock.now())
        uow.commit()
    calls_before = len(world.slack.calls)

    delivered = await world.sender.drain()

    [row] = outbox_of(world, ALPHA)
    assert delivered == 0 and row["status"] == "failed" and row["last_error"] == NOT_INSTALLED
    assert len(world.slack.calls) == calls_before


async def test_reinstalling_brings_the_workspace_back_with_its_new_token(
        oauth_world: OAuthWorld) -> None:
    world = oauth_world
    old = (await install_both(world))[ALPHA]
    hires = hire_in_both(world)
    await say_help(world, ALPHA)
    world.slack.revoke(ALPHA)
    assert await world.event(ALPHA, {"type": "app_uninstalled"}) == 200

    status, _ = await world.install(ALPHA)
    requeued = retry_failed(world.wired.deps.uow, world.workspace(ALPHA))
    run_due_steps(world.wired.deps)
    await world.sender.drain()

    new = world.slack.token_of(ALPHA)
    assert status == 200 and new is not None and new != old
    assert uninstalled_at(world.wired.deps.uow, world.workspace(ALPHA)) is None
    assert requeued >= 1 and {r["status"] for r in outbox_of(world, ALPHA)} == {"sent"}
    assert welcome_status(world, ALPHA, hires[ALPHA]) is StepStatus.SENT
    assert world.slack.calls_with(new, "chat.postMessage")
