"""Rate limits as data: how often a platform lets one workspace make each kind of call.

Every limit is a token bucket: `burst` calls may go at once, then one more each 1/per_second
seconds. A call may be subject to several buckets, narrowest first: its conversation's (Slack's
one message a second per channel), its method's (Slack's tiers) and the whole workspace's
(Teams' per-tenant limit). The figures themselves live with each platform
(`bot/slack/rate_limits.py`, `bot/teams/rate_limits.py`); docs/decisions.md says why.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

BucketKey = tuple[str, ...]  # within one workspace: ("*",), (method,) or (method, conversation)
WHOLE_WORKSPACE: BucketKey = ("*",)


@dataclass(frozen=True, slots=True)
class Rate:
    """A token bucket: `burst` calls at once, refilled at per_second calls a second."""

    per_second: float
    burst: float = 1.0

    def __post_init__(self) -> None:
        if self.per_second <= 0 or self.burst < 1:
            raise ValueError(f"a rate needs per_second > 0 and burst >= 1, not {self}")

    @classmethod
    def per_minute(cls, calls: float, burst: float = 1.0) -> Rate:
        """calls a minute, with burst at once."""
        return cls(calls / 60.0, burst)

    def scaled(self, factor: float) -> Rate:
        """The same bucket refilled factor times as fast (benchmarks and tests)."""
        return Rate(self.per_second * factor, self.burst)

    def most_in(self, seconds: float) -> float:
        """The most calls this bucket lets through in any window of that many seconds."""
        return self.burst + self.per_second * seconds


def _frozen(mapping: Mapping[str, Rate]) -> Mapping[str, Rate]:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True, slots=True)
class Limits:
    """One platform's limits for one workspace (Slack team, Teams tenant)."""

    # Per method; a method not listed falls under `default` (None: no per-method bucket).
    methods: Mapping[str, Rate] = field(default_factory=dict)
    default: Rate | None = None
    # Per method and conversation, for the methods listed (chat.postMessage: per channel).
    per_conversation: Mapping[str, Rate] = field(default_factory=dict)
    # Every call of the workspace together, whatever the method.
    workspace: Rate | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "methods", _frozen(self.methods))
        object.__setattr__(self, "per_conversation", _frozen(self.per_conversation))

    def buckets(self, method: str, conversation: str | None = None
                ) -> list[tuple[BucketKey, Rate]]:
        """The buckets a call takes a token from, narrowest first."""
        found: list[tuple[BucketKey, Rate]] = []
        narrow = self.per_conversation.get(method)
        if narrow is not None and conversation:
            found.append(((method, conversation), narrow))
        own = self.methods.get(method, self.default)
        if own is not None:
            found.append(((method,), own))
        if self.workspace is not None:
            found.append((WHOLE_WORKSPACE, self.workspace))
        return found

    def scaled(self, factor: float) -> Limits:
        """Every rate refilled factor times as fast, bursts unchanged."""
        if factor <= 0:
            raise ValueError(f"a scale must be positive, not {factor}")
        return Limits(
            methods={m: r.scaled(factor) for m, r in self.methods.items()},
            default=self.default.scaled(factor) if self.default else None,
            per_conversation={m: r.scaled(factor) for m, r in self.per_conversation.items()},
            workspace=self.workspace.scaled(factor) if self.workspace else None)

    def rate_of(self, key: BucketKey) -> Rate | None:
        """The rate of a bucket named by buckets() (None for a key of no bucket)."""
        if key == WHOLE_WORKSPACE:
            return self.workspace
        if len(key) == 2:
            return self.per_conversation.get(key[0])
        return self.methods.get(key[0], self.default)


def minimum_seconds(limits: Limits, calls: Mapping[BucketKey, int]) -> float:
    """The least time the limits allow for that many calls per bucket (one workspace), from
    full buckets: each bucket's calls beyond its burst at its rate; the slowest bucket wins."""
    slowest = 0.0
    for key, count in calls.items():
        rate = limits.rate_of(key)
        if rate is not None and count > rate.burst:
            slowest = max(slowest, (count - rate.burst) / rate.per_second)
    return slowest
