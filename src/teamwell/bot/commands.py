"""What each `teamwell` subcommand does."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from datetime import date
from pathlib import Path

from aiohttp import web
from slack_sdk.errors import SlackApiError

from teamwell.bot.config import Settings
from teamwell.bot.slack.identity import slack_workspace
from teamwell.bot.storage import migrate
from teamwell.bot.wiring import Wired, running, slack_client, wire

log = logging.getLogger(__name__)


class CommandError(Exception):
    """A command could not do what was asked; the message says why in one line."""


def db(args: argparse.Namespace) -> int:
    """`teamwell db upgrade`."""
    migrate.upgrade(args.settings.database_url)
    print("database is up to date")
    return 0


def serve(args: argparse.Namespace) -> int:
    """`teamwell serve`: HTTP (default) or Socket Mode, with scheduler and sender unless told."""
    settings: Settings = args.settings
    if args.socket_mode:
        settings.require_socket_mode()
        return asyncio.run(_socket_mode(settings, not args.no_scheduler))
    settings.require_platform()
    if settings.slack_enabled:
        settings.require_slack_http()
    migrate.upgrade(settings.database_url)
    from teamwell.bot.server import HTTP_GRACE, build_web_app

    wired = wire(settings)
    grant_configured_admins(wired)
    app = build_web_app(wired, slack_client(settings), with_background=not args.no_scheduler)
    web.run_app(app, host=args.host, port=args.port, print=lambda m: log.info("%s", m),
                shutdown_timeout=HTTP_GRACE)
    return 0


async def _socket_mode(settings: Settings, background: bool) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from teamwell.bot.server import Background
    from teamwell.bot.slack.app import build_app
    from teamwell.bot.slack.context import SlackEdge
    from teamwell.bot.slack.identity import SlackIdentity

    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    grant_configured_admins(wired)
    client = slack_client(settings)
    edge = SlackEdge(wired.deps, SlackIdentity(wired.deps))
    bolt = build_app(edge, client, settings.slack_signing_secret or "unused-in-socket-mode")
    async with running(settings, client):
        jobs = Background(wired, client) if background else None
        if jobs:
            await jobs.start()
        handler = AsyncSocketModeHandler(bolt, settings.slack_app_token)
        try:
            await handler.start_async()  # type: ignore[no-untyped-call]
        finally:
            if jobs:
                await jobs.close()
    return 0


def worker(args: argparse.Namespace) -> int:
    """`teamwell worker`: scheduler and outbox sender; HTTP only with --metrics-port."""
    settings: Settings = args.settings
    settings.require_sender()
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    grant_configured_admins(wired)
    return asyncio.run(_worker(wired, getattr(args, "metrics_port", None),
                               getattr(args, "metrics_host", "0.0.0.0")))


def grant_configured_admins(wired: Wired) -> int:
    """At start-up, TEAMWELL_ADMINS already in the directory get the admin role (audited)."""
    from teamwell.handlers.roles import apply_configured_admins

    granted = apply_configured_admins(wired.deps)
    if granted:
        log.info("TEAMWELL_ADMINS: the admin role was granted %d time(s)", granted)
    return granted


async def _worker(wired: Wired, metrics_port: int | None = None,
                  metrics_host: str = "0.0.0.0") -> int:
    from teamwell.bot.ops_http import ops_server
    from teamwell.bot.server import Background

    client = slack_client(wired.settings)
    async with running(wired.settings, client), ops_server(wired, metrics_port, metrics_host):
        jobs = Background(wired, client)
        await jobs.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        # Every worker handles stored clicks; only the leader (see bot/leader.py) runs the
        # scheduled jobs and sends the outbox, so that sending is paced for the deployment.
        log.info("worker running: the inbox; the scheduler and the outbox senders while leading")
        await stop.wait()
        await jobs.close()
    return 0


def _workspace(wired: Wired, slack_team: str | None) -> str:
    """The workspace a CLI command acts on: named, learned from the token, or the only one."""
    team = slack_team
    if team is None and wired.settings.slack_bot_token:
        try:
            team = asyncio.run(slack_client(wired.settings).auth_test()).get("team_id")
        except (SlackApiError, OSError) as exc:
            log.warning("auth.test failed (%s); falling back to the stored workspace", exc)
    if team:
        return slack_workspace(wired.deps, team)
    tenant = wired.settings.teams.tenant_id
    if tenant and not wired.settings.slack_enabled:
        # A Teams-only deployment pinned to one tenant: that tenant is the workspace.
        with wired.deps.uow() as uow:
            ws = uow.workspaces.ensure("teams", tenant, tenant)
            uow.commit()
        return ws
    with wired.deps.uow() as uow:
        ids = uow.workspaces.all_ids()
    if len(ids) == 1:
        return ids[0]
    raise CommandError("cannot tell which workspace: pass --slack-team T... (your Slack team "
                       "id), or set TEAMS_TENANT_ID for Teams")


def people(args: argparse.Namespace) -> int:
    """`teamwell people import FILE`, `sync`, `role EMAIL`, `export EMAIL`, `forget EMAIL`."""
    settings: Settings = args.settings
    content = _read_csv(Path(args.file)) if args.people_cmd == "import" else ""
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    ws = _workspace(wired, args.slack_team)
    if args.people_cmd == "sync":
        settings.require_sender()
        from teamwell.bot.slack.directory import sync_workspace_users
        from teamwell.bot.slack.tokens import with_token

        client = slack_client(settings)
        if wired.slack_installs is not None:  # OAuth installs: that workspace's own token
            token = wired.slack_installs.bot_token_for_workspace(ws)
            if token is None:
                raise CommandError("Teamwell is not installed in that Slack workspace: "
                                   "install it through /slack/install first")
            client = with_token(client, token)
        count = asyncio.run(sync_workspace_users(client, wired.deps, ws))
        print(f"synced {count} people from Slack")
        return 0
    if args.people_cmd in ("export", "forget"):
        from teamwell.bot import rights_cli

        return rights_cli.run(args, wired, ws)
    if args.people_cmd == "role":
        from teamwell.handlers.roles import change_role

        grant = args.grant is not None
        print(change_role(wired.deps, ws, args.email, args.grant or args.revoke, grant))
        return 0
    from teamwell.handlers.people import import_people

    report = import_people(wired.deps, ws, content)
    print(report.summary())
    return 1 if report.errors and not (report.created or report.updated) else 0


def _read_csv(path: Path) -> str:
    """The file's text; spreadsheet exports in Windows-1252 are accepted too."""
    if not path.is_file():
        raise CommandError(f"{path} is not a file")
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise CommandError(f"{path} looks like a binary file, not a CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def onboarding(args: argparse.Namespace) -> int:
    """`teamwell onboarding start|stop EMAIL` and `teamwell onboarding check FILE`."""
    from teamwell.surveys.onboarding import load_sequence

    if args.onb_cmd == "check":
        sequence = load_sequence(Path(args.file))
        print(f"{args.file}: sequence {sequence.id!r} is valid ({len(sequence.steps)} steps)")
        return 0
    settings: Settings = args.settings
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    ws = _workspace(wired, args.slack_team)
    with wired.deps.uow() as uow:
        person = uow.people.by_email(ws, args.email)
    if person is None:
        raise CommandError(f"nobody with email {args.email!r} in the directory")
    if args.onb_cmd == "stop":
        from teamwell.handlers.onboarding import stop_onboarding_for

        stopped = stop_onboarding_for(wired.deps, ws, person.id)
        print(f"onboarding messages for {person.name} "
              + ("stopped" if stopped else "were not running"))
        return 0
    try:
        start = date.fromisoformat(args.date) if args.date else None
    except ValueError as exc:
        raise CommandError(f"--date {args.date!r} is not a date (use YYYY-MM-DD)") from exc
    from teamwell.handlers.onboarding import start_onboarding

    onb = start_onboarding(wired.deps, ws, person.id, start, args.sequence)
    print(f"onboarding {onb.sequence_id!r} for {person.name} starts {onb.start_date.isoformat()}")
    return 0


def outbox(args: argparse.Namespace) -> int:
    """`teamwell outbox status|retry|send`."""
    from teamwell.bot.storage import outbox_store

    settings: Settings = args.settings
    migrate.upgrade(settings.database_url)
    wired = wire(settings)
    if args.outbox_cmd == "status":
        counts = outbox_store.status_counts(wired.deps.uow, None)
        print(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "outbox is empty")
        return 0
    if args.outbox_cmd == "retry":
        print(f"{outbox_store.retry_failed(wired.deps.uow)} failed messages queued again")
        return 0
    settings.require_sender()
    delivered = asyncio.run(_send_outbox(wired, args.until_empty))
    print(f"delivered {delivered} messages")
    return 0


async def _send_outbox(wired: Wired, until_empty: bool) -> int:
    """Deliver what is due on each configured platform."""
    from teamwell.bot.outbox_sender import OutboxSender, SenderSettings

    settings = wired.settings
    paced = SenderSettings(pace=settings.outbox_pacing)
    senders: list[OutboxSender] = []
    if settings.slack_enabled:
        from teamwell.bot.slack.sender import SlackSender

        installs = wired.slack_installs
        senders.append(SlackSender(wired.deps.uow, slack_client(settings), wired.deps.clock,
                                   paced,
                                   tokens=installs.bot_token_for_workspace if installs else None))
    if settings.teams.enabled:
        from teamwell.bot.teams.sender import TeamsSender

        senders.append(TeamsSender(wired.deps.uow, settings.teams, wired.deps.clock, paced))
    delivered = 0
    for sender in senders:
        delivered += await (sender.drain_until_empty() if until_empty else sender.drain())
        await sender.close()
    return delivered


def demo(args: argparse.Namespace) -> int:
    """`teamwell demo`: the offline simulated workspace."""
    from teamwell.bot.demo import run_demo

    return run_demo(days=args.days)
