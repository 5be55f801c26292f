"""Run the Slack outbox sender on its own: `python -m teamwell.bot.outbox_main`.

The database must already be migrated (`teamwell db upgrade`). SIGTERM or SIGINT stop the
sender after the message in hand; SIGKILL at any moment loses and duplicates nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
from dataclasses import replace

from slack_sdk.web.async_client import AsyncWebClient

from teamwell.bot.slack.sender import SenderSettings, SlackSender
from teamwell.bot.storage.encrypted import NAME as SECRET_KEY
from teamwell.bot.storage.encrypted import parse_secret_keys
from teamwell.bot.storage.engine import make_engine
from teamwell.bot.storage.uow import SqlUnitOfWorkFactory
from teamwell.core.clock import SystemClock

log = logging.getLogger("teamwell.outbox")


async def run_sender_process(database_url: str, slack_api_url: str, token: str,
                             until_empty: bool, lease_seconds: float | None,
                             stop: asyncio.Event, idle_seconds: float = 0.5,
                             settings: SenderSettings | None = None,
                             slack_timeout: int = 30) -> int:
    """Deliver the outbox until stop is set (or, with until_empty, until nothing is left).

    Returns how many messages this process delivered.
    """
    settings = settings or SenderSettings()
    if lease_seconds is not None:
        settings = replace(settings, lease_seconds=lease_seconds)
    engine = make_engine(database_url)
    client = AsyncWebClient(token=token, base_url=slack_api_url.rstrip("/") + "/",
                            timeout=slack_timeout)
    client.retry_handlers.clear()
    # The same keys as the server: the sender checks forgotten accounts before linking one.
    keys = parse_secret_keys(os.environ.get(SECRET_KEY))
    sender = SlackSender(SqlUnitOfWorkFactory(engine, keys), client, SystemClock(), settings)
    try:
        if until_empty:
            return await sender.drain_until_empty(stop)
        await sender.run(stop, idle_seconds)
        return 0
    finally:
        engine.dispose()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m teamwell.bot.outbox_main",
                                     description="Deliver Teamwell's Slack outbox.")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"),
                        required="DATABASE_URL" not in os.environ)
    parser.add_argument("--slack-api-url",
                        default=os.environ.get("SLACK_API_URL", "https://slack.com/api/"))
    parser.add_argument("--token", default=os.environ.get("SLACK_BOT_TOKEN"),
                        required="SLACK_BOT_TOKEN" not in os.environ)
    parser.add_argument("--until-empty", action="store_true",
                        help="exit once no message is pending or being sent (this waits for "
                             "retries and for messages scheduled later)")
    parser.add_argument("--lease-seconds", type=float, default=None,
                        help="how long a claim holds before another sender may take it over")
    parser.add_argument("--slack-timeout", type=int, default=30,
                        help="seconds a Slack call may take before it counts as failed "
                             "(it may still have taken effect: checked before a retry)")
    return parser


async def _main(args: argparse.Namespace) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    delivered = await run_sender_process(args.database_url, args.slack_api_url, args.token,
                                         args.until_empty, args.lease_seconds, stop,
                                         slack_timeout=args.slack_timeout)
    log.info("delivered %d messages", delivered)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the sender until stopped."""
    args = _parser().parse_args(argv)
    logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(levelname)s %(name)s %(message)s")
    return asyncio.run(_main(args))


if __name__ == "__main__":
    raise SystemExit(main())
