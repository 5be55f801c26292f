"""`teamwell retention run [--dry-run]`: the nightly retention job, by hand."""

from __future__ import annotations

import argparse

from teamwell.bot.config import Settings
from teamwell.bot.storage import migrate
from teamwell.bot.wiring import wire
from teamwell.handlers.retention import run_retention


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell retention`."""
    retention = sub.add_parser("retention", help="delete what is past its retention period "
                                                 "(the nightly job)").add_subparsers(
        dest="retention_cmd", required=True)
    run = retention.add_parser("run", help="run it now, in every workspace")
    run.add_argument("--dry-run", action="store_true",
                     help="only print what would be deleted; delete nothing")


def retention(args: argparse.Namespace) -> int:
    """`teamwell retention run [--dry-run]`."""
    settings: Settings = args.settings
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    # Who would be erased is named only before the fact: afterwards nothing names them.
    expired = run_retention(wired.deps, dry_run=args.dry_run)
    days = settings.retention
    head = "Would delete (dry run: nothing was deleted)" if args.dry_run else "Deleted"
    print(f"{head}; kept: comment text {days.comment_days} days, delivered messages "
          f"{days.message_days} days, people who left {days.departed_days} days")
    for line in expired.lines():
        print(f"  {line}")
    if args.dry_run and expired.departed:
        with wired.deps.uow() as uow:
            for ws, pid in expired.departed:
                person = uow.people.get(ws, pid)
                if person is not None:
                    print(f"    would erase {person.name} <{person.email or 'no email'}>")
    return 0
