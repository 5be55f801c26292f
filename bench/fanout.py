"""Fan-out benchmark: a pulse to 10,000 people, delivered under Slack's rate limits.

A pulse round is opened for the whole workspace and its invitations queued, through the real
handlers (`open_round`, then `send_due_invites` until none is due) on a fresh database. The
real SlackSender then delivers them, paced to Slack's published limits, to a fake Slack in a
process of its own that refuses (429) any call beyond those limits. Limits are scaled (every
rate times --scale, bursts unchanged) so that the run takes minutes instead of half an hour;
the ratio below does not depend on the scale as long as the sender keeps up.

Printed: wall time next to the least time the limits allow for the calls made (ratio; target
>= 0.9), our CPU time per message (this process: sender, database, client), peak memory and
the 429s the fake answered. See bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import func, insert, select, text

from _fanout_slack import TEAM, TOKEN, email, user_id  # bench/ is sys.path[0] as a script
from teamwell.bot.slack.rate_limits import SLACK_LIMITS
from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage import migrate
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.tables import OutboxRow, PersonAccountRow, PersonRow
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import FakeClock, SystemClock
from teamwell.handlers.deps import Deps
from teamwell.handlers.pulse_delivery import send_due_invites
from teamwell.handlers.pulse_rounds import open_round
from teamwell.surveys.onboarding import SequenceLibrary

TARGET_RATIO = 0.9
HERE = Path(__file__).resolve().parent


def note(message: str) -> None:
    """Progress, on stderr so that --json output stays clean."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rss_mb() -> float:
    """This process's resident memory now."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def never_opened(args: argparse.Namespace) -> bool:
    """True when no one's DM with the bot exists yet (--cold, --unopened)."""
    return bool(args.cold or args.unopened)


def case(args: argparse.Namespace) -> str:
    """The case measured, in words."""
    if args.cold:
        return "cold (not linked: found by email; DMs never opened)"
    if args.unopened:
        return "linked, DMs never opened"
    return "DMs known"


def start_fake(args: argparse.Namespace) -> tuple[subprocess.Popen[str], str]:
    """The limited fake Slack in its own process; its base URL."""
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "_fanout_slack.py"), "--people", str(args.people),
         "--scale", str(args.scale), "--jitter", str(args.jitter),
         "--latency", str(args.latency), *(["--no-dms"] if never_opened(args) else [])],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    ready = json.loads(proc.stdout.readline() or "{}")
    if not ready.get("ready"):
        proc.kill()
        raise SystemExit("the fake Slack did not start")
    return proc, str(ready["base_url"])


def prepare_db(url: str | None, tmp: str) -> str:
    """A fresh, migrated database: a SQLite file, or the given PostgreSQL one reset."""
    if url is None:
        url = f"sqlite:///{Path(tmp) / 'fanout.db'}"
    else:
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    migrate.upgrade(url)
    return url


def working_hours() -> datetime:
    """A recent weekday at 10:00 UTC, outside anyone's quiet hours, not in the future."""
    now = datetime.now(UTC)
    moment = now.replace(hour=10, minute=0, second=0, microsecond=0)
    while moment > now or moment.weekday() >= 5:
        moment -= timedelta(days=1)
    return moment


def seed_and_queue(factory: SqlUnitOfWorkFactory, people: int, linked: bool,
                   dms: list[str] | None) -> tuple[str, int]:
    """The workspace, its people (introduced; linked to their Slack user if linked, with their
    DM if dms are given), and this week's pulse queued through the real handlers; (workspace
    id, rows queued)."""
    with factory() as uow:
        ws = uow.workspaces.ensure("slack", TEAM, "Fan-out Inc")
        uow.commit()
    clock = FakeClock(working_hours())
    with factory() as uow:
        uow.session.execute(insert(PersonRow), [
            {"workspace_id": ws, "id": f"p{n:06d}", "name": f"Person {n}", "email": email(n),
             "introduced_at": clock.now() - timedelta(days=30)} for n in range(people)])
        if linked:
            uow.session.execute(insert(PersonAccountRow), [
                {"workspace_id": ws, "platform": "slack", "external_id": user_id(n),
                 "person_id": f"p{n:06d}", "conversation_id": dms[n] if dms else None}
                for n in range(people)])
        uow.commit()
    deps = Deps(uow=factory, clock=clock, sequences=SequenceLibrary([]))
    opened = open_round(deps, ws)
    if opened.pulse is None:
        raise SystemExit(f"no pulse opened: {opened.message}")
    while send_due_invites(deps):
        pass
    with factory() as uow:
        queued = int(uow.session.scalar(select(func.count()).select_from(OutboxRow)) or 0)
    return ws, queued


async def fake_get(session: aiohttp.ClientSession, base_url: str, method: str) -> Any:
    """One of the fake's bench methods."""
    async with session.get(f"{base_url}/api/{method}") as resp:
        return await resp.json()


async def deliver(args: argparse.Namespace, url: str, base_url: str) -> dict[str, Any]:
    """Seed, queue, then time the sender until the outbox is empty."""
    if url.startswith("sqlite"):
        # As `teamwell serve` and `worker` run on SQLite (bot/wiring.py: running).
        asyncio.get_running_loop().set_default_executor(
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="teamwell-db"))
    engine = make_engine(url)
    factory = SqlUnitOfWorkFactory(engine)
    async with aiohttp.ClientSession() as session:
        dms = None if never_opened(args) else await fake_get(session, base_url, "bench.dms")
        note(f"queueing a pulse to {args.people:,} people (open_round, send_due_invites)")
        t0 = time.perf_counter()
        _, queued = await asyncio.to_thread(seed_and_queue, factory, args.people,
                                            not args.cold, dms)
        setup_s = time.perf_counter() - t0
        note(f"{queued:,} messages queued in {setup_s:.1f} s; delivering")
        client = AsyncWebClient(token=TOKEN, base_url=base_url + "/api/", session=session)
        client.retry_handlers.clear()
        limits = SLACK_LIMITS.scaled(args.scale)
        sender = SlackSender(factory, client, SystemClock(),
                             SenderSettings(limits=limits, batch_size=args.batch_size))
        rss_before = rss_mb()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        delivered = await sender.drain_until_empty()
        wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        stats = await fake_get(session, base_url, "bench.stats")
    engine.dispose()
    least = float(stats["minimum_seconds"])
    return {
        "queued": queued, "delivered": delivered, "setup_s": round(setup_s, 1),
        "wall_s": round(wall, 2), "least_s": round(least, 2),
        "ratio": round(least / wall, 3) if wall else None,
        "cpu_ms_per_message": round(cpu / max(delivered, 1) * 1e3, 3),
        "cpu_share": round(cpu / wall, 3) if wall else None,
        "rss_before_mb": round(rss_before, 1), "rss_after_mb": round(rss_mb(), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "refused": stats["refused"], "admitted": stats["admitted"],
        "paced_wait_s": round(sender.pacer.waited if sender.pacer else 0.0, 1),
        "buckets_kept": sender.pacer.tracked() if sender.pacer else 0,
        "real_minutes": round(least * args.scale / 60, 1),
    }


def report(result: dict[str, Any], args: argparse.Namespace) -> None:
    """Print the figures."""
    posts = SLACK_LIMITS.methods["chat.postMessage"]
    print(f"Fan-out benchmark, {datetime.now(UTC).date()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, {'PostgreSQL' if args.db else 'SQLite'}; "
          f"{args.people:,} people, {case(args)}")
    print(f"limits: Slack's published ones x {args.scale:g} (chat.postMessage "
          f"{posts.per_second * 60:g}/min -> {posts.per_second * 60 * args.scale:g}/min per "
          f"workspace, burst {posts.burst:g}); the fake enforces them on arrival"
          + (f", forgiving {args.jitter * 1e3:g} ms of jitter" if args.jitter else ", exactly"))
    print(f"queued {result['queued']:,} (setup {result['setup_s']} s), delivered "
          f"{result['delivered']:,}; calls admitted: {result['admitted']}")
    print(f"wall time {result['wall_s']:.2f} s; least the limits allow {result['least_s']:.2f} s "
          f"({result['real_minutes']} min at Slack's real limits)")
    met = "met" if (result["ratio"] or 0) >= TARGET_RATIO else "NOT met"
    print(f"target: least / wall >= {TARGET_RATIO}: {result['ratio']} -> {met}")
    print(f"CPU: {result['cpu_ms_per_message']} ms per message (this process; "
          f"{result['cpu_share'] * 100:.0f}% of one core during delivery)")
    print(f"memory: peak RSS {result['peak_rss_mb']} MB (setup included); "
          f"{result['rss_before_mb']} -> {result['rss_after_mb']} MB across delivery; "
          f"pacer buckets kept at the end: {result['buckets_kept']}")
    refused = sum(result["refused"].values())
    print(f"429s answered by the fake: {refused} {result['refused'] or ''}".rstrip())


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark once."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--scale", type=float, default=10.0,
                        help="every rate times this (default 10: under four minutes)")
    parser.add_argument("--cold", action="store_true",
                        help="people not yet linked: found by email (Tier 3), DMs never opened")
    parser.add_argument("--unopened", action="store_true",
                        help="people linked to their Slack user (as after a directory sync) "
                             "whose DM with the bot was never opened")
    parser.add_argument("--batch-size", type=int, default=SenderSettings().batch_size)
    parser.add_argument("--jitter", type=float, default=0.0,
                        help="seconds of arrival jitter the fake forgives (see fake_limits.py)")
    parser.add_argument("--latency", type=float, default=0.0,
                        help="seconds the fake takes to answer each call")
    parser.add_argument("--db", default=None,
                        help="a PostgreSQL URL (its public schema is dropped); default SQLite")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    proc, base_url = start_fake(args)
    try:
        with tempfile.TemporaryDirectory(prefix="teamwell-fanout-") as tmp:
            url = prepare_db(args.db, tmp)
            result = asyncio.run(deliver(args, url, base_url))
    finally:
        if proc.stdin:
            proc.stdin.close()
        proc.wait(timeout=30)
    if args.json:
        print(json.dumps({"params": vars(args), **result}, indent=2))
    else:
        report(result, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
