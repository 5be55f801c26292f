"""The command line in OAuth mode acts on one workspace with that workspace's own token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk.oauth.installation_store.models.installation import Installation

from teamwell.bot.config import load_settings
from teamwell.bot.fake_thread import ServedInThread
from teamwell.bot.slack.fake_oauth import FakeSlackOAuth
from teamwell.bot.storage.workspace_state import mark_installed
from teamwell.bot.wiring import wire
from tests.oauth.conftest import ALPHA, BETA, CLIENT_ID, CLIENT_SECRET, KEY


@pytest.fixture
def slack() -> Iterator[ServedInThread[FakeSlackOAuth]]:
    """Two fake workspaces on their own thread; Alpha has installed the app, Beta has not."""
    fake = FakeSlackOAuth(CLIENT_ID, CLIENT_SECRET)
    fake.add_team(ALPHA, "Alpha Inc").add_user("UCARA", "Cara", "cara@alpha.test")
    fake.add_team(BETA, "Beta Ltd")
    served = ServedInThread(fake, "fake-slack-oauth")
    served.start()
    yield served
    served.stop()


def _env(db_url: str, api: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMWELL_"))}
    env.update(TEAMWELL_DATABASE_URL=db_url, SLACK_CLIENT_ID=CLIENT_ID,
               SLACK_CLIENT_SECRET=CLIENT_SECRET, TEAMWELL_SECRET_KEY=KEY,
               SLACK_SIGNING_SECRET="s", SLACK_API_URL=api + "/api/")
    return env


def _sync(team: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "teamwell.bot.cli", "people", "sync",
                           "--slack-team", team], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def test_people_sync_reads_the_named_workspace_with_its_own_token(
        sqlite_url: str, slack: ServedInThread[FakeSlackOAuth], tmp_path: Path) -> None:
    env = _env(sqlite_url, slack.server.base_url)
    wired = wire(load_settings(env))
    assert wired.slack_installs is not None
    token = slack.server.grant(ALPHA)
    wired.slack_installs.save(Installation(app_id="A0TEAMWELL", team_id=ALPHA,
                                           team_name="Alpha Inc", bot_token=token,
                                           bot_user_id="UTEAMWELL", user_id="UADMIN"))
    mark_installed(wired.deps.uow, "slack", ALPHA, "Alpha Inc")
    mark_installed(wired.deps.uow, "slack", BETA, "Beta Ltd")  # a workspace with no token
    wired.engine.dispose()

    alpha = _sync(ALPHA, env, tmp_path)
    beta = _sync(BETA, env, tmp_path)

    assert alpha.returncode == 0 and "synced 2 people" in alpha.stdout, alpha.stderr
    assert [c.token for c in slack.server.calls if c.method == "users.list"] == [token]
    assert beta.returncode == 2 and "not installed" in beta.stderr
    assert beta.stderr.strip().count("\n") == 0
