"""The two servers of bench/slack_ingress.py, each run in its own subprocess.

full: the real Teamwell HTTP app (build_web_app) on a migrated database holding one new hire
      whose day-3 check-in was sent; a local FakeSlackApi on the same event loop stands in
      for Slack.
bare: a Bolt AsyncApp with the same signing secret and one action listener that only acks.

Each prints one JSON line ({"ready": true, "port": ...}) once it listens on 127.0.0.1, and
stops on SIGTERM/SIGINT, when its stdin closes (the parent is gone) or after --max-lifetime.

A full server given join (the ready line of another full server on the same PostgreSQL
database) neither resets nor seeds the database: it is one more replica of the same deployment
(bench/ingress_replicas.py).
"""

from __future__ import annotations

import asyncio
import cProfile
import json
import logging
import re
import signal
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text

from _lifetime import watch_stdin  # bench/ is sys.path[0] when run as a script
from teamwell.bot.config import load_settings
from teamwell.bot.server import EDGE_KEY, INBOX_KEY, build_web_app
from teamwell.bot.slack.fake_api import FakeSlackApi
from teamwell.bot.storage import migrate
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.inbox_store import InboxItem, InboxStore
from teamwell.bot.wiring import slack_client, wire
from teamwell.core.clock import FakeClock
from teamwell.core.onboarding import StepStatus
from teamwell.core.people import Person, Role
from teamwell.handlers.onboarding import run_due_steps, start_onboarding

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench-token"
TEAM = "T0BENCH"
HIRE = "UNIA"
STEP_ID = "checkin-day-3"
ACTION_ID = "tw_checkin_score"
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # Monday; the hire starts on Tuesday

log = logging.getLogger("bench.server")


class RunningClock(FakeClock):
    """A FakeClock that also moves with real time, so every check-in click has a new moment."""

    def __init__(self, start: datetime) -> None:
        super().__init__(start)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        """The fake moment plus the real time elapsed since the clock was made."""
        return super().now() + timedelta(seconds=time.monotonic() - self._t0)


class CountingInboxStore(InboxStore):
    """The inbox table, remembering which rows this process handled and when each batch ran."""

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        self.handled: list[int] = []
        self.reclaimed = 0
        # [claimed, done] wall-clock times per non-empty batch: wall time, not monotonic, so
        # that batches of two processes on this machine can be compared.
        self.batches: list[list[float]] = []

    def claim(self, now: datetime, lease: timedelta, limit: int) -> list[InboxItem]:
        """Claim as usual; note the batch and any row claimed before (released or abandoned)."""
        items = super().claim(now, lease, limit)
        if items:
            self.batches.append([time.time(), 0.0])
            self.reclaimed += sum(1 for item in items if item.attempts > 1)
        return items

    def done(self, seqs: Sequence[int]) -> None:
        """Forget the rows as usual, after noting them as handled here."""
        super().done(seqs)
        self.handled.extend(seqs)
        if self.batches and not self.batches[-1][1]:
            self.batches[-1][1] = time.time()


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def _seed(wired: Any, clock: RunningClock) -> str:
    """A manager, a buddy and a new hire whose day-3 check-in has been sent; returns its id."""
    deps = wired.deps
    with deps.uow() as uow:
        ws = uow.workspaces.ensure("slack", TEAM, "Acme")
        team = uow.teams.ensure(ws, "Platform")
        maya = Person(id="p-maya", workspace_id=ws, name="Maya", email="maya@acme.test",
                      team_id=team.id, start_date=date(2022, 9, 12), timezone="Europe/London",
                      roles=frozenset({Role.EMPLOYEE, Role.MANAGER}))
        ben = Person(id="p-ben", workspace_id=ws, name="Ben", email="ben@acme.test",
                     team_id=team.id, manager_id=maya.id, start_date=date(2024, 1, 8),
                     timezone="Europe/London")
        nia = Person(id="p-nia", workspace_id=ws, name="Nia", email="nia@acme.test",
                     team_id=team.id, manager_id=maya.id, buddy_id=ben.id,
                     start_date=date(2026, 3, 3), timezone="Europe/London")
        for person, slack_id in ((maya, "UMAYA"), (ben, "UBEN"), (nia, HIRE)):
            uow.people.save(person)
            uow.people.link_account(ws, person.id, "slack", slack_id)
        uow.commit()
    onboarding = start_onboarding(deps, ws, nia.id)
    clock.advance(timedelta(days=5))  # Saturday: past Friday 15:00, when day 3 is due
    run_due_steps(deps)
    with deps.uow() as uow:
        run = next(r for r in uow.onboardings.steps(ws, onboarding.id) if r.step_id == STEP_ID)
    if run.status is not StepStatus.SENT:
        raise RuntimeError(f"seeding failed: {STEP_ID} is {run.status}, not sent")
    return onboarding.id


def _fake_users(api: FakeSlackApi) -> str:
    for slack_id, name in (("UMAYA", "Maya"), ("UBEN", "Ben"), (HIRE, "Nia")):
        api.add_user(slack_id, name, f"{name.lower()}@acme.test", tz="Europe/London")
    channel = api.dm_channel(HIRE)
    if channel is None:
        raise RuntimeError("the fake Slack API opened no DM with the hire")
    return channel


async def _healthz(_request: web.Request) -> web.Response:
    return web.json_response({"ok": True})


async def _start_full(db_url: str | None, tmp: Path, join: dict[str, Any] | None = None
                      ) -> tuple[web.AppRunner, dict[str, Any], list[Any]]:
    url = db_url or f"sqlite:///{tmp / 'bench.db'}"
    kind = "postgresql" if url.startswith("postgres") else "sqlite"
    if join is not None and kind != "postgresql":
        raise RuntimeError("only a PostgreSQL database can be shared by replicas")
    if kind == "postgresql" and join is None:
        _reset_postgres(url)
    migrate.upgrade(url)  # a no-op when joining, as for any replica started after the first
    # The fake shares the server's event loop: in a thread of its own it would fight the
    # server's threads for the GIL, which a remote Slack never does (see bench/README.md).
    fake = FakeSlackApi(token=TOKEN, team_id=TEAM)
    base = await fake.start()
    channel = _fake_users(fake)
    if join is not None and channel != join["channel"]:
        raise RuntimeError(f"this fake Slack API opened DM {channel}, "
                           f"the first replica's {join['channel']}")
    # A joining replica runs on the first one's fake time: inbox leases and the check-in's
    # answer time compare moments written by both processes.
    clock = (RunningClock(datetime.fromisoformat(join["clock"])
                          + timedelta(seconds=time.time() - float(join["wall"])))
             if join is not None else RunningClock(START))
    settings = load_settings({
        "TEAMWELL_DATABASE_URL": url, "SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": base + "/api/", "TEAMWELL_LOG_LEVEL": "WARNING",
    })
    wired = wire(settings, clock)
    onboarding_id = (str(join["onboarding_id"]) if join is not None
                     else await asyncio.to_thread(_seed, wired, clock))
    app = build_web_app(wired, slack_client(settings), with_background=False)
    counting = CountingInboxStore(wired.engine)
    app[INBOX_KEY].store = counting

    async def stats(request: web.Request) -> web.Response:
        """What the run left behind: the stored score and the replies the hire was shown."""
        def stored() -> int | None:
            with wired.deps.uow() as uow:
                ws = uow.workspaces.ensure("slack", TEAM, "Acme")
                found = uow.onboardings.checkins(ws, onboarding_id)
            return found[0].score if found else None
        replies = fake.calls_to("chat.postEphemeral")
        body: dict[str, Any] = {
            "stored_score": await asyncio.to_thread(stored),
            "ephemeral_ok": sum(1 for c in replies if c.response.get("ok")),
            "ephemeral_saved": sum(1 for c in replies
                                   if str(c.params.get("text", "")).startswith("Thanks, saved")),
            "ephemeral_failed": sum(1 for c in replies if not c.response.get("ok")),
            "api_calls": len(fake.calls),
            # Clicks this process's inbox worker handled, and rows any process still holds.
            "handled": len(counting.handled), "reclaimed": counting.reclaimed,
            "inbox_waiting": await asyncio.to_thread(counting.waiting),
        }
        if request.query.get("seqs"):
            body.update(handled_seqs=counting.handled, batches=counting.batches)
        return web.json_response(body)

    async def drain(_request: web.Request) -> web.Response:
        """Wait until every acknowledged click has been handled; how long that took."""
        started = time.perf_counter()
        await app[INBOX_KEY].drain()
        await app[EDGE_KEY].drain_background()
        return web.json_response({"seconds": time.perf_counter() - started})

    async def inbox_worker(app_: web.Application) -> Any:
        # As under `teamwell serve`: stored clicks are handled in this process while it acks.
        stop = asyncio.Event()
        task = asyncio.ensure_future(app_[INBOX_KEY].run(stop))
        yield
        stop.set()
        await task

    app.cleanup_ctx.append(inbox_worker)
    app.router.add_get("/bench/stats", stats)
    app.router.add_get("/bench/drain", drain)
    runner = web.AppRunner(app)
    info = {"server": "full", "db": kind, "onboarding_id": onboarding_id, "channel": channel,
            "team": TEAM, "user": HIRE, "step_id": STEP_ID, "action_id": ACTION_ID,
            # The fake time and the wall time at one instant: what a joining replica needs.
            "clock": clock.now().isoformat(), "wall": time.time()}
    return runner, info, [fake.stop, wired.engine.dispose]


async def _start_bare() -> tuple[web.AppRunner, dict[str, Any], list[Any]]:
    fake = FakeSlackApi(token=TOKEN, team_id=TEAM)  # answers Bolt's one auth.test
    base = await fake.start()
    client = AsyncWebClient(token=TOKEN, base_url=base + "/api/")
    client.retry_handlers.clear()
    bolt = AsyncApp(client=client, signing_secret=SECRET, process_before_response=True,
                    raise_error_for_unhandled_request=False)

    @bolt.action(re.compile(rf"^{ACTION_ID}(:\d+)?$"))
    async def only_ack(ack: AsyncAck) -> None:
        await ack()

    app = bolt.web_app(path="/slack/events")
    app.router.add_get("/healthz", _healthz)
    runner = web.AppRunner(app)
    return runner, {"server": "bare"}, [fake.stop]


async def _serve(kind: str, port: int, db_url: str | None, max_lifetime: float,
                 tmp: Path, join: dict[str, Any] | None = None) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watch_stdin(loop, stop)
    loop.call_later(max_lifetime, stop.set)
    if kind == "full":
        runner, info, closers = await _start_full(db_url, tmp, join)
    else:
        runner, info, closers = await _start_bare()
    try:
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        info.update(ready=True, port=runner.addresses[0][1])
        print(json.dumps(info), flush=True)
        await stop.wait()
    finally:
        await runner.cleanup()
        for close in closers:
            result = close()
            if asyncio.iscoroutine(result):
                await result


def serve(kind: str, port: int, db_url: str | None, max_lifetime: float,
          profile_dir: str | None = None, join: dict[str, Any] | None = None) -> int:
    """Run one server until told to stop; with profile_dir, write <kind>.prof there at the end.

    cProfile sees only the event loop thread: database work done in asyncio.to_thread shows
    up as time the loop spends waiting, not as SQLAlchemy calls.
    """
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr,
                        format=f"[{kind}] %(levelname)s %(name)s: %(message)s")
    profiler = cProfile.Profile() if profile_dir else None
    with tempfile.TemporaryDirectory(prefix=f"teamwell-bench-{kind}-") as tmp:
        if profiler:
            profiler.enable()
        try:
            asyncio.run(_serve(kind, port, db_url, max_lifetime, Path(tmp), join))
        finally:
            if profiler and profile_dir:
                profiler.disable()
                Path(profile_dir).mkdir(parents=True, exist_ok=True)
                profiler.dump_stats(str(Path(profile_dir) / f"{kind}.prof"))
    return 0
