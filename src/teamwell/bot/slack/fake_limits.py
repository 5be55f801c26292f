"""The fake Slack Web API enforcing rate limits: a call beyond them is answered 429.

Each workspace (here: each token) has the token buckets that `Limits` describes, per method
and, for chat.postMessage, per channel. A call that finds a bucket empty is refused with
Retry-After (whole seconds, as Slack sends it) and takes no token; an admitted call takes one
from each of its buckets (a post naming a user id takes from the bucket of that user's DM, as
one naming the DM does). Limits are judged on arrival, as Slack judges them; `jitter` (0 by
default: strict) forgives calls arriving up to that many seconds ahead of their turn (rate x
jitter calls beyond each burst). A subclass of the fake, like fake_chaos.py, so the fake itself
is unchanged.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from aiohttp import web

from teamwell.bot.pacing import TokenBucket
from teamwell.bot.rate_limits import BucketKey, Limits, Rate, minimum_seconds
from teamwell.bot.slack.fake_api import FakeSlackApi, _Fault
from teamwell.bot.slack.fake_workspace import Params
from teamwell.bot.slack.rate_limits import SLACK_LIMITS


class LimitedSlackApi(FakeSlackApi):
    """A FakeSlackApi that refuses (429) calls beyond its limits, and counts what it admitted."""

    def __init__(self, *args: Any, limits: Limits = SLACK_LIMITS, jitter: float = 0.0,
                 monotonic: Callable[[], float] = time.monotonic, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = limits
        self.jitter = jitter
        self.refused: Counter[str] = Counter()  # method -> calls answered 429
        self.admitted: Counter[tuple[str, BucketKey]] = Counter()  # (token, bucket) -> calls
        self._monotonic = monotonic
        self._buckets: dict[tuple[str, BucketKey], TokenBucket] = {}

    def minimum_seconds(self) -> float:
        """The least time the limits allow for the calls admitted so far (slowest workspace)."""
        by_token: dict[str, dict[BucketKey, int]] = {}
        for (token, key), count in self.admitted.items():
            by_token.setdefault(token, {})[key] = count
        return max((minimum_seconds(self.limits, calls) for calls in by_token.values()),
                   default=0.0)

    async def respond(self, method: str, params: Params, token: str | None) -> web.Response:
        """Answer as the base fake does, once the call fits its limits; else a 429."""
        channel = params.get("channel")
        wait = self._admit(token or "", method, str(channel) if channel else None)
        if wait > 0:
            self.refused[method] += 1
            with self._lock:
                return self._failure(method, params, _Fault(1, 429, max(1, math.ceil(wait)),
                                                             None, False), took_effect=False)
        return await super().respond(method, params, token)

    def _admit(self, token: str, method: str, channel: str | None) -> float:
        """0 and a token taken from each bucket, or the seconds until the call would fit."""
        now = self._monotonic()
        with self._lock:
            # A post to a user id goes to their DM and counts against it, as Slack counts it.
            conversation = self.workspace.conversation_of(channel) if channel else None
            named = self.limits.buckets(method, conversation)
            buckets = [self._bucket(token, key, rate, now) for key, rate in named]
            wait = max((b.wait(now) for b in buckets), default=0.0)
            if wait > 0:
                return wait
            for (key, _), bucket in zip(named, buckets, strict=True):
                bucket.take(now)
                self.admitted[(token, key)] += 1
            return 0.0

    def _bucket(self, token: str, key: BucketKey, rate: Rate, now: float) -> TokenBucket:
        bucket = self._buckets.get((token, key))
        if bucket is None:
            tolerated = Rate(rate.per_second, rate.burst + rate.per_second * self.jitter)
            bucket = self._buckets[(token, key)] = TokenBucket(tolerated, now)
        return bucket
