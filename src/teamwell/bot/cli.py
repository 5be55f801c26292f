"""The `teamwell` command line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from teamwell.bot.config import ConfigError, load_settings
from teamwell.core.errors import InvalidSequence, TeamwellError


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="teamwell", description="Teamwell: onboarding, pulses and "
                                "recognition for Slack and Microsoft Teams.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = sub.add_parser("serve", help="serve Slack over HTTP (or Socket Mode)")
    serve.add_argument("--port", type=_port, default=3000)
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--socket-mode", action="store_true", help="connect with SLACK_APP_TOKEN")
    serve.add_argument("--no-scheduler", action="store_true",
                       help="no scheduler or outbox sender here (run `teamwell worker`)")

    worker = sub.add_parser("worker", help="run the scheduler and the outbox sender only")
    worker.add_argument("--metrics-port", type=_port, help="serve /metrics, /healthz and "
                        "/readyz on this port (default: no HTTP at all)")
    worker.add_argument("--metrics-host", default="0.0.0.0")

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_cmd", required=True)
    db.add_parser("upgrade", help="apply migrations")

    people = sub.add_parser("people", help="the people directory").add_subparsers(
        dest="people_cmd", required=True)
    imp = people.add_parser("import", help="import people from a CSV file")
    imp.add_argument("file")
    imp.add_argument("--slack-team", help="Slack team id (default: from the bot token)")
    sync = people.add_parser("sync", help="fetch everyone from Slack (users.list)")
    sync.add_argument("--slack-team", help="Slack team id (default: from the bot token)")
    role = people.add_parser("role", help="grant or revoke someone's admin or manager role "
                             "(audited)")
    role.add_argument("email")
    change = role.add_mutually_exclusive_group(required=True)
    change.add_argument("--grant", choices=("admin", "manager"))
    change.add_argument("--revoke", choices=("admin", "manager"))
    role.add_argument("--slack-team", help="Slack team id (default: from the bot token)")
    from teamwell.bot import rights_cli

    rights_cli.add_parsers(people)

    onb = sub.add_parser("onboarding", help="onboarding sequences").add_subparsers(
        dest="onb_cmd", required=True)
    start = onb.add_parser("start", help="start someone's onboarding")
    start.add_argument("email")
    start.add_argument("--date", help="start date YYYY-MM-DD (default: their start date)")
    start.add_argument("--sequence", default="default")
    start.add_argument("--slack-team")
    stop = onb.add_parser("stop", help="stop someone's onboarding messages")
    stop.add_argument("email")
    stop.add_argument("--slack-team")
    check = onb.add_parser("check", help="validate a sequence file")
    check.add_argument("file")

    outbox = sub.add_parser("outbox", help="the durable outbox").add_subparsers(
        dest="outbox_cmd", required=True)
    outbox.add_parser("status", help="count messages by status")
    outbox.add_parser("retry", help="queue failed messages again")
    send = outbox.add_parser("send", help="deliver what is due now, then exit")
    send.add_argument("--until-empty", action="store_true")

    _pulse_parser(sub)

    kudos = sub.add_parser("kudos", help="recognition figures for admins").add_subparsers(
        dest="kudos_cmd", required=True)
    fair = kudos.add_parser("fairness", help="how evenly kudos spread; teams with none")
    fair.add_argument("--since", help="from this date, YYYY-MM-DD (default: 90 days ago)")
    board = kudos.add_parser("leaderboard",
                             help="top receivers (only with TEAMWELL_KUDOS_LEADERBOARD=true)")
    for cmd in (fair, board):
        cmd.add_argument("--slack-team", help="Slack team id (default: from the bot token)")

    from teamwell.bot import audit_cli, digest_cli, model_cli, retention_cli, simulate_cli

    audit_cli.add_parser(sub)
    retention_cli.add_parser(sub)
    digest_cli.add_parser(sub)
    simulate_cli.add_parser(sub)
    model_cli.add_parsers(sub)
    from teamwell.bot.teams import package_cli

    package_cli.add_parser(sub)

    demo = sub.add_parser("demo", help="an offline simulated workspace with a transcript")
    demo.add_argument("--days", type=int, default=15, help="how many days to simulate")
    return p


def _pulse_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell pulse` and its subcommands."""
    pulse = sub.add_parser("pulse", help="weekly pulse surveys").add_subparsers(
        dest="pulse_cmd", required=True)
    send = pulse.add_parser("send", help="open a pulse round now")
    send.add_argument("--team", help="only this team (and its sub-teams)")
    close = pulse.add_parser("close", help="close open pulse rounds now")
    close.add_argument("--team")
    results = pulse.add_parser("results", help="print what a manager of the team may see")
    results.add_argument("--team", help="the team (default: everything HR may see)")
    results.add_argument("--week", help="any date in the week (default: latest closed round)")
    leave = pulse.add_parser("leave", help="mark someone on leave (not asked, not counted)")
    leave.add_argument("email")
    leave.add_argument("--until", required=True, help="last day of leave, YYYY-MM-DD, or 'none'")
    sched = pulse.add_parser("schedule", help="show, or set a workspace's or team's pulse day")
    sched.add_argument("--team", help="the team (default: the whole workspace)")
    sched.add_argument("--day", help="Monday to Friday (e.g. tue)")
    sched.add_argument("--time", help="local time, e.g. 10:00")
    sched.add_argument("--default", action="store_true", help="go back to the default schedule")
    for p in (send, close, results, leave, sched):
        p.add_argument("--slack-team", help="Slack team id (default: from the bot token)")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    from teamwell.bot import (
        audit_cli,
        commands,
        digest_cli,
        kudos_cli,
        log_redaction,
        logs,
        model_cli,
        pulse_cli,
        retention_cli,
        simulate_cli,
    )
    from teamwell.bot.teams import package_cli

    handlers: dict[str, Callable[[argparse.Namespace], int]] = {
        "serve": commands.serve, "worker": commands.worker, "db": commands.db,
        "people": commands.people, "onboarding": commands.onboarding,
        "outbox": commands.outbox, "demo": commands.demo, "pulse": pulse_cli.pulse,
        "kudos": kudos_cli.kudos, "digest": digest_cli.digest, "audit": audit_cli.audit,
        "simulate": simulate_cli.simulate, "model": model_cli.model,
        "sentiment": model_cli.sentiment, "teams": package_cli.teams,
        "retention": retention_cli.retention,
    }
    try:
        settings = load_settings()
        logs.configure(settings.log_level,
                       settings.log_format or logs.default_format(args.command))
        log_redaction.install(settings.secrets(), keep_text=settings.log_message_text)
        if args.command != "db" and settings.log_level != "DEBUG":
            # Every command checks the schema first; its "nothing to do" lines are noise.
            logging.getLogger("alembic").setLevel(logging.WARNING)
        args.settings = settings
        return handlers[args.command](args)
    except ConfigError as exc:
        print(f"teamwell: configuration error: {exc}", file=sys.stderr)
        return 2
    except (InvalidSequence, commands.CommandError) as exc:
        print(f"teamwell: {exc}", file=sys.stderr)
        return 2
    except TeamwellError as exc:
        print(f"teamwell: {exc.user_message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - the command line's one last handler
        logging.getLogger("teamwell").debug("command failed", exc_info=exc)
        print(f"teamwell: {_explain(exc)} (TEAMWELL_LOG_LEVEL=DEBUG shows details)",
              file=sys.stderr)
        return 1


def _explain(exc: Exception) -> str:
    """One line a person can act on, for failures of the outside world."""
    from slack_sdk.errors import SlackApiError
    from sqlalchemy.exc import SQLAlchemyError

    first = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    if isinstance(exc, SQLAlchemyError):
        original = getattr(exc, "orig", None) or exc
        reason = (str(original).strip().splitlines() or [type(original).__name__])[0][:300]
        return f"the database is not usable: {reason}"
    if isinstance(exc, SlackApiError):
        return f"Slack refused the request: {exc.response.get('error', first)}"
    if isinstance(exc, OSError):
        return f"{type(exc).__name__}: {first}"
    return f"unexpected {type(exc).__name__}: {first}"


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from exc
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (1-65535)")
    return port


if __name__ == "__main__":
    raise SystemExit(main())
