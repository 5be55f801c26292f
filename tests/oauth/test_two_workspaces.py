"""Two workspaces installed through OAuth: each one's work goes out with its own bot token."""

from __future__ import annotations

from teamwell.bot.scheduler import directory_sync
from teamwell.bot.wiring import slack_client
from teamwell.core.actions import ActionId
from tests.oauth.conftest import ALPHA, BETA, OAuthWorld

PEOPLE = {ALPHA: "UANA", BETA: "UBO"}


async def install_both(world: OAuthWorld) -> dict[str, str]:
    """Install in Alpha and Beta; each team's bot token."""
    tokens: dict[str, str] = {}
    for team in (ALPHA, BETA):
        status, _ = await world.install(team)
        token = world.slack.token_of(team)
        assert status == 200 and token is not None
        tokens[team] = token
    return tokens


def dm(world: OAuthWorld, team: str, user: str) -> str:
    """The bot's DM channel with a user of a team."""
    channel = world.slack.teams[team].dm_channel(user)
    assert channel is not None
    return channel


async def test_a_click_and_a_message_in_each_workspace_go_out_with_that_workspaces_own_token(
        oauth_world: OAuthWorld) -> None:
    world = oauth_world
    tokens = await install_both(world)
    world.add_person(ALPHA, "UANA", "Ana")
    world.add_person(BETA, "UBO", "Bo")

    for team, user in PEOPLE.items():
        # A plain click: stored, then replayed through Bolt by the inbox worker.
        assert await world.click(team, user, ActionId.PULSE_OPT_OUT.value, "") == 200
        # A direct message: answered through the outbox and its sender.
        assert await world.event(team, {"type": "message", "channel_type": "im", "user": user,
                                        "text": "help", "channel": dm(world, team, user),
                                        "ts": "1700000000.000100"}) == 200
    delivered = await world.sender.drain()

    posted = {team: len(world.slack.calls_with(tokens[team], "chat.postMessage"))
              for team in PEOPLE}
    assert delivered == sum(posted.values()) and posted[ALPHA] == posted[BETA] >= 1
    for team, user in PEOPLE.items():
        fake = world.slack.teams[team]
        assert [e["user"] for e in fake.workspace.ephemeral] == [user]
        assert len(fake.messages_in(dm(world, team, user))) == posted[team]
        assert len(world.slack.calls_with(tokens[team], "chat.postEphemeral")) == 1
    assert [c for c in world.slack.calls if c.team_id is None] == []


async def test_the_daily_directory_sync_reads_each_installed_workspace_with_its_own_token(
        oauth_world: OAuthWorld) -> None:
    world = oauth_world
    tokens = await install_both(world)
    world.slack.teams[ALPHA].add_user("UCARA", "Cara", "cara@alpha.test")
    world.slack.teams[BETA].add_user("UDEV", "Dev", "dev@beta.test")

    synced = await directory_sync(world.wired.deps, slack_client(world.wired.settings),
                                  world.store.installed_teams)

    workspaces = {team: world.workspace(team) for team in (ALPHA, BETA)}
    with world.wired.deps.uow() as uow:
        names = {team: sorted(p.name for p in uow.people.list(ws))
                 for team, ws in workspaces.items()}
    assert synced == 4
    assert names == {ALPHA: ["Admin", "Cara"], BETA: ["Admin", "Dev"]}
    assert [len(world.slack.calls_with(tokens[t], "users.list")) for t in (ALPHA, BETA)] == [1, 1]
