"""Recognition settings from the environment: the channel, the kudos rules, the values file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from teamwell.core.celebrations import CelebrationSettings, WeekendRule
from teamwell.core.kudos import KudosSettings
from teamwell.core.recognition import RecognitionConfig
from teamwell.surveys.values import CompanyValues, InvalidValues, load_values


class RecognitionSettingError(ValueError):
    """A recognition setting is malformed; the message names it."""


_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off", ""}


def _flag(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "").strip().lower()
    if raw not in _YES | _NO:
        raise RecognitionSettingError(f"{name} must be true or false, not {raw!r}")
    return raw in _YES


def recognition_config(env: Mapping[str, str]) -> RecognitionConfig:
    """Read TEAMWELL_RECOGNITION_CHANNEL and TEAMWELL_KUDOS_* (RecognitionSettingError if bad)."""
    channel = (env.get("TEAMWELL_RECOGNITION_CHANNEL") or "").strip() or None
    if channel is not None and not (re.fullmatch(r"[CG][A-Z0-9]{6,20}", channel)
                                    or re.fullmatch(r"19:[^\s/]+@thread\.[a-z0-9]+", channel)):
        raise RecognitionSettingError(
            "TEAMWELL_RECOGNITION_CHANNEL must be a Slack channel id like C0123ABCD (channel "
            "details, bottom of the About tab) or a Teams channel id like "
            f"19:abc...@thread.tacv2 (the channel's link, after /channel/), not {channel!r}")
    raw = (env.get("TEAMWELL_KUDOS_DAILY_ALLOWANCE") or "5").strip()
    if not raw.isascii() or not raw.isdigit():
        raise RecognitionSettingError(
            f"TEAMWELL_KUDOS_DAILY_ALLOWANCE must be a whole number, not {raw!r}")
    try:
        kudos = KudosSettings(daily_allowance=int(raw),
                              value_required=_flag(env, "TEAMWELL_KUDOS_VALUE_REQUIRED"))
    except ValueError as exc:
        raise RecognitionSettingError(f"TEAMWELL_KUDOS_DAILY_ALLOWANCE: {exc}") from exc
    weekend = (env.get("TEAMWELL_CELEBRATION_WEEKEND") or "monday").strip().lower()
    rules = {"monday": WeekendRule.MONDAY_AFTER, "friday": WeekendRule.FRIDAY_BEFORE}
    if weekend not in rules:
        raise RecognitionSettingError(
            f"TEAMWELL_CELEBRATION_WEEKEND must be monday or friday, not {weekend!r}")
    return RecognitionConfig(kudos=kudos, channel=channel,
                             celebrations=CelebrationSettings(weekend=rules[weekend]),
                             leaderboard=_flag(env, "TEAMWELL_KUDOS_LEADERBOARD"))


def company_values(path: Path | None) -> CompanyValues:
    """The company values (TEAMWELL_VALUES_FILE, or the shipped defaults)."""
    try:
        return load_values(path)
    except InvalidValues as exc:
        raise RecognitionSettingError(f"TEAMWELL_VALUES_FILE: {exc}") from exc
