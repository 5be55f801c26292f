"""The fake Slack of bench/fanout.py, in a process of its own: a LimitedSlackApi enforcing
Slack's limits (scaled), with the workspace's people and (unless --no-dms) their DMs already
there.

Prints one JSON line ({"ready": true, "base_url": ...}) once it listens on 127.0.0.1; stops on
SIGTERM/SIGINT, when its stdin closes (the parent is gone) or after --max-lifetime.
Outside the limits, `GET /api/bench.dms` answers every person's DM channel id (in order) and
`GET /api/bench.stats` what the fake admitted and refused.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys

from aiohttp import web

from _lifetime import watch_stdin  # bench/ is sys.path[0] when run as a script
from teamwell.bot.slack.fake_limits import LimitedSlackApi
from teamwell.bot.slack.rate_limits import SLACK_LIMITS

TOKEN = "xoxb-bench-fanout"
TEAM = "T0FANOUT"


def user_id(n: int) -> str:
    """The Slack user id of person n."""
    return f"U{n:06d}"


def email(n: int) -> str:
    """The email of person n."""
    return f"person{n}@fanout.test"


class BenchSlack(LimitedSlackApi):
    """The limited fake, answering bench.dms and bench.stats itself."""

    dms: list[str] = []

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method == "bench.dms":
            return web.json_response(self.dms)
        if method != "bench.stats":
            return await super()._handle(request)
        with self._lock:
            methods: dict[str, int] = {}
            for (_, key), count in self.admitted.items():
                if len(key) == 1:
                    methods[key[0]] = methods.get(key[0], 0) + count
            return web.json_response({
                "refused": dict(self.refused), "admitted": methods,
                "minimum_seconds": self.minimum_seconds(), "calls": len(self.calls)})


async def _serve(args: argparse.Namespace) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    watch_stdin(loop, stop)
    loop.call_later(args.max_lifetime, stop.set)
    fake = BenchSlack(token=TOKEN, team_id=TEAM, limits=SLACK_LIMITS.scaled(args.scale),
                      jitter=args.jitter, latency=args.latency, system_users=False)
    for n in range(args.people):
        fake.add_user(user_id(n), f"Person {n}", email(n))
    if not args.no_dms:  # the DMs exist, as after earlier messages
        fake.dms = [fake.dm_channel(user_id(n)) or "" for n in range(args.people)]
    base_url = await fake.start()
    print(json.dumps({"ready": True, "base_url": base_url}), flush=True)
    try:
        await stop.wait()
    finally:
        await fake.stop()


def main() -> int:
    """Serve until told to stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, required=True)
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--jitter", type=float, default=0.0)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--no-dms", action="store_true",
                        help="open no DM in advance (bench.dms answers [])")
    parser.add_argument("--max-lifetime", type=float, default=3600.0)
    asyncio.run(_serve(parser.parse_args()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
