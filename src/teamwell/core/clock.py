"""Time comes from an injected clock so that rules and tests never read the wall clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Tells the current time as a timezone-aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to: for tests and the offline demo."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start time")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the fake current time."""
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move the clock forward by delta and return the new time."""
        if delta < timedelta(0):
            raise ValueError("time does not go backwards")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to a later moment."""
        moment = moment.astimezone(UTC)
        if moment < self._now:
            raise ValueError("time does not go backwards")
        self._now = moment
