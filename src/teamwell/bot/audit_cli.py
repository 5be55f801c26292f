"""`teamwell audit`: print the audit log, oldest first, people by name (or as forgotten)."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime

from teamwell.bot.commands import CommandError, _workspace
from teamwell.bot.config import Settings
from teamwell.bot.storage import migrate
from teamwell.bot.wiring import wire
from teamwell.core.audit import Action
from teamwell.handlers.audit import ShownEntry, read_log


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell audit`."""
    audit = sub.add_parser("audit", help="who viewed results, role and setting changes "
                                         "(reading it is recorded too)")
    audit.add_argument("--since", help="from this date (UTC), YYYY-MM-DD")
    audit.add_argument("--action", choices=[a.value for a in Action],
                       help="only entries of this kind")
    audit.add_argument("--json", action="store_true", help="print JSON instead of lines")
    audit.add_argument("--slack-team", help="Slack team id (default: from the bot token)")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), datetime.min.time(), tzinfo=UTC)
    except ValueError as exc:
        raise CommandError(f"--since {value!r} is not a date (use YYYY-MM-DD)") from exc


def _line(shown: ShownEntry) -> str:
    e = shown.entry
    details = ", ".join(f"{k}={', '.join(v) if isinstance(v, list) else v}"
                        for k, v in sorted(e.detail.items()) if v not in (None, [], ""))
    subject = f" -> {shown.subject}" if shown.subject else ""
    return (f"{e.at.astimezone(UTC):%Y-%m-%d %H:%M:%S}Z  {e.action.value:<14} {shown.actor}"
            f"{subject}" + (f"  ({details})" if details else ""))


def _json(shown: ShownEntry) -> dict[str, object]:
    e = shown.entry
    return {"id": e.id, "at": e.at.astimezone(UTC).isoformat(), "action": e.action.value,
            "actor": shown.actor, "subject": shown.subject, "actor_ref": e.actor,
            "subject_ref": e.subject, "detail": dict(e.detail)}


def audit(args: argparse.Namespace) -> int:
    """`teamwell audit [--since DATE] [--action A] [--json]`."""
    settings: Settings = args.settings
    since = _since(args.since)
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    ws = _workspace(wired, args.slack_team)
    entries = read_log(wired.deps, ws, since, Action(args.action) if args.action else None)
    if args.json:
        print(json.dumps([_json(s) for s in entries], indent=2, ensure_ascii=False))
    elif not entries:
        print("No audit entries" + (" since then." if since else " yet."))
    else:
        print("\n".join(_line(s) for s in entries))
    return 0
