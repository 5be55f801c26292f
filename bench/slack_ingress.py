"""Benchmark: how fast Teamwell acks a Slack button click, next to a bare Bolt app.

Prints figures; it checks nothing. Two servers run side by side as subprocesses on 127.0.0.1:

  full  the real HTTP app (build_web_app, no scheduler/sender) on a migrated database (SQLite in
        WAL mode by default, or --db postgresql+psycopg://...), with a local fake Slack Web API.
        Each request is a signed block_actions click of a check-in score button by the new hire:
        signature check, Bolt, identity lookup, one database write, then the ack (the ephemeral
        "Thanks, saved" reply goes to the fake Slack API after the ack).
  bare  a Bolt AsyncApp with the same signing secret whose one listener only calls ack().

This process is the load generator (aiohttp, pool of 32 connections):
  open    fixed rate (--rate, default 100 req/s), sent on a schedule without waiting for
          answers; latency is measured from each request's scheduled send time.
  closed  --concurrency workers (default 16), each sending its next request when the previous
          one is answered: the maximum throughput.

Targets (from the issue): p99 ack < 50 ms at 100 req/s, and full >= 50% of bare's throughput.

Usage: python bench/slack_ingress.py [--seconds 10] [--rate 100] [--concurrency 16]
                                     [--db URL] [--json] [--profile DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp

from teamwell.bot.slack import simulate

HERE = Path(__file__).resolve().parent
SECRET = "bench-signing-secret"  # the same as in _ingress_server.py
TARGET_P99_MS = 50.0
TARGET_RATIO = 0.5
POOL = 32
WARMUP_S = 1.0
MAX_SECONDS = 120.0
STARTUP_TIMEOUT_S = 60.0


@dataclass
class Result:
    """One server through one phase."""

    server: str
    phase: str
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list, repr=False)
    error_kinds: dict[str, int] = field(default_factory=dict)
    # Full server: how long after the phase the last acknowledged click had been handled.
    drain_s: float = 0.0

    def fail(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def handled_rps(self) -> float:
        """Clicks per second counting the time until all of them were handled, not only acked."""
        total = self.seconds + self.drain_s
        return self.requests / total if total else 0.0

    def pct(self, q: float) -> float:
        """Nearest-rank percentile of the latencies, in ms (NaN when there are none)."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
        return ordered[rank - 1]

    def summary(self) -> dict[str, Any]:
        row = {k: v for k, v in asdict(self).items() if k != "latencies_ms"}
        row.update(rps=round(self.rps, 1), handled_rps=round(self.handled_rps, 1),
                   p50_ms=round(self.pct(50), 2),
                   p99_ms=round(self.pct(99), 2),
                   max_ms=round(max(self.latencies_ms), 2) if self.latencies_ms else None,
                   seconds=round(self.seconds, 2))
        return row


class Clicks:
    """Signed check-in score clicks (score cycling 1..5), re-signed once a second."""

    def __init__(self, info: dict[str, Any]) -> None:
        self.bodies: list[bytes] = []
        for score in range(1, 6):
            value = f"{info['onboarding_id']}|{info['step_id']}|{score}"
            body, ctype = simulate.block_action_body(info["team"], info["user"],
                                                     info["action_id"], value, info["channel"])
            self.bodies.append(body.encode())
        self.content_type = ctype
        self._signed: tuple[int, list[dict[str, str]]] = (-1, [])
        self._n = 0

    def next(self) -> tuple[bytes, dict[str, str]]:
        now = int(time.time())
        if self._signed[0] != now:
            self._signed = (now, [{"Content-Type": self.content_type,
                                   **simulate.sign(SECRET, b.decode(), now)} for b in self.bodies])
        i = self._n % len(self.bodies)
        self._n += 1
        return self.bodies[i], self._signed[1][i]


async def _send(session: aiohttp.ClientSession, url: str, clicks: Clicks, started: float,
                result: Result | None) -> None:
    body, headers = clicks.next()
    try:
        async with session.post(url, data=body, headers=headers) as resp:
            await resp.read()
            status = resp.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        if result is not None:
            result.fail(type(exc).__name__)
        return
    if result is None:
        return
    result.requests += 1
    result.latencies_ms.append((time.perf_counter() - started) * 1000)
    if status != 200:
        result.fail(f"http {status}")


async def open_loop(session: aiohttp.ClientSession, url: str, clicks: Clicks, rate: float,
                    seconds: float, result: Result | None) -> None:
    """Send rate req/s on a fixed schedule for seconds; latency counts from the schedule."""
    total = max(1, int(rate * seconds))
    t0 = time.perf_counter() + 0.05
    tasks: list[asyncio.Task[None]] = []
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_send(session, url, clicks, due, result)))
    await asyncio.gather(*tasks)
    if result is not None:
        result.seconds = time.perf_counter() - t0


async def closed_loop(session: aiohttp.ClientSession, url: str, clicks: Clicks, workers: int,
                      seconds: float, result: Result | None) -> None:
    """workers concurrent senders for seconds; each waits for its answer before sending again."""
    t0 = time.perf_counter()
    end = t0 + seconds
    cap = int(seconds * 50_000)  # a bound on the loop, far above any reachable rate

    async def worker() -> None:
        for _ in range(cap):
            started = time.perf_counter()
            if started >= end:
                return
            await _send(session, url, clicks, started, result)

    await asyncio.gather(*(worker() for _ in range(workers)))
    if result is not None:
        result.seconds = time.perf_counter() - t0


class Server:
    """One server subprocess: started, waited for, and always stopped."""

    def __init__(self, kind: str, args: argparse.Namespace) -> None:
        self.kind = kind
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", kind, "--port", "0",
               "--max-lifetime", str(args.max_lifetime)]
        if args.db and kind == "full":
            cmd += ["--db", args.db]
        if args.profile:
            cmd += ["--profile", str(Path(args.profile).resolve())]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            env.pop(var, None)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, cwd=str(HERE))
        self.info: dict[str, Any] = {}

    async def ready(self) -> dict[str, Any]:
        """Read the ready line, then wait for /healthz to answer."""
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline),
                                      STARTUP_TIMEOUT_S)
        if not line:
            raise RuntimeError(f"{self.kind} server exited before it was ready "
                               f"(status {self.proc.poll()})")
        self.info = json.loads(line)
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(self.url("/healthz")) as resp:
                        if resp.status == 200:
                            return self.info
                await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.kind} server never answered /healthz")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.info['port']}{path}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    servers = {kind: Server(kind, args) for kind in ("full", "bare")}
    try:
        infos = dict(zip(servers, await asyncio.gather(*(s.ready() for s in servers.values())),
                         strict=True))
        clicks = Clicks(infos["full"])
        results: list[Result] = []
        timeout = aiohttp.ClientTimeout(total=10)
        connector = aiohttp.TCPConnector(limit=POOL)
        async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
            for phase in ("open", "closed"):
                for kind in ("full", "bare"):
                    url = servers[kind].url("/slack/events")
                    result = Result(kind, f"{phase} {args.rate:g}/s" if phase == "open"
                                    else f"closed x{args.concurrency}")
                    if phase == "open":
                        await open_loop(session, url, clicks, args.rate, WARMUP_S, None)
                        await open_loop(session, url, clicks, args.rate, args.seconds, result)
                    else:
                        await closed_loop(session, url, clicks, args.concurrency, WARMUP_S, None)
                        await closed_loop(session, url, clicks, args.concurrency, args.seconds,
                                          result)
                    if kind == "full":
                        # Acked clicks may still wait in the inbox: handle them all before the
                        # next measurement, and count the time it took.
                        async with session.get(servers["full"].url("/bench/drain"),
                                               timeout=aiohttp.ClientTimeout(total=600)) as resp:
                            result.drain_s = float((await resp.json())["seconds"])
                    results.append(result)
            await asyncio.sleep(0.5)  # let the last ephemeral replies reach the fake Slack API
            async with session.get(servers["full"].url("/bench/stats")) as resp:
                full_stats = await resp.json()
    finally:
        for server in servers.values():
            server.stop()
    return _report(args, infos["full"], results, full_stats)


def _report(args: argparse.Namespace, info: dict[str, Any], results: list[Result],
            full_stats: dict[str, Any]) -> dict[str, Any]:
    by = {(r.server, r.phase.split()[0]): r for r in results}
    open_full, closed_full, closed_bare = by["full", "open"], by["full", "closed"], by["bare",
                                                                                       "closed"]
    p99 = open_full.pct(99)
    ratio = closed_full.rps / closed_bare.rps if closed_bare.rps else 0.0
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "db": info.get("db"), "seconds": args.seconds, "rate": args.rate,
        "concurrency": args.concurrency, "pool": POOL,
        "results": [r.summary() for r in results],
        "targets": {
            "p99_ack_ms_at_rate": {
                "target": f"< {TARGET_P99_MS:g} ms at {args.rate:g} req/s, no errors",
                "value": round(p99, 2), "errors": open_full.errors,
                "achieved_rps": round(open_full.rps, 1),
                "met": bool(p99 < TARGET_P99_MS and open_full.errors == 0),
            },
            "throughput_vs_bare": {
                "target": f">= {TARGET_RATIO:.0%} of bare",
                "value": round(ratio, 3), "full_rps": round(closed_full.rps, 1),
                "bare_rps": round(closed_bare.rps, 1), "met": bool(ratio >= TARGET_RATIO),
                "full_handled_rps": round(closed_full.handled_rps, 1),
                "full_drain_s": round(closed_full.drain_s, 2),
            },
        },
        "full_server": full_stats,
    }


def _print_table(report: dict[str, Any]) -> None:
    print(f"Slack ingress benchmark, {report['date']}, {report['machine']['cpus']} CPUs, "
          f"Python {report['machine']['python']}, full server on {report['db']}")
    print(f"{report['seconds']:g} s per run after a {WARMUP_S:g} s warm-up; load generator, "
          "full and bare servers share this machine\n")
    head = f"{'server':<6} {'phase':<12} {'requests':>8} {'errors':>6} {'req/s':>8} " \
           f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
    print(head)
    print("-" * len(head))
    for r in report["results"]:
        print(f"{r['server']:<6} {r['phase']:<12} {r['requests']:>8} {r['errors']:>6} "
              f"{r['rps']:>8.1f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} "
              f"{(r['max_ms'] or 0):>8.2f}")
        if r["error_kinds"]:
            print(f"{'':<20}errors: {r['error_kinds']}")
    t1 = report["targets"]["p99_ack_ms_at_rate"]
    t2 = report["targets"]["throughput_vs_bare"]
    print()
    print(f"target: p99 ack {t1['target']}: full p99 {t1['value']:.2f} ms at "
          f"{t1['achieved_rps']:.1f} req/s, {t1['errors']} errors -> "
          f"{'met' if t1['met'] else 'NOT met'}")
    print(f"target: throughput {t2['target']}: full {t2['full_rps']:.1f} req/s vs bare "
          f"{t2['bare_rps']:.1f} req/s = {t2['value']:.0%} -> "
          f"{'met' if t2['met'] else 'NOT met'}")
    print(f"        acked clicks still waiting in the inbox when the phase ended were all "
          f"handled {t2['full_drain_s']:.2f} s later: {t2['full_handled_rps']:.1f} clicks/s "
          "handled end to end")
    s = report["full_server"]
    print(f"\nfull server: {s['ephemeral_saved']} \"Thanks, saved\" replies "
          f"({s['ephemeral_failed']} failed) to the fake Slack API; "
          f"stored check-in score now {s['stored_score']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured seconds per server and phase (default 10)")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="open-loop requests per second (default 100)")
    parser.add_argument("--concurrency", type=int, default=16,
                        help="closed-loop concurrent workers (default 16)")
    parser.add_argument("--db", help="run the full server on this database URL instead of a "
                        "temporary SQLite file; PostgreSQL: its public schema is DROPPED first")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--profile", metavar="DIR",
                        help="write cProfile stats of each server's event loop thread to DIR")
    parser.add_argument("--serve", choices=("full", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--max-lifetime", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.seconds = max(0.5, min(args.seconds, MAX_SECONDS))
    args.rate = max(1.0, min(args.rate, 5000.0))
    args.concurrency = max(1, min(args.concurrency, 256))
    if not args.max_lifetime:
        args.max_lifetime = 4 * (args.seconds + WARMUP_S) + 120
    if args.serve:
        from _ingress_server import serve  # bench/ is sys.path[0] when run as a script

        return serve(args.serve, args.port, args.db, args.max_lifetime, args.profile)
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
