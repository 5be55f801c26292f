"""The fake Slack Web API having a bad day: a share of calls fail at random.

A failed call is, in equal parts, a 429 with Retry-After, a 5xx (half of them after the call
took effect, as when Slack posts and the answer is lost), or an answer that comes too late for
the client (again half of them after the call took effect). For fault tests of the sender.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import Iterable
from typing import Any

from aiohttp import web

from teamwell.bot.slack.fake_api import FakeSlackApi

KINDS = ("429", "5xx", "timeout")


class ChaosSlackApi(FakeSlackApi):
    """A FakeSlackApi that fails about fault_rate of the calls to methods not spared."""

    def __init__(self, *args: Any, fault_rate: float = 0.2, hang_seconds: float = 2.0,
                 retry_after: int = 1, seed: int | None = None,
                 spared: Iterable[str] = ("auth.test",), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fault_rate = fault_rate
        self.hang_seconds = hang_seconds  # longer than the client's timeout
        self.retry_after = retry_after
        self.injected: Counter[str] = Counter()  # kind -> how many calls failed that way
        self._rng = random.Random(seed)
        self._spared = frozenset(spared)

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        kind = self._pick(method)
        if kind is None:
            return await super()._handle(request)
        self.injected[kind] += 1
        took_effect = self._rng.random() < 0.5
        if kind == "timeout":
            # Answered only once the client has given up: done, or never done.
            answer = (await super()._handle(request) if took_effect
                      else web.Response(status=504, text="too late"))
            await asyncio.sleep(self.hang_seconds)
            return answer
        if kind == "429":
            self.fail_next(method, 1, status=429, retry_after=self.retry_after)
        else:
            self.fail_next(method, 1, status=self._rng.choice((500, 502, 503)),
                           after_effect=took_effect)
        # Under concurrent calls another one may take this fault; the share stays the same.
        return await super()._handle(request)

    def _pick(self, method: str) -> str | None:
        if method in self._spared or self._rng.random() >= self.fault_rate:
            return None
        return self._rng.choice(KINDS)
