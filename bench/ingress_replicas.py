"""Benchmark: Slack click throughput of 1 and of 2 web replicas sharing one PostgreSQL database.

Prints figures and asserts none of them. Each configuration runs the full server of
bench/slack_ingress.py (build_web_app with its inbox worker, a local fake Slack Web API) as
subprocesses on 127.0.0.1: the first replica resets, migrates and seeds the database, the others
join it (bench/_ingress_server.py, join) without touching its contents. This process is the load
generator and sends signed block_actions clicks to the replicas in turn, as a round-robin load
balancer would:

  open    a fixed rate (--rate, default 100 req/s); latency from each request's scheduled time.
  closed  --concurrency workers (default 32), each sending again once answered.

After each phase it waits until every acknowledged click has been handled by some replica's inbox
worker, and at the end checks that each stored click was handled exactly once.

By default it creates the database teamwell_bench_replicas on 127.0.0.1:5432 (user postgres)
and drops it afterwards; with --db URL it uses that database and DROPS its public schema.

Usage: python bench/ingress_replicas.py [--seconds 10] [--rate 100] [--concurrency 32]
                                        [--replicas 2] [--db URL] [--json]
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.engine import make_url

from slack_ingress import MAX_SECONDS, WARMUP_S, Clicks, Result, Server, _send  # bench/ on path
from teamwell.bot.storage.engine import make_engine

PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432"
OWN_DB = "teamwell_bench_replicas"
PROTECTED_DBS = frozenset({"test", "postgres", "template0", "template1"})
DRAIN_TIMEOUT_S = 600.0
MAX_REPLICAS = 4


class Replica(Server):
    """One full server subprocess; the first of a configuration seeds, the others join it."""

    def __init__(self, name: str, db: str, max_lifetime: float,
                 join: dict[str, Any] | None) -> None:
        self.kind = name
        cmd = [sys.executable, str(Path(__file__).resolve()), "--serve", "--port", "0",
               "--max-lifetime", str(max_lifetime), "--db", db]
        if join is not None:
            cmd += ["--join", json.dumps(join)]
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
            env.pop(var, None)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, cwd=str(Path(__file__).resolve().parent))
        self.info: dict[str, Any] = {}


class RoundRobin:
    """The replicas' click URLs in turn, as a round-robin load balancer hands them out."""

    def __init__(self, replicas: list[Replica]) -> None:
        self.urls = [r.url("/slack/events") for r in replicas]
        self._n = 0

    def next(self) -> str:
        """The URL of the replica whose turn it is."""
        url = self.urls[self._n % len(self.urls)]
        self._n += 1
        return url


async def open_loop(session: aiohttp.ClientSession, targets: RoundRobin, clicks: Clicks,
                    rate: float, seconds: float, result: Result) -> None:
    """Send rate req/s on a fixed schedule for seconds; latency counts from the schedule."""
    total = max(1, int(rate * seconds))
    t0 = time.perf_counter() + 0.05
    tasks: list[asyncio.Task[None]] = []
    for i in range(total):
        due = t0 + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_send(session, targets.next(), clicks, due, result)))
    await asyncio.gather(*tasks)
    result.seconds = time.perf_counter() - t0


async def closed_loop(session: aiohttp.ClientSession, targets: RoundRobin, clicks: Clicks,
                      workers: int, seconds: float, result: Result) -> None:
    """workers concurrent senders for seconds; each waits for its answer before sending again."""
    t0 = time.perf_counter()
    end = t0 + seconds
    cap = int(seconds * 50_000)  # a bound on the loop, far above any reachable rate

    async def worker() -> None:
        for _ in range(cap):
            started = time.perf_counter()
            if started >= end:
                return
            await _send(session, targets.next(), clicks, started, result)

    await asyncio.gather(*(worker() for _ in range(workers)))
    result.seconds = time.perf_counter() - t0


async def drain(session: aiohttp.ClientSession, replicas: list[Replica]) -> float:
    """Wait until no replica holds or waits for a stored click; returns the seconds it took."""
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=DRAIN_TIMEOUT_S)
    for _ in range(20):
        # Every replica drains at once: each claims the rows the others have not, and a
        # replica's drain also waits for the batch its own worker is handling.
        await asyncio.gather(*(_get(session, r.url("/bench/drain"), timeout) for r in replicas))
        stats = await _get(session, replicas[0].url("/bench/stats"), timeout)
        if not stats["inbox_waiting"]:
            break
    return time.perf_counter() - started


async def _get(session: aiohttp.ClientSession, url: str,
               timeout: aiohttp.ClientTimeout | None = None) -> Any:
    async with session.get(url, timeout=timeout) as resp:
        resp.raise_for_status()
        return await resp.json()


def cpu_seconds(pids: dict[str, int]) -> dict[str, float]:
    """CPU seconds used so far by this process, the given ones, PostgreSQL and the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    out: dict[str, float] = {"generator": time.process_time()}
    try:
        for name, pid in pids.items():
            out[name] = _proc_ticks(Path(f"/proc/{pid}/stat")) / tick
        pg = 0
        for proc in Path("/proc").iterdir():
            if proc.name.isdigit():
                with contextlib.suppress(OSError):
                    if (proc / "comm").read_text().strip() == "postgres":
                        pg += _proc_ticks(proc / "stat", reaped=True)
        out["PostgreSQL"] = pg / tick
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        # user nice system idle iowait irq softirq steal: idle and iowait are not busy; the
        # kernel's interrupt work (loopback networking) is charged to no process.
        out["machine total"] = sum(fields[:8]) / tick
        out["machine busy"] = (sum(fields[:8]) - fields[3] - fields[4]) / tick
        out["interrupts"] = (fields[5] + fields[6]) / tick
        out["steal"] = fields[7] / tick
    except (OSError, ValueError, IndexError):
        return {}  # no /proc (not Linux): the CPU lines are left out
    return out


def _proc_ticks(stat: Path, reaped: bool = False) -> int:
    # utime and stime are fields 14 and 15; the command name before them may hold spaces.
    rest = stat.read_text().rsplit(")", 1)[1].split()
    ticks = int(rest[11]) + int(rest[12])
    # cutime and cstime: PostgreSQL backends that ended (pool connections closed meanwhile)
    # are charged to the postmaster that reaped them.
    return ticks + int(rest[13]) + int(rest[14]) if reaped else ticks


def _acked(result: Result) -> int:
    """Requests answered 200 (stored in the inbox, so each must be handled once)."""
    non_200 = sum(n for kind, n in result.error_kinds.items() if kind.startswith("http"))
    return result.requests - non_200


async def run_config(args: argparse.Namespace, db: str, count: int) -> dict[str, Any]:
    """Start count replicas on a freshly seeded database, measure both phases, check the clicks."""
    max_lifetime = 4 * (args.seconds + WARMUP_S) + DRAIN_TIMEOUT_S
    replicas: list[Replica] = []
    try:
        replicas.append(Replica("replica 1", db, max_lifetime, None))
        first = await replicas[0].ready()
        for i in range(2, count + 1):
            replicas.append(Replica(f"replica {i}", db, max_lifetime, first))
            await replicas[-1].ready()
        clicks = Clicks(first)
        targets = RoundRobin(replicas)
        results: list[Result] = []
        cpu: dict[str, dict[str, float]] = {}
        warm = Result("warm-up", "all")  # counted only for the exactly-once check
        connector = aiohttp.TCPConnector(limit=max(32, args.concurrency))
        async with aiohttp.ClientSession(connector=connector,
                                         timeout=aiohttp.ClientTimeout(total=10)) as session:
            for phase in ("open", "closed"):
                result = Result(str(count), f"open {args.rate:g}/s" if phase == "open"
                                else f"closed x{args.concurrency}")
                if phase == "open":
                    await open_loop(session, targets, clicks, args.rate, WARMUP_S, warm)
                else:
                    await closed_loop(session, targets, clicks, args.concurrency, WARMUP_S, warm)
                # The warm-up's backlog is handled before measuring, so the drain time below
                # is that of the measured clicks alone.
                await drain(session, replicas)
                pids = {r.kind: r.proc.pid for r in replicas}
                before = cpu_seconds(pids)
                if phase == "open":
                    await open_loop(session, targets, clicks, args.rate, args.seconds, result)
                else:
                    await closed_loop(session, targets, clicks, args.concurrency, args.seconds,
                                      result)
                after = cpu_seconds(pids)
                result.drain_s = await drain(session, replicas)
                drained = cpu_seconds(pids)
                if phase == "closed" and before and after and drained:
                    cpu["closed phase"] = {k: after[k] - before.get(k, 0.0) for k in after}
                    cpu["closed phase"]["seconds"] = result.seconds
                    # Whether handling the backlog kept the replicas' cores busy or waited.
                    cpu["drain after it"] = {k: drained[k] - after[k] for k in drained}
                    cpu["drain after it"]["seconds"] = result.drain_s
                results.append(result)
            await asyncio.sleep(0.5)  # let the last ephemeral replies reach the fake Slack APIs
            stats = [await _get(session, r.url("/bench/stats?seqs=1")) for r in replicas]
    finally:
        for replica in replicas:
            replica.stop()
    return {"replicas": count, "results": results, "cpu": cpu,
            "check": _check(results + [warm], stats)}


def _check(results: list[Result], stats: list[dict[str, Any]]) -> dict[str, Any]:
    """Every click answered 200 handled by exactly one replica, none left in the inbox."""
    acked = sum(_acked(r) for r in results)
    unanswered = sum(r.errors for r in results) - sum(r.requests - _acked(r) for r in results)
    seqs = [seq for s in stats for seq in s["handled_seqs"]]
    twice = len(seqs) - len(set(seqs))
    # All clicks come from one person: a batch in flight on two replicas at once means that
    # person's clicks were handled in two processes side by side, out of the one-lane order.
    spans = [(i, start, end) for i, s in enumerate(stats) for start, end in s["batches"]]
    overlapping = sum(1 for a in spans for b in spans
                      if a[0] < b[0] and a[1] < b[2] and b[1] < a[2])
    waiting = stats[0]["inbox_waiting"]
    return {
        "acked": acked, "unanswered": unanswered, "handled": len(seqs), "handled_twice": twice,
        "handled_by": [s["handled"] for s in stats],
        "replies_saved": sum(s["ephemeral_saved"] for s in stats),
        "replies_failed": sum(s["ephemeral_failed"] for s in stats),
        "reclaimed": sum(s["reclaimed"] for s in stats),
        "inbox_waiting": waiting, "batches": len(spans), "batch_pairs_overlapping": overlapping,
        "exactly_once": bool(twice == 0 and waiting == 0 and len(seqs) == acked
                             and unanswered == 0
                             and sum(s["ephemeral_saved"] for s in stats) == acked),
    }


def _own_database(create: bool) -> None:
    server = make_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with server.connect() as conn:
            # FORCE: a previous run that died may have left sessions behind.
            conn.execute(text(f"DROP DATABASE IF EXISTS {OWN_DB} WITH (FORCE)"))
            if create:
                conn.execute(text(f"CREATE DATABASE {OWN_DB}"))
    finally:
        server.dispose()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    own = not args.db
    db = args.db or f"{PG_SERVER}/{OWN_DB}"
    if own:
        _own_database(create=True)
    try:
        configs = [await run_config(args, db, count) for count in (1, args.replicas)]
    finally:
        if own:
            _own_database(create=False)
    return _report(args, db, own, configs)


def _report(args: argparse.Namespace, db: str, own: bool,
            configs: list[dict[str, Any]]) -> dict[str, Any]:
    def phase(config: dict[str, Any], name: str) -> Result:
        found: Result = next(r for r in config["results"] if r.phase.startswith(name))
        return found

    one, many = configs
    pairs = {
        "acked_rps": (phase(one, "closed").rps, phase(many, "closed").rps),
        "handled_rps": (phase(one, "closed").handled_rps, phase(many, "closed").handled_rps),
        "open_p50": (phase(one, "open").pct(50), phase(many, "open").pct(50)),
        "open_p99": (phase(one, "open").pct(99), phase(many, "open").pct(99)),
    }
    ratios = {key: round(b / a, 2) if a else None for key, (a, b) in pairs.items()}
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "platform": platform.platform()},
        "database": make_url(db).database, "database_created": own,
        "seconds": args.seconds, "rate": args.rate, "concurrency": args.concurrency,
        "configs": [{"replicas": c["replicas"],
                     "results": [r.summary() for r in c["results"]],
                     "cpu": {span: {k: round(v, 2) for k, v in times.items()}
                             for span, times in c["cpu"].items()},
                     "check": c["check"]} for c in configs],
        "ratio_replicas": args.replicas, "ratios": ratios,
    }


def _print_table(rep: dict[str, Any]) -> None:
    made = "created for this run and dropped after it" if rep["database_created"] else "given"
    print(f"Slack ingress over web replicas, {rep['date']}, {rep['machine']['cpus']} CPUs, "
          f"Python {rep['machine']['python']}, PostgreSQL database {rep['database']} ({made})")
    print(f"{rep['seconds']:g} s per phase after a {WARMUP_S:g} s warm-up; requests go to the "
          "replicas in turn; generator, replicas and PostgreSQL share this machine\n")
    head = (f"{'replicas':<8} {'phase':<12} {'requests':>8} {'errors':>6} {'req/s':>8} "
            f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'drain s':>7} {'clicks/s':>8}")
    print(head)
    print("-" * len(head))
    for config in rep["configs"]:
        for r in config["results"]:
            print(f"{r['server']:<8} {r['phase']:<12} {r['requests']:>8} {r['errors']:>6} "
                  f"{r['rps']:>8.1f} {r['p50_ms']:>7.2f} {r['p99_ms']:>7.2f} "
                  f"{(r['max_ms'] or 0):>7.2f} {r['drain_s']:>7.2f} {r['handled_rps']:>8.1f}")
            if r["error_kinds"]:
                print(f"{'':<22}errors: {r['error_kinds']}")
    print("(drain s: after the phase, until every acknowledged click was handled; clicks/s: "
          "requests / (phase + drain), handled end to end)\n")
    q, n = rep["ratios"], rep["ratio_replicas"]

    def ratio(key: str) -> str:
        return "n/a" if q[key] is None else f"{q[key]:.2f}x"

    print(f"{n} replicas / 1 replica: acked req/s (closed) {ratio('acked_rps')}, handled end to "
          f"end {ratio('handled_rps')}; at {rep['rate']:g} req/s p50 {ratio('open_p50')}, "
          f"p99 {ratio('open_p99')}")
    print("\nCPU-seconds used (elapsed seconds x CPUs available):")
    for config in rep["configs"]:
        for span, cpu in config["cpu"].items():
            named = {k: v for k, v in cpu.items() if k not in (
                "seconds", "machine total", "machine busy", "interrupts", "steal")}
            parts = ", ".join(f"{k} {v:.1f}" for k, v in named.items())
            # What the machine spent beyond these: other work sharing the cores.
            others = max(0.0, cpu["machine busy"] - sum(named.values()) - cpu["interrupts"]
                         - cpu["steal"])
            print(f"  {_replicas(config['replicas'])}, {span} ({cpu['seconds']:.1f} s x "
                  f"{rep['machine']['cpus']} = {cpu['machine total']:.1f}): {parts}, kernel "
                  f"interrupts {cpu['interrupts']:.1f}, steal {cpu['steal']:.1f}, other "
                  f"processes {others:.1f}, idle "
                  f"{cpu['machine total'] - cpu['machine busy']:.1f}")
    print()
    for config in rep["configs"]:
        c = config["check"]
        verdict = "yes" if c["exactly_once"] else "NO"
        print(f"{_replicas(config['replicas'])}: {c['acked']} clicks acknowledged, "
              f"{c['handled']} handled (by replica: {', '.join(map(str, c['handled_by']))}), "
              f"{c['handled_twice']} twice, {c['inbox_waiting']} left, {c['unanswered']} "
              f"unanswered, {c['reclaimed']} claimed again; {c['replies_saved']} \"Thanks, "
              f"saved\" replies ({c['replies_failed']} failed) -> each handled exactly once: "
              f"{verdict}")
        if config["replicas"] > 1:
            print(f"{'':<13}inbox batches in flight on two replicas at once (one person's "
                  f"clicks in two processes): {c['batch_pairs_overlapping']} pairs, "
                  f"{c['batches']} batches")


def _replicas(count: int) -> str:
    return f"{count} replica" + ("s" if count > 1 else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured seconds per configuration and phase (default 10)")
    parser.add_argument("--rate", type=float, default=100.0,
                        help="open-loop requests per second (default 100)")
    parser.add_argument("--concurrency", type=int, default=32,
                        help="closed-loop concurrent workers (default 32)")
    parser.add_argument("--replicas", type=int, default=2,
                        help=f"replicas of the second configuration (default 2, at most "
                        f"{MAX_REPLICAS})")
    parser.add_argument("--db", help="a PostgreSQL URL to use instead of creating "
                        f"{OWN_DB}; its public schema is DROPPED first")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--join", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--max-lifetime", type=float, default=0.0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        from _ingress_server import serve

        return serve("full", args.port, args.db, args.max_lifetime,
                     join=json.loads(args.join) if args.join else None)
    args.seconds = max(0.5, min(args.seconds, MAX_SECONDS))
    args.rate = max(1.0, min(args.rate, 5000.0))
    args.concurrency = max(1, min(args.concurrency, 256))
    args.replicas = max(2, min(args.replicas, MAX_REPLICAS))
    if args.db:
        url = make_url(args.db)
        if not url.drivername.startswith("postgresql"):
            parser.error("--db must be a PostgreSQL URL: replicas share one database")
        if url.database in PROTECTED_DBS:
            parser.error(f"--db {url.database}: not a database this benchmark may reset")
    report = asyncio.run(run(args))
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print_table(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
