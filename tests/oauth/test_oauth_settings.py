"""OAuth mode's settings: checked at start-up with one line naming the setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml
from aiohttp.test_utils import TestServer

from teamwell.bot.config import ConfigError, Settings, load_settings
from teamwell.bot.server import build_web_app
from teamwell.bot.slack.oauth import BOT_SCOPES
from teamwell.bot.wiring import slack_client, wire
from tests.oauth.conftest import CLIENT_ID, CLIENT_SECRET, KEY

ROOT = Path(__file__).resolve().parents[2]
OAUTH = {"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET,
         "TEAMWELL_SECRET_KEY": KEY, "SLACK_SIGNING_SECRET": "s"}


def settings(tmp_path: Path, **env: str) -> Settings:
    """Settings from exactly this environment, with a database in tmp_path."""
    return load_settings({"TEAMWELL_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}", **env},
                         cwd=tmp_path)


def test_a_client_id_and_secret_mean_oauth_mode_with_no_bot_token_needed(tmp_path: Path) -> None:
    loaded = settings(tmp_path, **OAUTH)

    loaded.require_platform()
    loaded.require_slack_http()

    assert loaded.slack_enabled and loaded.slack_oauth.enabled
    assert loaded.slack_bot_token is None
    assert {CLIENT_SECRET, KEY} <= set(loaded.secrets())  # redacted from every log line


@pytest.mark.parametrize(("env", "named"), [
    ({"SLACK_CLIENT_ID": CLIENT_ID}, "SLACK_CLIENT_SECRET"),
    ({"SLACK_CLIENT_SECRET": CLIENT_SECRET}, "SLACK_CLIENT_ID"),
    ({"SLACK_CLIENT_ID": CLIENT_ID, "SLACK_CLIENT_SECRET": CLIENT_SECRET},
     "TEAMWELL_SECRET_KEY"),
    ({**OAUTH, "TEAMWELL_SECRET_KEY": "not-a-fernet-key"}, "TEAMWELL_SECRET_KEY"),
    ({**OAUTH, "SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_BOT_TOKEN"),
    ({**OAUTH, "SLACK_REDIRECT_URI": "https://x.example/elsewhere"}, "SLACK_REDIRECT_URI"),
    ({**OAUTH, "SLACK_CLIENT_SECRET": "has space"}, "SLACK_CLIENT_SECRET"),
])
def test_an_incomplete_or_malformed_oauth_setting_is_one_line_naming_it(
        tmp_path: Path, env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings(tmp_path, **env)

    assert named in str(refused.value) and "\n" not in str(refused.value)


def test_a_missing_secret_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="Fernet.generate_key"):
        settings(tmp_path, SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET)


def test_socket_mode_is_refused_in_oauth_mode(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="socket-mode"):
        settings(tmp_path, **OAUTH).require_socket_mode()


def test_the_command_line_stops_with_one_line_when_the_key_is_missing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMWELL_"))}
    env.update(SLACK_CLIENT_ID=CLIENT_ID, SLACK_CLIENT_SECRET=CLIENT_SECRET,
               TEAMWELL_DATABASE_URL=f"sqlite:///{tmp_path / 't.db'}")

    result = subprocess.run([sys.executable, "-m", "teamwell.bot.cli", "db", "upgrade"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)

    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0
    assert "TEAMWELL_SECRET_KEY" in result.stderr and "Traceback" not in result.stderr


def test_an_install_asks_for_exactly_the_manifests_bot_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))

    assert sorted(BOT_SCOPES) == sorted(manifest["oauth_config"]["scopes"]["bot"])
    assert [u.rsplit("/", 2)[-2:] for u in manifest["oauth_config"]["redirect_urls"]] \
        == [["slack", "oauth_redirect"]]


async def test_with_one_bot_token_there_is_no_install_page(sqlite_url: str) -> None:
    wired = wire(load_settings({"TEAMWELL_DATABASE_URL": sqlite_url, "SLACK_BOT_TOKEN": "xoxb-1",
                                "SLACK_SIGNING_SECRET": "s"}))
    server = TestServer(build_web_app(wired, slack_client(wired.settings),
                                      with_background=False), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as browser, \
                browser.get(server.make_url("/slack/install")) as resp:
            status = resp.status
    finally:
        await server.close()
        wired.engine.dispose()

    assert wired.slack_installs is None and status == 404
