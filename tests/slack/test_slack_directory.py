"""Slack users into the people directory: the profile translation and users.list over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.directory import profile_from_slack_user, sync_workspace_users
from teamwell.bot.slack.fake_api import FakeSlackApi
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock
from teamwell.core.directory import Profile
from teamwell.core.people import Person, Role
from teamwell.handlers.deps import Deps
from teamwell.handlers.people import import_people
from teamwell.surveys.onboarding import load_library

# Shaped like users.list members from Slack's documentation (trimmed of avatar URLs).
HUMAN: dict[str, Any] = {
    "id": "U01AB2CD3EF", "team_id": "T012AB3C4", "name": "ana.lima", "deleted": False,
    "color": "9f69e7", "real_name": "Ana Lima", "tz": "Europe/Lisbon",
    "tz_label": "Western European Time", "tz_offset": 0, "locale": "pt-PT",
    "profile": {"title": "Platform engineer", "phone": "", "skype": "", "real_name": "Ana Lima",
                "real_name_normalized": "Ana Lima", "display_name": "ana",
                "display_name_normalized": "ana", "status_text": "", "status_emoji": "",
                "email": "Ana.Lima@Acme.example", "team": "T012AB3C4"},
    "is_admin": False, "is_owner": False, "is_primary_owner": False, "is_restricted": False,
    "is_ultra_restricted": False, "is_bot": False, "is_app_user": False, "updated": 1767225600,
    "has_2fa": False,
}
OWNER: dict[str, Any] = {
    **HUMAN, "id": "U0OWNER", "name": "priya", "real_name": "Priya Nair",
    "tz": "America/New_York", "is_owner": True, "is_primary_owner": True,
    "profile": {"real_name": "Priya Nair", "display_name": "priya",
                "email": "priya@acme.example"},
}
BOT: dict[str, Any] = {
    "id": "U0DEPLOYBOT", "team_id": "T012AB3C4", "name": "deploybot", "deleted": False,
    "real_name": "Deploy Bot", "tz": "America/Los_Angeles", "is_bot": True,
    "is_app_user": False, "updated": 1767225600,
    "profile": {"real_name": "Deploy Bot", "display_name": "", "bot_id": "B0DEPLOY",
                "api_app_id": "A0DEPLOY", "always_active": True, "team": "T012AB3C4"},
}
SLACKBOT: dict[str, Any] = {
    "id": "USLACKBOT", "team_id": "T012AB3C4", "name": "slackbot", "deleted": False,
    "real_name": "Slackbot", "tz": "America/Los_Angeles", "is_bot": False, "is_app_user": False,
    "profile": {"real_name": "Slackbot", "display_name": "Slackbot", "team": "T012AB3C4"},
}
# Deleted users keep their profile but lose tz and most flags.
DELETED: dict[str, Any] = {
    "id": "U0GONE", "team_id": "T012AB3C4", "name": "old.timer", "deleted": True,
    "profile": {"real_name": "Old Timer", "display_name": "old", "email": "old@acme.example",
                "team": "T012AB3C4"},
    "is_bot": False, "is_app_user": False, "updated": 1767225600,
}
GUEST: dict[str, Any] = {
    **HUMAN, "id": "U0GUEST", "name": "cat", "real_name": "Cat Contractor",
    "is_restricted": True, "is_ultra_restricted": True,
    "profile": {"real_name": "Cat Contractor", "email": "cat@agency.example"},
}


def test_a_human_becomes_a_profile_with_lowercased_email_zone_and_locale() -> None:
    assert profile_from_slack_user(HUMAN) == Profile(
        platform="slack", external_id="U01AB2CD3EF", name="Ana Lima",
        email="ana.lima@acme.example", timezone="Europe/Lisbon", locale="pt-PT",
        title="Platform engineer",
    )


def test_owners_and_admins_are_admins() -> None:
    assert profile_from_slack_user(OWNER).is_admin
    assert profile_from_slack_user({**HUMAN, "is_admin": True}).is_admin
    assert not profile_from_slack_user(HUMAN).is_admin


def test_bots_and_slackbot_are_bots() -> None:
    assert profile_from_slack_user(BOT).is_bot
    assert profile_from_slack_user(SLACKBOT).is_bot
    assert not profile_from_slack_user(HUMAN).is_bot


def test_a_deleted_user_without_a_zone_leaves_the_zone_unknown() -> None:
    profile = profile_from_slack_user(DELETED)

    assert (profile.deleted, profile.name, profile.timezone, profile.locale) == (
        True, "Old Timer", None, None)


def test_single_and_multi_channel_guests_are_guests() -> None:
    assert profile_from_slack_user(GUEST).is_guest
    assert profile_from_slack_user({**GUEST, "is_ultra_restricted": False}).is_guest
    assert not profile_from_slack_user(HUMAN).is_guest


@pytest.mark.parametrize(("user", "name"), [
    ({"id": "U1", "real_name": "Top Level", "profile": {}}, "Top Level"),
    ({"id": "U1", "name": "handle", "profile": {"display_name": "Shown"}}, "Shown"),
    ({"id": "U1", "name": "handle", "profile": {"real_name": "  "}}, "handle"),
    ({"id": "U1"}, "U1"),
])
def test_the_name_falls_back_from_real_name_to_display_name_handle_and_id(
        user: dict[str, Any], name: str) -> None:
    assert profile_from_slack_user(user).name == name


def test_an_unknown_zone_is_treated_as_no_zone() -> None:
    assert profile_from_slack_user({**HUMAN, "tz": "Mars/Olympus_Mons"}).timezone is None


@pytest.fixture
async def slack(clock: FakeClock) -> AsyncIterator[FakeSlackApi]:
    api = FakeSlackApi([
        {"user_id": "U1", "name": "Ana Lima", "email": "ana@acme.example", "tz": "Europe/Lisbon"},
        {"user_id": "U2", "name": "Kenji Sato", "email": "kenji@acme.example", "tz": "Asia/Tokyo"},
        {"user_id": "U3", "name": "Priya Nair", "email": "priya@acme.example",
         "tz": "America/New_York", "is_admin": True},
        {"user_id": "U4", "name": "Old Timer", "email": "old@acme.example", "deleted": True},
        {"user_id": "B1", "name": "Deploy Bot", "is_bot": True},
    ], token="xoxb-test", clock=clock)
    await api.start()
    yield api
    await api.stop()


@pytest.fixture
def deps(uow_factory: SqlUnitOfWorkFactory, clock: FakeClock) -> Deps:
    return Deps(uow=uow_factory, clock=clock, sequences=load_library())


@pytest.fixture
def ws(uow_factory: SqlUnitOfWorkFactory) -> str:
    with uow_factory() as uow:
        workspace_id = uow.workspaces.ensure("slack", "T0TEAMWELL", "Acme")
        uow.commit()
    return workspace_id


def _client(api: FakeSlackApi) -> AsyncWebClient:
    client = AsyncWebClient(token="xoxb-test", base_url=api.base_url + "/api/")
    client.retry_handlers.clear()
    return client


def _by_slack_id(deps: Deps, ws: str) -> dict[str, Person]:
    with deps.uow() as uow:
        people = uow.people.list(ws, active_only=False)
        return {uow.people.account_of(ws, p.id, "slack") or "": p for p in people}


async def test_a_workspace_sync_adds_every_human_and_skips_bots_and_departed_users(
        slack: FakeSlackApi, deps: Deps, ws: str) -> None:
    synced = await sync_workspace_users(_client(slack), deps, ws)

    people = _by_slack_id(deps, ws)
    assert synced == 3
    assert sorted(people) == ["U1", "U2", "U3"]
    assert (people["U1"].name, people["U1"].email, people["U1"].timezone) == (
        "Ana Lima", "ana@acme.example", "Europe/Lisbon")
    assert Role.ADMIN in people["U3"].roles and Role.ADMIN not in people["U1"].roles


async def test_a_workspace_sync_pages_through_users_list_with_the_cursor(
        slack: FakeSlackApi, deps: Deps, ws: str) -> None:
    await sync_workspace_users(_client(slack), deps, ws, page_size=2)

    calls = slack.calls_to("users.list")
    assert len(calls) == 4  # 7 users (with Slackbot and the app's bot user), 2 a page
    assert [bool(c.params.get("cursor")) for c in calls] == [False, True, True, True]
    assert {str(c.params.get("limit")) for c in calls} == {"2"}
    assert sorted(_by_slack_id(deps, ws)) == ["U1", "U2", "U3"]


async def test_a_workspace_sync_links_people_imported_from_the_file(
        slack: FakeSlackApi, deps: Deps, ws: str) -> None:
    import_people(deps, ws, "email,name,team,timezone\nkenji@acme.example,Kenji Sato,Platform,\n"
                            "old@acme.example,Old Timer,Platform,Europe/Oslo\n")

    await sync_workspace_users(_client(slack), deps, ws)

    people = _by_slack_id(deps, ws)
    assert people["U2"].team_id is not None and people["U2"].timezone == "Asia/Tokyo"
    assert people["U4"].active is False
    assert len(people) == 4


async def test_syncing_twice_changes_nothing(slack: FakeSlackApi, deps: Deps, ws: str) -> None:
    await sync_workspace_users(_client(slack), deps, ws)
    before = _by_slack_id(deps, ws)

    await sync_workspace_users(_client(slack), deps, ws)

    assert _by_slack_id(deps, ws) == before


async def test_a_rate_limited_page_is_asked_again_after_retry_after(
        slack: FakeSlackApi, deps: Deps, ws: str) -> None:
    slack.fail_next("users.list", count=2, status=429, retry_after=0)

    synced = await sync_workspace_users(_client(slack), deps, ws)

    assert synced == 3
    assert [c.status for c in slack.calls_to("users.list")] == [429, 429, 200]


async def test_a_slack_error_is_raised_not_swallowed(
        slack: FakeSlackApi, deps: Deps, ws: str) -> None:
    slack.fail_next("users.list", status=200, error="missing_scope")

    with pytest.raises(SlackApiError, match="missing_scope"):
        await sync_workspace_users(_client(slack), deps, ws)
