"""The Teams app package: manifest.json and two icons in a zip, for the Teams admin centre."""

from __future__ import annotations

import json
import re
import uuid
import zipfile
from importlib import resources
from pathlib import Path
from typing import Any

from teamwell import __version__
from teamwell.bot.config import ConfigError

MANIFEST_VERSION = "1.29"  # the const in ../shared/schemas/teams-manifest.schema.json
SCHEMA_URL = (f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}"
              "/MicrosoftTeams.schema.json")
ACCENT_COLOR = "#17736A"  # the colour icon's background (scripts/make_teams_icons.py)
PROJECT_URL = "https://github.com/teamwell/teamwell"
PRIVACY_URL = f"{PROJECT_URL}/blob/main/docs/privacy.md"
TERMS_URL = f"{PROJECT_URL}/blob/main/README.md"
ICONS = ("color.png", "outline.png")
# A fixed namespace: the same bot id always yields the same app id, so a rebuilt package
# updates the app already uploaded instead of adding a second one.
_APP_ID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, f"{PROJECT_URL}#teams-app")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_SEMVER = re.compile(r"^(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)\.(?:0|[1-9][0-9]*)$")
_HOST = re.compile(r"^(?:\*\.)?(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+"
                   r"[A-Za-z]{2,63}$")
# Fixed zip timestamps: the same inputs give the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)

_PERSONAL_COMMANDS = (
    ("help", "What Teamwell can do for you, and how to ask."),
    ("privacy", "What Teamwell keeps about you, and who can see what."),
    ("mydata", "Show everything Teamwell holds about you."),
    ("pulse", "Answer this week's pulse survey."),
    ("kudos", "kudos @person message: thank someone for something they did."),
    ("forget me", "Erase what Teamwell holds about you."),
)
# In channels and group chats everyone reads the answer: personal data stays in the 1:1 chat.
_SHARED_COMMANDS = (
    ("help", "What Teamwell can do, and how to reach it in a personal chat."),
    ("privacy", "What Teamwell keeps, and who can see what."),
    ("kudos", "kudos @person message: thank someone where the team can see it."),
)

SHORT_DESCRIPTION = "A bot for onboarding, pulse surveys, kudos and weekly team digests."
FULL_DESCRIPTION = (
    "Teamwell is a bot that helps teams look after their people. In a personal chat it walks "
    "new hires through their first weeks, asks a short weekly pulse survey whose team results "
    "are shown only when nobody can be singled out, passes on kudos, and sends managers a "
    "weekly digest with suggested check-ins. In channels and group chats, @mention it to give "
    "kudos or to ask for help. It says it is a bot, tells everyone what it keeps and who sees "
    "what (type privacy), shows you your data (mydata) and erases it on request (forget me). "
    "It never acts on anyone's behalf: it suggests; people decide."
)


def check_bot_id(value: str | None, setting: str = "TEAMS_APP_ID") -> str:
    """The bot's Microsoft app id in lower case, or a ConfigError naming the setting."""
    text = (value or "").strip()
    if not text:
        raise ConfigError(f"{setting} is not set: it is the bot's Microsoft app id (a GUID, "
                          "from the Azure Bot resource); put it in the environment or in .env")
    if not _GUID.match(text):
        raise ConfigError(f"{setting} must be a GUID like 00000000-0000-0000-0000-000000000000 "
                          f"(the Azure Bot's Microsoft app id), got {text!r}")
    return text.lower()


def check_domain(value: str) -> str:
    """A bare host name (optionally `*.` wildcard) for validDomains, or a ValueError."""
    host = value.strip().lower()
    if not _HOST.match(host):
        raise ValueError(f"the domain must be a host name like teamwell.example.com, with no "
                         f"https:// and no path, got {value!r}")
    return host


def app_id_for(bot_id: str) -> str:
    """The app package's id: the same for every build of the same bot."""
    return str(uuid.uuid5(_APP_ID_NAMESPACE, check_bot_id(bot_id)))


def _command_list(scope: str, commands: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    return {"scopes": [scope],
            "commands": [{"title": title, "description": text} for title, text in commands]}


def build_manifest(bot_id: str, *, app_id: str | None = None, version: str = __version__,
                   domain: str | None = None, website_url: str = PROJECT_URL,
                   privacy_url: str = PRIVACY_URL, terms_url: str = TERMS_URL) -> dict[str, Any]:
    """The Teams app manifest (schema 1.29) for the bot with this Microsoft app id."""
    bot = check_bot_id(bot_id)
    package_id = check_bot_id(app_id, "the app package id") if app_id else app_id_for(bot)
    if not _SEMVER.match(version):
        # Teams refuses pre-release and local versions; a package needs plain x.y.z.
        raise ValueError(f"Teams needs an app version like 1.2.3, got {version!r}")
    return {
        "$schema": SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": package_id,
        "developer": {"name": "Teamwell", "websiteUrl": website_url,
                      "privacyUrl": privacy_url, "termsOfUseUrl": terms_url},
        "name": {"short": "Teamwell",
                 "full": "Teamwell: onboarding, pulse surveys and recognition"},
        "description": {"short": SHORT_DESCRIPTION, "full": FULL_DESCRIPTION},
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": ACCENT_COLOR,
        "bots": [{
            "botId": bot,
            "scopes": ["personal", "team", "groupChat"],
            "supportsFiles": True,  # mydata sends the person their data file
            "isNotificationOnly": False,
            "commandLists": [_command_list("personal", _PERSONAL_COMMANDS),
                             _command_list("team", _SHARED_COMMANDS),
                             _command_list("groupChat", _SHARED_COMMANDS)],
        }],
        # identity: who is talking; messageTeamMembers: onboarding steps, pulses and digests
        # start 1:1 chats the person did not open.
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [check_domain(domain)] if domain else [],
        "defaultInstallScope": "personal",
    }


def icon_bytes(name: str) -> bytes:
    """One of the committed icons (color.png or outline.png)."""
    if name not in ICONS:
        raise ValueError(f"no such icon: {name!r}")
    return (resources.files("teamwell.bot.teams") / "assets" / name).read_bytes()


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    archive.writestr(info, data)


def build_package(out: Path, bot_id: str, *, app_id: str | None = None,
                  version: str = __version__, domain: str | None = None) -> Path:
    """Write the app package zip (manifest.json, color.png, outline.png at its root) to `out`."""
    manifest = build_manifest(bot_id, app_id=app_id, version=version, domain=domain)
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Write beside the target, then rename: an interrupted run never leaves half a zip.
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w") as archive:
        _write(archive, "manifest.json", text.encode("utf-8"))
        for name in ICONS:
            _write(archive, name, icon_bytes(name))
    partial.replace(out)
    return out
