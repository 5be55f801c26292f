"""`/teamwell results` as Slack sends it: a signed slash command over real HTTP."""

from __future__ import annotations

from teamwell.core.audit import Action
from tests.privacy.privacy_world import build_privacy_world, close_a_round
from tests.slack.conftest import TEAM, SlackWorld


async def test_the_results_slash_command_answers_privately_and_both_asks_are_audited(
        slack_world: SlackWorld) -> None:
    w = slack_world
    world = build_privacy_world(w.wired.deps.uow, w.clock, slack_team=TEAM)
    with w.wired.deps.uow() as uow:
        uow.people.link_account(world.ws, "hana", "slack", "UHANA")
        uow.people.link_account(world.ws, "ada", "slack", "UADA")
        uow.commit()
    close_a_round(world)

    status, admin = await w.command("UHANA", "results Platform")
    _, employee = await w.command("UADA", "results Platform")

    assert status == 200
    assert admin.get("response_type", "ephemeral") == "ephemeral"
    assert "Platform: 7 responses of 7 asked (100%)" in str(admin)
    assert "Results are for managers of a team and for HR" in str(employee)
    assert "responses" not in str(employee)
    with w.wired.deps.uow() as uow:
        actions = [e.action for e in uow.audit.list(world.ws)]
    assert actions == [Action.VIEW_RESULTS, Action.VIEW_COMMENTS, Action.REFUSED]
