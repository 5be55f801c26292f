"""`teamwell pulse ...`: open and close rounds, print results, mark leave, set schedules."""

from __future__ import annotations

import argparse
from datetime import date

from teamwell.bot.commands import CommandError, _workspace
from teamwell.bot.config import Settings
from teamwell.bot.pulse_settings import parse_clock
from teamwell.bot.storage import migrate
from teamwell.bot.wiring import wire
from teamwell.core.pulse import PulsePreference
from teamwell.core.pulse_results import GroupResult
from teamwell.core.pulse_schedule import parse_weekday
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_results import Results, team_results
from teamwell.handlers.pulse_rounds import close_open_rounds, open_round
from teamwell.handlers.pulse_schedules import describe_schedules, set_pulse_schedule


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
    print(format_results(team_results(deps, ws, args.team, week)))
    return 0


def _leave(deps: Deps, ws: str, email: str, until: str) -> int:
    end = None if until.lower() == "none" else _date("--until", until)
    with deps.uow() as uow:
        person = uow.people.by_email(ws, email)
        if person is None:
            raise CommandError(f"nobody with email {email!r} in the directory")
        pref = uow.pulses.preference(ws, person.id)
        uow.pulses.set_preference(ws, person.id, PulsePreference(pref.opted_out, end))
        uow.commit()
    print(f"{person.name}: " + (f"on leave until {end.isoformat()}" if end else "not on leave"))
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
    lines = [f"Pulse results for the week of {results.week.isoformat()} "
             f"(shown only for groups of {results.minimum} or more)"]
    for group in results.groups:
        lines.extend(_group_lines(group))
    return "\n".join(lines)


def _group_lines(group: GroupResult) -> list[str]:
    if not group.shown:
        return ["", f"{group.group.label}: hidden ({group.reason})"]
    rate = group.participation
    lines = ["", f"{group.group.label}: {group.respondents} responses"
             + (f" of {group.invited} asked ({rate:.0%})" if rate is not None else "")]
    for fig in group.dimensions:
        name = fig.dimension.name
        if not fig.shown:
            lines.append(f"  {name}: hidden ({fig.reason})")
            continue
        change = f", {fig.change:+.2f} vs last week" if fig.change is not None else ""
        dist = " ".join(f"{v}:{c}" for v, c in fig.distribution)
        better = "" if fig.dimension.higher_is_better else " (lower is better)"
        lines.append(f"  {name}: mean {fig.mean:.2f}{better}, n={fig.n}{change}  [{dist}]")
    if group.comments:
        lines.append("  Comments (shuffled, names removed):")
        lines.extend(f"    - {c}" for c in group.comments)
    return lines

