"""`teamwell digest ...`: send this week's digests now, preview one, follow-through figures."""

from __future__ import annotations

import argparse

from teamwell.bot.commands import _workspace
from teamwell.bot.config import Settings
from teamwell.bot.storage import migrate
from teamwell.bot.transcript import plain_lines
from teamwell.bot.wiring import wire
from teamwell.core.suggestions import Kind, Status
from teamwell.handlers.digest import preview_digest, send_due_digests


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell digest` and its subcommands."""
    digest = sub.add_parser("digest", help="weekly manager and HR digests").add_subparsers(
        dest="digest_cmd", required=True)
    send = digest.add_parser("send", help="queue this week's digest for everyone not yet sent "
                                          "one (normally Monday 09:00 local, by the scheduler)")
    preview = digest.add_parser("preview", help="print the digest someone would get now")
    preview.add_argument("--manager", required=True, metavar="EMAIL")
    stats = digest.add_parser("stats", help="what managers did with suggested check-ins")
    for cmd in (send, preview, stats):
        cmd.add_argument("--slack-team", help="Slack team id (default: from the bot token)")


def _stats(table: dict[str, dict[str, int]]) -> list[str]:
    columns = [s.value for s in Status]
    lines = [f"{'kind':<20}" + "".join(f"{c:>12}" for c in columns) + f"{'follow-through':>16}"]
    for kind in Kind:
        row = table.get(kind.value, {})
        accepted = row.get(Status.ACCEPTED.value, 0) + row.get(Status.DONE.value, 0)
        rate = f"{row.get(Status.DONE.value, 0) / accepted:.0%}" if accepted else "-"
        lines.append(f"{kind.value:<20}" + "".join(f"{row.get(c, 0):>12}" for c in columns)
                     + f"{rate:>16}")
    lines.append("follow-through = done / (accepted + done): check-ins managers said they would "
                 "do and then confirmed.")
    return lines


def digest(args: argparse.Namespace) -> int:
    """`teamwell digest send|preview|stats`."""
    settings: Settings = args.settings
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    ws = _workspace(wired, args.slack_team)
    deps = wired.deps
    if args.digest_cmd == "send":
        queued = send_due_digests(deps, force=True, workspace_id=ws)
        print(f"{queued} digests queued (people who already had this week's digest are skipped); "
              "`teamwell outbox send` or a running worker delivers them.")
        return 0
    with deps.uow() as uow:
        names = {p.id: p.name for p in uow.people.list(ws, active_only=False)}
        table = uow.digests.follow_through(ws)
    if args.digest_cmd == "preview":
        print("\n".join(plain_lines(preview_digest(deps, ws, args.manager), names)))
        return 0
    print("\n".join(_stats(table)))
    return 0
