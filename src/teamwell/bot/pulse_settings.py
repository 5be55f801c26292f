"""Pulse settings from the environment: schedule, reporting minimums, new-hire grace period."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time

from teamwell.core.pulse import PulseConfig
from teamwell.core.pulse_schedule import PulseSchedule, parse_weekday
from teamwell.core.support import DEFAULT_NOTE, SupportResources


class PulseSettingError(ValueError):
    """A pulse setting is malformed; the message names it."""


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = (env.get(name) or "").strip()
    if not raw:
        return default
    if not re.fullmatch(r"-?\d{1,4}", raw):
        raise PulseSettingError(f"{name} must be a whole number, not {raw!r}")
    return int(raw)


def parse_clock(name: str, raw: str) -> time:
    """A local time like 10:00 (PulseSettingError naming the setting otherwise)."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", raw.strip())
    if not match:
        raise PulseSettingError(f"{name} must be a time like 10:00, not {raw!r}")
    return time(int(match.group(1)), int(match.group(2)))


def pulse_config(env: Mapping[str, str]) -> PulseConfig:
    """Read TEAMWELL_PULSE_* and TEAMWELL_MIN_GROUP_SIZE settings (PulseSettingError if bad)."""
    try:
        weekday = parse_weekday(env.get("TEAMWELL_PULSE_DAY") or "tuesday")
    except ValueError as exc:
        raise PulseSettingError(f"TEAMWELL_PULSE_DAY: {exc}") from exc
    at = parse_clock("TEAMWELL_PULSE_TIME", env.get("TEAMWELL_PULSE_TIME") or "10:00")
    quiet = (env.get("TEAMWELL_QUIET_HOURS") or "19:00-08:00").split("-")
    if len(quiet) != 2:
        raise PulseSettingError("TEAMWELL_QUIET_HOURS must look like 19:00-08:00")
    try:
        schedule = PulseSchedule(
            weekday=weekday, at=at, open_days=_int(env, "TEAMWELL_PULSE_OPEN_DAYS", 3),
            quiet_start=parse_clock("TEAMWELL_QUIET_HOURS", quiet[0]),
            quiet_end=parse_clock("TEAMWELL_QUIET_HOURS", quiet[1]),
            per_round=_int(env, "TEAMWELL_PULSE_QUESTIONS", 4))
    except ValueError as exc:
        raise PulseSettingError(f"pulse schedule (TEAMWELL_PULSE_*): {exc}") from exc
    minimum = _int(env, "TEAMWELL_MIN_GROUP_SIZE", 5)
    try:
        return PulseConfig(
            schedule=schedule, min_group_size=minimum,
            comment_minimum=_int(env, "TEAMWELL_COMMENT_MIN_GROUP_SIZE", max(5, minimum)),
            new_hire_days=_int(env, "TEAMWELL_PULSE_NEW_HIRE_DAYS", 30),
            support=support_resources(env))
    except ValueError as exc:
        raise PulseSettingError(f"TEAMWELL_MIN_GROUP_SIZE / TEAMWELL_COMMENT_MIN_GROUP_SIZE / "
                                f"TEAMWELL_PULSE_NEW_HIRE_DAYS: {exc}") from exc


def support_resources(env: Mapping[str, str]) -> SupportResources:
    """TEAMWELL_SUPPORT_NOTE and TEAMWELL_SUPPORT_LINKS ("Label=address; Label=address")."""
    note = (env.get("TEAMWELL_SUPPORT_NOTE") or "").strip() or DEFAULT_NOTE
    links: list[tuple[str, str]] = []
    for item in (env.get("TEAMWELL_SUPPORT_LINKS") or "").split(";"):
        if not item.strip():
            continue
        label, sep, address = item.partition("=")
        if not sep or not label.strip() or not address.strip():
            raise PulseSettingError("TEAMWELL_SUPPORT_LINKS must look like "
                                    f"'Label=https://example.com; Label=tel:+44...', not {item!r}")
        if not re.match(r"(https://|http://|tel:|mailto:)", address.strip()):
            raise PulseSettingError(f"TEAMWELL_SUPPORT_LINKS: {address.strip()!r} must start "
                                    "with https://, http://, tel: or mailto:")
        links.append((label.strip(), address.strip()))
    return SupportResources(note, tuple(links))
