"""`teamwell people export|forget EMAIL`: data rights for someone who cannot ask in chat.

For HR, typically for a person who has left: the same export and erasure as `mydata` and
`forget me`, recorded in the audit log with the actor `cli`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from teamwell.bot.commands import CommandError
from teamwell.bot.wiring import Wired
from teamwell.core.data_rights import ANONYMISED, DELETED, REMAINS
from teamwell.core.people import Person
from teamwell.handlers.data_rights import export_bytes, export_person, forget_person


def add_parsers(people: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell people export` and `teamwell people forget`."""
    export = people.add_parser("export", help="everything linked to someone, as JSON (audited)")
    export.add_argument("email")
    export.add_argument("--out", help="write to this file (default: print it)")
    forget = people.add_parser("forget", help="erase everything linked to someone (audited)")
    forget.add_argument("email")
    forget.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    for cmd in (export, forget):
        cmd.add_argument("--slack-team", help="Slack team id (default: from the bot token)")


def _person(wired: Wired, ws: str, email: str) -> Person:
    with wired.deps.uow() as uow:
        person = uow.people.by_email(ws, email)
    if person is None:
        raise CommandError(f"nobody with email {email!r} in the directory")
    return person


def run(args: argparse.Namespace, wired: Wired, ws: str) -> int:
    """Run `people export` or `people forget` on the workspace."""
    person = _person(wired, ws, args.email)
    if args.people_cmd == "export":
        return _export(wired, ws, person, args.out)
    return _forget(wired, ws, person, args.yes)


def _export(wired: Wired, ws: str, person: Person, out: str | None) -> int:
    data = export_bytes(export_person(wired.deps, ws, person.id, "cli"))
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    path = Path(out)
    # Personal data: readable by its owner only, and never half written.
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    partial.replace(path)
    print(f"wrote {len(data)} bytes about {person.name} to {path}", file=sys.stderr)
    return 0


def _forget(wired: Wired, ws: str, person: Person, yes: bool) -> int:
    if not yes:
        if not sys.stdin.isatty():
            raise CommandError("not on a terminal: pass --yes to erase without being asked")
        print(f"This erases what Teamwell holds about {person.name} <{person.email}>.")
        for title, lines in (("Deleted", DELETED), ("Kept without them", ANONYMISED),
                             ("Remains", REMAINS)):
            print(f"{title}:\n" + "\n".join(f"  - {line}" for line in lines))
        answer = input("It cannot be undone. Type the email again to go ahead: ").strip()
        if answer.lower() != (person.email or "").lower():
            print("Nothing was erased.")
            return 1
    report = forget_person(wired.deps, ws, person.id, "cli")
    print(f"{person.name} is forgotten. {report.summary()}")
    return 0
