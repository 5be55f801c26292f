"""What a failed platform call means for an outbox row: wait, retry later, or give up."""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from enum import StrEnum

import aiohttp


class Kind(StrEnum):
    """How to react to a failure."""

    RATE_LIMITED = "rate_limited"  # wait Retry-After, not counted as a failed attempt
    TRANSIENT = "transient"  # retry with backoff; the call may have taken effect
    PERMANENT = "permanent"  # the row fails, with the error kept


@dataclass(frozen=True, slots=True)
class Failure:
    """A classified failure of one platform call."""

    kind: Kind
    error: str
    retry_after: float = 0.0
    # False when the platform certainly did nothing (a 429, or an explicit refusal).
    maybe_took_effect: bool = False


class PermanentProblem(Exception):
    """Delivery cannot succeed (for example, the recipient left the directory)."""


class TransientProblem(Exception):
    """Delivery cannot happen yet (for example, no account found for the person)."""


def retry_after_seconds(value: object) -> float:
    """A Retry-After header value as seconds, kept between 1 s and an hour."""
    try:
        return min(max(float(str(value)), 1.0), 3600.0)
    except ValueError:
        return 1.0


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Seconds before retry number `attempt` (1-based): capped exponential, half jittered."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return float(ceiling / 2 + rng.uniform(0, ceiling / 2))


def problem_failure(exc: BaseException) -> Failure | None:
    """The failure our own Permanent/TransientProblem stands for, else None."""
    if isinstance(exc, TransientProblem):
        return Failure(Kind.TRANSIENT, str(exc))
    if isinstance(exc, PermanentProblem):
        return Failure(Kind.PERMANENT, str(exc))
    return None


def network_failure(exc: BaseException) -> Failure | None:
    """A connection problem or a timeout: retried, and the call may have taken effect."""
    if isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | TimeoutError | OSError):
        return Failure(Kind.TRANSIENT, f"{type(exc).__name__}: {exc}".strip(": "),
                       maybe_took_effect=True)
    return None

