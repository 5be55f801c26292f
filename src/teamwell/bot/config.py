"""Settings from the environment and an optional .env file, checked before anything starts."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from dotenv import dotenv_values
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from teamwell.bot.pulse_settings import PulseSettingError, pulse_config
from teamwell.bot.recognition_settings import (
    RecognitionSettingError,
    company_values,
    recognition_config,
)
from teamwell.bot.retention_settings import RetentionSettingError, retention_config
from teamwell.bot.slack.settings import SlackOAuthConfig, SlackSettingError, slack_oauth_config
from teamwell.bot.teams.settings import TeamsConfig, TeamsSettingError, teams_config
from teamwell.core.directory import normalize_email
from teamwell.core.pulse import PulseConfig
from teamwell.core.recognition import RecognitionConfig
from teamwell.core.retention import RetentionConfig


class ConfigError(Exception):
    """A missing or malformed setting; the message is one line naming the setting."""


@dataclass(frozen=True)
class Settings:
    """Everything Teamwell reads from its environment."""

    database_url: str
    slack_bot_token: str | None
    slack_signing_secret: str | None
    slack_app_token: str | None
    slack_api_url: str
    sequences_dir: Path | None
    log_level: str
    pulse: PulseConfig = field(default_factory=PulseConfig)
    recognition: RecognitionConfig = field(default_factory=RecognitionConfig)
    values_file: Path | None = None
    retention: RetentionConfig = field(default_factory=RetentionConfig)
    # "default" (MiniLM + the committed head), "lexicon", or a Hugging Face model name or path.
    sentiment_model: str = "default"
    teams: TeamsConfig = field(default_factory=TeamsConfig)
    # Logs redact what people wrote unless this is on (secrets are redacted regardless).
    log_message_text: bool = False
    # TEAMWELL_LOG_FORMAT: "json" or "text"; None leaves it to the command (logs.py).
    log_format: str | None = None
    # TEAMWELL_ADMINS: emails (lowercased) of people who get the admin (HR) role.
    admins: frozenset[str] = frozenset()
    # How long an outbox claim holds: after a crash, the rows a sender held wait this long.
    outbox_lease_seconds: float = 60.0
    # Senders keep to Slack's and Teams' published rate limits; off only for a local fake.
    outbox_pacing: bool = True
    # SLACK_CLIENT_ID/SECRET (OAuth installs in several workspaces), TEAMWELL_SECRET_KEY.
    slack_oauth: SlackOAuthConfig = field(default_factory=SlackOAuthConfig)

    @property
    def slack_enabled(self) -> bool:
        """True when Slack is served: one bot token, or OAuth installs."""
        return bool(self.slack_bot_token) or self.slack_oauth.enabled

    def secrets(self) -> tuple[str, ...]:
        """Every configured secret value, for the log filter."""
        values = (self.slack_bot_token, self.slack_signing_secret, self.slack_app_token,
                  self.teams.app_password, self.slack_oauth.client_secret,
                  *self.slack_oauth.secret_keys)
        return tuple(v for v in values if v)

    def require_slack_http(self) -> None:
        """Check what serving Slack over HTTP needs."""
        if not self.slack_oauth.enabled:
            _need("SLACK_BOT_TOKEN", self.slack_bot_token)
        _need("SLACK_SIGNING_SECRET", self.slack_signing_secret)

    def require_platform(self) -> None:
        """Check that Slack or Teams (or both) is configured."""
        if not self.slack_enabled and not self.teams.enabled:
            raise ConfigError("SLACK_BOT_TOKEN is not set (nor SLACK_CLIENT_ID for OAuth "
                              "installs), and neither is TEAMS_APP_ID: configure Slack, Teams "
                              "or both (in the environment or in .env)")

    def require_socket_mode(self) -> None:
        """Check what Socket Mode needs."""
        if self.slack_oauth.enabled:
            raise ConfigError("--socket-mode serves one workspace with SLACK_BOT_TOKEN; OAuth "
                              "installs (SLACK_CLIENT_ID) need HTTP: `teamwell serve`")
        _need("SLACK_BOT_TOKEN", self.slack_bot_token)
        _need("SLACK_APP_TOKEN", self.slack_app_token)

    def require_sender(self) -> None:
        """Check what delivering the outbox needs: Slack's token or Teams' settings."""
        self.require_platform()


def _need(name: str, value: str | None) -> None:
    if not value:
        raise ConfigError(f"{name} is not set (put it in the environment or in .env)")


def _url(name: str, value: str, schemes: tuple[str, ...]) -> str:
    try:
        parsed = urlparse(value)
        host = parsed.hostname
    except ValueError:
        host = None
        parsed = None
    if parsed is None or parsed.scheme not in schemes or not host:
        raise ConfigError(f"{name} is not a valid URL ({', '.join(schemes)}://host/...): {value!r}")
    return value


def _database_url(value: str | None, cwd: Path) -> str:
    name = "TEAMWELL_DATABASE_URL"
    if not value:
        return f"sqlite:///{(cwd / 'teamwell.db').resolve()}"
    scheme = value.split(":", 1)[0]
    if scheme in ("postgres", "postgresql"):
        # psycopg 3 is the driver we ship; plain URLs would ask SQLAlchemy for psycopg2.
        value = "postgresql+psycopg:" + value.split(":", 1)[1]
    elif scheme not in ("sqlite", "postgresql+psycopg"):
        raise ConfigError(f"{name} must be sqlite:///path or postgresql://..., got {scheme!r}")
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise ConfigError(f"{name} is malformed: {value!r}") from exc
    if url.drivername == "sqlite":
        path = url.database or ""
        if not value.startswith("sqlite:///") or path in ("", ":memory:"):
            raise ConfigError(f"{name} needs a file: sqlite:///path/to/teamwell.db")
        folder = (cwd / path).parent if not Path(path).is_absolute() else Path(path).parent
        if not folder.is_dir():
            raise ConfigError(f"{name}: the folder {str(folder)!r} does not exist")
    elif not url.database:
        raise ConfigError(f"{name} names no database: {url.render_as_string(hide_password=True)!r}")
    return value


def _token(name: str, value: str | None, prefix: str) -> str | None:
    if value is None or value == "":
        return None
    if not value.startswith(prefix) or any(c.isspace() for c in value):
        raise ConfigError(f"{name} is malformed: it must start with {prefix!r} and hold no spaces")
    return value


def _secret(value: str | None) -> str | None:
    if not value:
        return None
    if value != value.strip() or any(c.isspace() for c in value):
        raise ConfigError("SLACK_SIGNING_SECRET is malformed: it may not contain spaces")
    return value


def _admins(raw: str | None) -> frozenset[str]:
    found: set[str] = set()
    for item in (raw or "").split(","):
        if not item.strip():
            continue
        email = normalize_email(item)
        if email is None:
            raise ConfigError(f"TEAMWELL_ADMINS: {item.strip()!r} is not an email address "
                              "(give emails separated by commas)")
        found.add(email)
    return frozenset(found)


def _lease(raw: str | None) -> float:
    name = "TEAMWELL_OUTBOX_LEASE_SECONDS"
    value = (raw or "60").strip()
    if not value.isdigit() or not 10 <= int(value) <= 3600:
        raise ConfigError(f"{name} must be a whole number of seconds from 10 to 3600, "
                          f"not {value!r}")
    return float(value)


def _pacing(raw: str | None) -> bool:
    value = (raw or "on").strip().lower()
    if value not in ("on", "off"):
        raise ConfigError(f"TEAMWELL_OUTBOX_PACING must be on or off, not {value!r}")
    return value == "on"


def load_settings(env: dict[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """Read settings: the process environment wins over .env in the working directory."""
    cwd = cwd or Path.cwd()
    if env is None:
        merged = {k: v for k, v in dotenv_values(cwd / ".env").items() if v is not None}
        merged.update(os.environ)
    else:
        merged = dict(env)
    api = merged.get("SLACK_API_URL") or "https://slack.com/api/"
    api = _url("SLACK_API_URL", api, ("http", "https"))
    if not api.endswith("/"):
        api += "/"
    level = (merged.get("TEAMWELL_LOG_LEVEL") or "INFO").upper()
    if level not in ("DEBUG", "INFO", "WARNING", "ERROR"):
        raise ConfigError(f"TEAMWELL_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    seq_dir = merged.get("TEAMWELL_SEQUENCES_DIR")
    if seq_dir and not Path(seq_dir).is_dir():
        raise ConfigError(f"TEAMWELL_SEQUENCES_DIR is not a directory: {seq_dir!r}")
    values_file = merged.get("TEAMWELL_VALUES_FILE")
    if values_file and not Path(values_file).is_file():
        raise ConfigError(f"TEAMWELL_VALUES_FILE is not a file: {values_file!r}")
    try:
        pulse = pulse_config(merged)
        recognition = recognition_config(merged)
        if values_file:
            company_values(Path(values_file))  # refuse a broken file at start-up, not later
        teams = teams_config(merged)
        retention = retention_config(merged)
        slack_oauth = slack_oauth_config(merged)
    except (PulseSettingError, RecognitionSettingError, RetentionSettingError,
            TeamsSettingError, SlackSettingError) as exc:
        raise ConfigError(str(exc)) from exc
    text_flag = (merged.get("TEAMWELL_LOG_MESSAGE_TEXT") or "false").strip().lower()
    if text_flag not in ("true", "false", "1", "0", "yes", "no", "on", "off"):
        raise ConfigError(f"TEAMWELL_LOG_MESSAGE_TEXT must be true or false, not {text_flag!r}")
    log_format = (merged.get("TEAMWELL_LOG_FORMAT") or "").strip().lower() or None
    if log_format not in (None, "json", "text"):
        raise ConfigError(f"TEAMWELL_LOG_FORMAT must be json or text, not {log_format!r}")
    return Settings(
        slack_oauth=slack_oauth,
        log_format=log_format,
        admins=_admins(merged.get("TEAMWELL_ADMINS")),
        outbox_lease_seconds=_lease(merged.get("TEAMWELL_OUTBOX_LEASE_SECONDS")),
        outbox_pacing=_pacing(merged.get("TEAMWELL_OUTBOX_PACING")),
        log_message_text=text_flag in ("true", "1", "yes", "on"),
        teams=teams,
        retention=retention,
        sentiment_model=(merged.get("TEAMWELL_SENTIMENT_MODEL") or "default").strip(),
        pulse=pulse,
        recognition=recognition,
        values_file=Path(values_file) if values_file else None,
        database_url=_database_url(merged.get("TEAMWELL_DATABASE_URL"), cwd),
        slack_bot_token=_token("SLACK_BOT_TOKEN", merged.get("SLACK_BOT_TOKEN"), "xoxb-"),
        slack_signing_secret=_secret(merged.get("SLACK_SIGNING_SECRET")),
        slack_app_token=_token("SLACK_APP_TOKEN", merged.get("SLACK_APP_TOKEN"), "xapp-"),
        slack_api_url=api,
        sequences_dir=Path(seq_dir) if seq_dir else None,
        log_level=level,
    )
