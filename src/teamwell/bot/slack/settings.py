"""Settings of Slack's OAuth mode: installs in several workspaces, tokens encrypted at rest."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from teamwell.bot.storage.encrypted import HOW_TO_MAKE_ONE, SecretKeyError, parse_secret_keys
from teamwell.bot.storage.encrypted import NAME as SECRET_KEY

REDIRECT_PATH = "/slack/oauth_redirect"
INSTALL_PATH = "/slack/install"


class SlackSettingError(ValueError):
    """A Slack OAuth setting is missing or malformed; one line naming it."""


@dataclass(frozen=True)
class SlackOAuthConfig:
    """SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (OAuth mode), SLACK_REDIRECT_URI, and the
    TEAMWELL_SECRET_KEY that encrypts the installations' tokens."""

    client_id: str | None = None
    client_secret: str | None = None
    redirect_uri: str | None = None
    secret_keys: tuple[str, ...] = ()

    @property
    def enabled(self) -> bool:
        """True in OAuth mode (installs through /slack/install, a token per workspace)."""
        return self.client_id is not None


def _plain(name: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if value and any(c.isspace() for c in value):
        raise SlackSettingError(f"{name} is malformed: it may not contain spaces")
    return value or None


def _redirect(value: str | None) -> str | None:
    if not value:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise SlackSettingError(f"SLACK_REDIRECT_URI is not a valid URL (https://host"
                                f"{REDIRECT_PATH}): {value!r}")
    if parsed.path != REDIRECT_PATH:
        raise SlackSettingError(f"SLACK_REDIRECT_URI must end in {REDIRECT_PATH}, the path "
                                f"Teamwell answers: {value!r}")
    return value


def slack_oauth_config(env: Mapping[str, str]) -> SlackOAuthConfig:
    """Read and check the OAuth settings (all absent: single-workspace mode)."""
    client_id = _plain("SLACK_CLIENT_ID", env.get("SLACK_CLIENT_ID"))
    client_secret = _plain("SLACK_CLIENT_SECRET", env.get("SLACK_CLIENT_SECRET"))
    try:
        keys = parse_secret_keys(env.get(SECRET_KEY))
    except SecretKeyError as exc:
        raise SlackSettingError(str(exc)) from exc
    if bool(client_id) != bool(client_secret):
        have, missing = (("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET") if client_id
                         else ("SLACK_CLIENT_SECRET", "SLACK_CLIENT_ID"))
        raise SlackSettingError(f"{missing} is not set but {have} is: installing in several "
                                "workspaces (OAuth) needs both, one workspace needs neither")
    if not client_id:
        return SlackOAuthConfig(secret_keys=keys)
    if env.get("SLACK_BOT_TOKEN"):
        raise SlackSettingError("SLACK_BOT_TOKEN and SLACK_CLIENT_ID are both set: use "
                                "SLACK_BOT_TOKEN for one workspace, or SLACK_CLIENT_ID and "
                                "SLACK_CLIENT_SECRET to install in several, not both")
    if not keys:
        raise SlackSettingError(f"{SECRET_KEY} is not set; it encrypts the Slack tokens of "
                                f"OAuth installs (SLACK_CLIENT_ID); {HOW_TO_MAKE_ONE}")
    return SlackOAuthConfig(client_id, client_secret,
                            _redirect(env.get("SLACK_REDIRECT_URI")), keys)
