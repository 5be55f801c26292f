"""Teams settings read from the environment (no botbuilder import: every command loads these)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
TRUE = ("1", "true", "yes", "on")
FALSE = ("", "0", "false", "no", "off")


class TeamsSettingError(ValueError):
    """A malformed Teams setting; the message is one line naming it."""


@dataclass(frozen=True, slots=True)
class TeamsConfig:
    """How Teamwell talks to Microsoft Teams (Bot Framework)."""

    app_id: str | None = None
    app_password: str | None = None
    tenant_id: str | None = None
    # Local testing only: no Bot Framework authentication either way.
    anonymous: bool = False

    @property
    def enabled(self) -> bool:
        """Whether /api/messages is served and the Teams outbox is delivered."""
        return bool(self.app_id) or self.anonymous


def _guid(name: str, value: str | None) -> str | None:
    value = (value or "").strip()
    if not value:
        return None
    if not GUID.match(value):
        raise TeamsSettingError(f"{name} must be a GUID like 00000000-0000-0000-0000-000000000000")
    return value.lower()


def teams_config(env: Mapping[str, str]) -> TeamsConfig:
    """Read TEAMS_APP_ID, TEAMS_APP_PASSWORD, TEAMS_TENANT_ID and TEAMWELL_TEAMS_ANONYMOUS."""
    app_id = _guid("TEAMS_APP_ID", env.get("TEAMS_APP_ID"))
    tenant = _guid("TEAMS_TENANT_ID", env.get("TEAMS_TENANT_ID"))
    password = env.get("TEAMS_APP_PASSWORD") or None
    flag = (env.get("TEAMWELL_TEAMS_ANONYMOUS") or "").strip().lower()
    if flag not in TRUE + FALSE:
        raise TeamsSettingError("TEAMWELL_TEAMS_ANONYMOUS must be true or false")
    anonymous = flag in TRUE
    if anonymous and app_id:
        raise TeamsSettingError("TEAMWELL_TEAMS_ANONYMOUS=true is for local testing without "
                                "TEAMS_APP_ID; unset one of them")
    if app_id and not password:
        raise TeamsSettingError("TEAMS_APP_PASSWORD is not set (TEAMS_APP_ID needs it)")
    if password and not app_id:
        raise TeamsSettingError("TEAMS_APP_ID is not set (TEAMS_APP_PASSWORD is)")
    return TeamsConfig(app_id=app_id, app_password=password, tenant_id=tenant,
                       anonymous=anonymous)
