"""Retention settings from the environment: how many days each kind of data is kept."""

from __future__ import annotations

from collections.abc import Mapping

from teamwell.core.retention import (
    DEFAULT_COMMENT_DAYS,
    DEFAULT_DEPARTED_DAYS,
    DEFAULT_MESSAGE_DAYS,
    MAX_DAYS,
    RetentionConfig,
)

SETTINGS = (("TEAMWELL_COMMENT_RETENTION_DAYS", DEFAULT_COMMENT_DAYS),
            ("TEAMWELL_MESSAGE_LOG_RETENTION_DAYS", DEFAULT_MESSAGE_DAYS),
            ("TEAMWELL_DEPARTED_RETENTION_DAYS", DEFAULT_DEPARTED_DAYS))


class RetentionSettingError(ValueError):
    """A retention setting is malformed; the message names it."""


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    value = (env.get(name) or "").strip() or str(default)
    # isdigit() alone would accept "٣" or "²"; days are plain ASCII digits.
    if not value.isascii() or not value.isdigit():
        raise RetentionSettingError(f"{name} must be a whole number of days, not {value!r}")
    days = int(value)
    if not 1 <= days <= MAX_DAYS:
        raise RetentionSettingError(f"{name} must be 1 to {MAX_DAYS} days, not {days}")
    return days


def retention_config(env: Mapping[str, str]) -> RetentionConfig:
    """Read TEAMWELL_*_RETENTION_DAYS (RetentionSettingError naming the setting if bad)."""
    comment, message, departed = (_days(env, name, default) for name, default in SETTINGS)
    return RetentionConfig(comment_days=comment, message_days=message, departed_days=departed)
