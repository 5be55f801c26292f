"""`teamwell kudos ...`: recognition figures for admins (fairness; the leaderboard if enabled)."""

from __future__ import annotations

import argparse

from teamwell.bot.commands import CommandError, _workspace
from teamwell.bot.config import Settings
from teamwell.bot.pulse_cli import _date
from teamwell.bot.storage import migrate
from teamwell.bot.transcript import plain_lines
from teamwell.bot.wiring import wire
from teamwell.handlers.recognition import fairness_view


def kudos(args: argparse.Namespace) -> int:
    """`teamwell kudos fairness|leaderboard`."""
    settings: Settings = args.settings
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    ws = _workspace(wired, args.slack_team)
    since = _date("--since", args.since) if getattr(args, "since", None) else None
    _, message, board = fairness_view(wired.deps, ws, since)
    with wired.deps.uow() as uow:
        names = {p.id: p.name for p in uow.people.list(ws, active_only=False)}
    if args.kudos_cmd == "fairness":
        print("\n".join(plain_lines(message, names)))
        return 0
    if not settings.recognition.leaderboard:
        raise CommandError("the leaderboard is off (TEAMWELL_KUDOS_LEADERBOARD=true turns it "
                           "on); recognition is not meant to be a contest")
    for rank, (pid, count) in enumerate(board, start=1):
        print(f"{rank:>2}. {names.get(pid, pid)}: {count}")
    return 0
