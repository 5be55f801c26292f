"""`teamwell pulse ...`: open and close rounds, print results, mark leave, set schedules."""

from __future__ import annotations

import argparse
from datetime import date

from teamwell.bot.commands import CommandError, _workspace
from teamwell.bot.config import Settings
from teamwell.bot.pulse_settings import parse_clock
from teamwell.bot.storage import migrate
from teamwell.bot.wiring import wire
from teamwell.core.errors import InvalidInput
from teamwell.core.pulse_schedule import parse_weekday
from teamwell.core.results_text import group_lines, results_heading
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_results import Results
from teamwell.handlers.pulse_rounds import close_open_rounds, open_round
from teamwell.handlers.pulse_schedules import describe_schedules, set_leave, set_pulse_schedule
from teamwell.handlers.results_view import cli_results


def _date(flag: str, value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{flag} {value!r} is not a date (use YYYY-MM-DD)") from exc


def pulse(args: argparse.Namespace) -> int:
    """`teamwell pulse send|close|results|leave`."""
    settings: Settings = args.settings
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    ws = _workspace(wired, args.slack_team)
    deps = wired.deps
    if args.pulse_cmd == "send":
        opened = open_round(deps, ws, args.team)
        print(opened.message)
        return 0 if opened.pulse else 1
    if args.pulse_cmd == "close":
        closed = close_open_rounds(deps, ws, args.team)
        print(f"closed {closed} pulse round{'s' if closed != 1 else ''}; their answer keys "
              "are destroyed")
        return 0
    if args.pulse_cmd == "leave":
        return _leave(deps, ws, args.email, args.until)
    if args.pulse_cmd == "schedule":
        return _schedule(deps, ws, args)
    week = _date("--week", args.week) if args.week else None
    print(format_results(cli_results(deps, ws, args.team, week)))
    return 0


def _leave(deps: Deps, ws: str, email: str, until: str) -> int:
    end = None if until.lower() == "none" else _date("--until", until)
    try:
        print(set_leave(deps, ws, email, end))
    except InvalidInput as exc:
        raise CommandError(f"nobody with email {email!r} in the directory") from exc
    return 0


def _schedule(deps: Deps, ws: str, args: argparse.Namespace) -> int:
    if args.default:
        print(set_pulse_schedule(deps, ws, args.team, None))
        return 0
    if not args.day and not args.time:
        print(describe_schedules(deps, ws))
        return 0
    if not (args.day and args.time):
        raise CommandError("give both --day and --time (or --default)")
    try:
        weekday = parse_weekday(args.day)
        at = parse_clock("--time", args.time)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    print(set_pulse_schedule(deps, ws, args.team, (weekday, at)))
    return 0


def format_results(results: Results) -> str:
    """Results as plain text, hidden figures named as hidden."""
    if results.week is None:
        return "No pulse round has closed yet, so there are no results to show."
    lines = [results_heading(results.week, results.minimum)]
    for group in results.groups:
        lines.extend(["", *group_lines(group)])
    return "\n".join(lines)
