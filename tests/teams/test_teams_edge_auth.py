"""Who may post to /api/messages: Bot Framework tokens, and the one tenant a deployment serves."""

from __future__ import annotations

import base64
import json
import time

import pytest
from sqlalchemy import func, select

from teamwell.bot.storage.tables import ProcessedEventRow, WorkspaceAccountRow
from teamwell.bot.teams import simulate
from tests.teams.conftest import TeamsWorld

APP_ID = "11111111-2222-4333-8444-555555555555"
AUTH_ON = {"TEAMS_APP_ID": APP_ID, "TEAMS_APP_PASSWORD": "not-a-real-secret"}
OTHER_TENANT = "99999999-8888-4777-8666-555555555555"


def _stored(w: TeamsWorld) -> int:
    with w.wired.engine.connect() as conn:
        return sum(int(conn.scalar(select(func.count()).select_from(table)) or 0)
                   for table in (WorkspaceAccountRow, ProcessedEventRow))


def _unsigned_jwt(issuer: str) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {"iss": issuer, "aud": APP_ID, "exp": int(time.time()) + 600}
    return f"{part({'alg': 'RS256', 'kid': 'made-up'})}.{part(claims)}.c2lnbmF0dXJl"


@pytest.mark.parametrize("teams_env", [AUTH_ON])
async def test_a_request_without_a_bearer_token_is_refused_with_401_and_nothing_is_stored(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")

    status, answer = await w.post(simulate.personal_message(ada, "help", where=w.where))

    assert status == 401
    assert answer == {"ok": False, "error": "unauthorized"}
    assert _stored(w) == 0
    assert w.connector.calls() == []


@pytest.mark.parametrize("teams_env", [AUTH_ON])
@pytest.mark.parametrize("token", ["Bearer garbage", "Basic dXNlcjpwYXNz", "Bearer a.b.c"])
async def test_a_garbage_token_is_refused_with_401_and_nothing_is_stored(
        teams_world: TeamsWorld, token: str) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")

    status, _ = await w.post(simulate.personal_message(ada, "help", where=w.where),
                             headers={"Authorization": token})

    assert status == 401
    assert _stored(w) == 0
    assert w.connector.calls() == []


@pytest.mark.parametrize("teams_env", [AUTH_ON])
async def test_a_token_that_cannot_be_checked_offline_is_refused_with_401_not_500(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    # The right issuer makes botbuilder fetch signing keys, which fails without a network.
    token = _unsigned_jwt("https://api.botframework.com")

    status, _ = await w.post(simulate.personal_message(ada, "help", where=w.where),
                             headers={"Authorization": f"Bearer {token}"})

    assert status == 401
    assert _stored(w) == 0


@pytest.mark.parametrize("teams_env", [{"TEAMWELL_TEAMS_ANONYMOUS": "true",
                                        "TEAMS_TENANT_ID": OTHER_TENANT}])
async def test_an_activity_from_another_tenant_is_refused_with_403_and_nothing_is_stored(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")

    status, answer = await w.post(simulate.personal_message(ada, "help", where=w.where))

    assert status == 403
    assert "one organisation" in answer["error"]
    assert _stored(w) == 0
    assert w.connector.calls() == []


@pytest.mark.parametrize("teams_env", [{"TEAMWELL_TEAMS_ANONYMOUS": "true",
                                        "TEAMS_TENANT_ID": simulate.TENANT_ID}])
async def test_an_activity_from_the_configured_tenant_is_served(teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)

    status, _ = await w.say(ada, "help")

    assert status == 200
    assert w.texts_to(ada)


async def test_an_invoke_body_is_written_as_json_with_200_despite_the_botbuilder_bug(
        teams_world: TeamsWorld) -> None:
    w = teams_world
    ada = w.user("Ada Lovelace")
    w.add_person(ada)
    data = {"tw_action": "tw_kudos_open", "tw_value": "open", "msteams": {"type": "task/fetch"}}

    status, body = await w.post(simulate.task_fetch(ada, data, where=w.where))

    assert status == 200
    assert body["task"]["type"] == "continue"
