"""`teamwell teams package`: write the Teams app package to upload to Teams."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from dotenv import dotenv_values

from teamwell.bot.teams.package import app_id_for, build_package, check_bot_id, check_domain

DEFAULT_OUT = "teamwell-teams.zip"


def _domain(value: str) -> str:
    try:
        return check_domain(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell teams` and its `package` subcommand."""
    teams = sub.add_parser("teams", help="Microsoft Teams").add_subparsers(
        dest="teams_cmd", required=True)
    package = teams.add_parser("package", help="write the Teams app package (manifest and icons) "
                                               "to upload in the Teams admin centre")
    package.add_argument("--out", type=Path, default=Path(DEFAULT_OUT), metavar="PATH",
                         help=f"where to write the zip (default: ./{DEFAULT_OUT})")
    package.add_argument("--bot-id", metavar="GUID",
                         help="the Azure Bot's Microsoft app id (default: TEAMS_APP_ID)")
    package.add_argument("--domain", type=_domain, metavar="HOST",
                         help="a host the app may open pages from (validDomains), "
                              "e.g. teamwell.example.com")


def _bot_id(args: argparse.Namespace) -> str:
    """--bot-id, else the settings, else the environment, else .env: like every other setting."""
    if args.bot_id:
        return check_bot_id(args.bot_id, "--bot-id (TEAMS_APP_ID)")
    settings = getattr(args, "settings", None)
    # Settings may carry the id flat or inside a TeamsConfig (bot/teams/settings.py).
    found = (getattr(settings, "teams_app_id", None)
             or getattr(getattr(settings, "teams", None), "app_id", None))
    if not found:
        found = os.environ.get("TEAMS_APP_ID")
    if not found:
        found = dotenv_values(Path.cwd() / ".env").get("TEAMS_APP_ID")
    return check_bot_id(found)


def teams(args: argparse.Namespace) -> int:
    """`teamwell teams package`."""
    if args.teams_cmd != "package":
        raise ValueError(f"unknown teams command: {args.teams_cmd!r}")
    bot_id = _bot_id(args)
    out = build_package(Path(args.out), bot_id, domain=args.domain)
    print(f"Wrote {out} (Teams app {app_id_for(bot_id)}, bot {bot_id}).")
    print("Next:\n"
          "  - for everyone: Teams admin centre > Teams apps > Manage apps > Upload new app, "
          "then allow it for your organisation;\n"
          "  - to try it yourself first: Teams Developer Portal > Apps > Import app.\n"
          "The Azure Bot resource needs the Microsoft Teams channel turned on and its messaging "
          "endpoint pointing at this server.\n"
          "After an upgrade, build the package again and upload it over the old one.")
    return 0
