"""Installing Teamwell in a Slack workspace over real HTTP: our pages, Slack's, and back."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from sqlalchemy.exc import OperationalError

from teamwell.bot.slack.install_store import OAuthStates
from teamwell.bot.slack.oauth import BOT_SCOPES
from teamwell.bot.storage.workspace_state import uninstalled_at
from tests.oauth.conftest import ALPHA, CLIENT_ID, OAuthWorld


async def test_the_install_page_links_to_slack_with_our_scopes_and_a_fresh_state(
        oauth_world: OAuthWorld) -> None:
    link = await oauth_world.install_page(ALPHA)

    query = parse_qs(urlparse(link).query)
    assert urlparse(link).path == "/oauth/v2/authorize"
    assert query["client_id"] == [CLIENT_ID]
    assert set(query["scope"][0].split(",")) == set(BOT_SCOPES)
    assert query["redirect_uri"] == [oauth_world.url("/slack/oauth_redirect")]
    assert [row["state"] for row in oauth_world.raw("slack_oauth_states")] == query["state"]


async def test_installing_stores_the_workspace_and_its_bot_token_encrypted(
        oauth_world: OAuthWorld) -> None:
    status, page = await oauth_world.install(ALPHA)

    token = oauth_world.slack.token_of(ALPHA)
    assert status == 200 and "Teamwell is now installed in Alpha Inc" in page
    assert token is not None and oauth_world.store.bot_token(ALPHA) == token
    rows = oauth_world.raw("slack_installations") + oauth_world.raw("slack_bots")
    assert len(rows) == 2 and {r["team_id"] for r in rows} == {ALPHA}
    assert not [r for r in rows if any(token in str(v) for v in r.values())]
    assert all(str(r["bot_token"]).startswith("gAAAAA") for r in rows)  # Fernet
    assert uninstalled_at(oauth_world.wired.deps.uow, oauth_world.workspace(ALPHA)) is None
    assert oauth_world.raw("slack_oauth_states") == []  # the state was used up


async def test_a_forged_state_is_refused_with_a_clear_page_and_installs_nothing(
        oauth_world: OAuthWorld) -> None:
    await oauth_world.install_page(ALPHA)  # the browser holds a real state cookie
    code = oauth_world.slack.issue_code(ALPHA)

    status, page = await oauth_world.redirect(f"code={code}&state=forged")

    assert status == 400 and "Nothing was installed" in page and "Start again" in page
    assert oauth_world.raw("slack_installations") == []


async def test_an_expired_install_link_is_refused_with_a_clear_page(
        oauth_world: OAuthWorld) -> None:
    link = await oauth_world.install_page(ALPHA)
    state = parse_qs(urlparse(link).query)["state"][0]
    with oauth_world.wired.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE slack_oauth_states SET expire_at = '2000-01-01 00:00:00'")

    status, page = await oauth_world.redirect(
        f"code={oauth_world.slack.issue_code(ALPHA)}&state={state}")

    assert status == 400 and "expired or was already used" in page
    assert oauth_world.raw("slack_installations") == []


async def test_an_install_link_used_twice_is_refused_the_second_time(
        oauth_world: OAuthWorld) -> None:
    link = await oauth_world.install_page(ALPHA)
    state = parse_qs(urlparse(link).query)["state"][0]
    first, _ = await oauth_world.redirect(
        f"code={oauth_world.slack.issue_code(ALPHA)}&state={state}")

    second, page = await oauth_world.redirect(
        f"code={oauth_world.slack.issue_code(ALPHA)}&state={state}", state_cookie=state)

    assert (first, second) == (200, 400) and "expired or was already used" in page
    assert len(oauth_world.raw("slack_installations")) == 1


async def test_a_redirect_in_another_browser_is_refused_with_a_clear_page(
        oauth_world: OAuthWorld) -> None:
    link = await oauth_world.install_page(ALPHA)
    state = parse_qs(urlparse(link).query)["state"][0]
    oauth_world.browser.cookie_jar.clear()

    status, page = await oauth_world.redirect(
        f"code={oauth_world.slack.issue_code(ALPHA)}&state={state}")

    assert status == 400 and "without the cookie" in page
    assert oauth_world.raw("slack_installations") == []


async def test_a_code_slack_does_not_accept_is_refused_with_a_clear_page(
        oauth_world: OAuthWorld) -> None:
    link = await oauth_world.install_page(ALPHA)
    state = parse_qs(urlparse(link).query)["state"][0]

    status, page = await oauth_world.redirect(f"code=made-up&state={state}")

    assert status == 400 and "Slack did not accept the authorisation" in page
    assert oauth_world.raw("slack_installations") == []


async def test_cancelling_in_slack_says_nothing_was_installed(oauth_world: OAuthWorld) -> None:
    link = await oauth_world.install_page(ALPHA)
    state = parse_qs(urlparse(link).query)["state"][0]

    status, page = await oauth_world.redirect(f"error=access_denied&state={state}")

    assert status == 200 and "cancelled" in page


async def test_a_database_outage_during_an_install_gets_a_page_and_503_not_a_500(
        oauth_world: OAuthWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    def away(*_args: object, **_kwargs: object) -> str:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))
    monkeypatch.setattr(OAuthStates, "issue", away)

    async with oauth_world.browser.get(oauth_world.url(f"/slack/install?team={ALPHA}")) as resp:
        status, page = resp.status, await resp.text()

    assert status == 503 and "try again" in page
