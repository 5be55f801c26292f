"""How long things are kept; scores and aggregates outlive the raw text they came from.

The nightly job works from one set of cut-off moments (`Cutoffs`): anything on the far side of
its cut-off goes, anything on the near side stays, so "just inside" and "just outside" are one
second apart and a re-run the same night finds nothing new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from teamwell.core.pulse_rotation import week_monday

DEFAULT_COMMENT_DAYS = 180
DEFAULT_MESSAGE_DAYS = 30
DEFAULT_DEPARTED_DAYS = 90
MAX_DAYS = 3650
# Platform event ids only de-duplicate retries, which come within minutes; a week is plenty.
EVENT_DAYS = 7
# A Slack click still stored after a week was never handled (no worker ran); it is stale.
INBOX_DAYS = 7
# How to reach someone (a Teams conversation reference, a Slack DM id) goes a week after they
# left; a person who comes back gets a new chat. The grace week covers a mistaken deactivation.
REFERENCE_DAYS = 7
# The payload of an outbox row past retention; the row itself stays so its key is never reused.
TOMBSTONE = ""


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """Days to keep comment text, delivered-message logs, and people who left."""

    comment_days: int = DEFAULT_COMMENT_DAYS
    message_days: int = DEFAULT_MESSAGE_DAYS
    departed_days: int = DEFAULT_DEPARTED_DAYS

    def __post_init__(self) -> None:
        for what, days in (("comment", self.comment_days), ("message log", self.message_days),
                           ("departed people", self.departed_days)):
            if not 1 <= days <= MAX_DAYS:
                raise ValueError(f"{what} retention must be 1 to {MAX_DAYS} days")


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """The moments before which each kind of data has expired."""

    now: datetime
    comments: datetime
    pulse_weeks_before: date  # pulse comments carry only a week: weeks starting before this
    messages: datetime
    departed: datetime
    events: datetime
    inbox: datetime
    references: datetime

    @classmethod
    def at(cls, now: datetime, config: RetentionConfig) -> Cutoffs:
        """The cut-offs for a run at now (an aware moment)."""
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError("retention needs an aware moment")
        comments = now - timedelta(days=config.comment_days)
        return cls(
            now=now, comments=comments,
            # A week counts from its Monday, and only weeks wholly before the cut-off go, so
            # text is never deleted early.
            pulse_weeks_before=week_monday(comments.date()),
            messages=now - timedelta(days=config.message_days),
            departed=now - timedelta(days=config.departed_days),
            events=now - timedelta(days=EVENT_DAYS),
            inbox=now - timedelta(days=INBOX_DAYS),
            references=now - timedelta(days=REFERENCE_DAYS))


@dataclass(frozen=True, slots=True)
class Expired:
    """What one run deleted (or, in a dry run, would delete), kind by kind."""

    comment_texts: int = 0
    message_payloads: int = 0
    events: int = 0
    inbox_rows: int = 0
    references: int = 0
    departed: tuple[tuple[str, str], ...] = ()  # (workspace id, person id) to erase

    def lines(self) -> list[str]:
        """One line per kind, for the command line and the log."""
        return [f"comment texts: {self.comment_texts}",
                f"delivered message contents: {self.message_payloads}",
                f"processed event ids: {self.events}",
                f"unhandled Slack clicks: {self.inbox_rows}",
                f"conversation references of people who left: {self.references}",
                f"people who left, erased: {len(self.departed)}"]


class RetentionStore(Protocol):
    """Deleting what has expired, across workspaces; each method returns how many rows."""

    def mark_inactive(self, now: datetime) -> int:
        """Stamp inactive people who have no inactive_since yet with now."""
        ...

    def expire_comment_text(self, pulse_weeks_before: date, checkins_before: datetime) -> int:
        """Delete comment text past retention (scores stay)."""
        ...

    def expire_messages(self, before: datetime) -> int:
        """Empty sent outbox rows sent, and failed rows queued, before then (keys stay)."""
        ...

    def expire_events(self, before: datetime) -> int:
        """Delete processed event ids seen before then."""
        ...

    def expire_inbox(self, before: datetime) -> int:
        """Delete stored Slack clicks received before then."""
        ...

    def forget_references(self, inactive_before: datetime) -> int:
        """Clear the conversation ids and references of people inactive since before then."""
        ...

    def departed(self, inactive_before: datetime) -> list[tuple[str, str]]:
        """(workspace id, person id) of people inactive since before then."""
        ...
