"""Pulse records: rounds, invitations and anonymous answers, and the per-round answer token.

An answer never names a person. While a round is open it carries a keyed one-way token of the
person (HMAC of the person id under a random key kept only for that round), which is enough to
stop double answers and to let someone change theirs. Closing the round destroys the key, after
which nothing links a token to anyone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from teamwell.core.anonymity import (
    DEFAULT_MIN_GROUP_SIZE,
    WORKSPACE_GROUP_ID,
    reporting_minimum,
)
from teamwell.core.anonymity import (
    NO_TEAM as NO_TEAM,
)
from teamwell.core.pulse_schedule import NEW_HIRE_DAYS, PulseSchedule
from teamwell.core.support import SupportResources

# The scope of a round for everyone (also the whole-company reporting group), and the team
# recorded for answers from people in no team.
WHOLE_WORKSPACE = WORKSPACE_GROUP_ID
MAX_COMMENT_LENGTH = 1000
SKIP = "skip"


class RoundStatus(StrEnum):
    """Life of a pulse round."""

    OPEN = "open"
    CLOSED = "closed"


class InviteStatus(StrEnum):
    """Life of one person's invitation to a round."""

    PENDING = "pending"
    SENT = "sent"
    SKIPPED = "skipped"  # opted out or went on leave before it was due: not asked, not counted


@dataclass(frozen=True, slots=True)
class PulseRound:
    """One round of questions for a workspace (scope "*") or one team, in one week."""

    id: str
    workspace_id: str
    scope: str
    week: date  # the Monday of the round's week: the reporting period
    question_ids: tuple[str, ...]
    opened_at: datetime
    closes_at: datetime
    status: RoundStatus = RoundStatus.OPEN

    def is_open(self, now: datetime) -> bool:
        """True while answers may still be given or changed."""
        return self.status is RoundStatus.OPEN and now < self.closes_at


@dataclass(frozen=True, slots=True)
class PulseInvite:
    """That a person was asked in a round (never whether or how they answered)."""

    round_id: str
    person_id: str
    team_id: str
    week: date
    invite_at: datetime
    remind_at: datetime | None
    status: InviteStatus = InviteStatus.PENDING
    reminded: bool = False


@dataclass(frozen=True, slots=True)
class PulseAnswer:
    """One anonymous answer: the team at the time of answering and the date only.

    value None means the person chose Skip for that question.
    """

    round_id: str
    token: str
    question_id: str
    dimension: str
    team_id: str
    answered_on: date
    value: int | None


@dataclass(frozen=True, slots=True)
class PulsePreference:
    """Whether a person takes part in pulses."""

    opted_out: bool = False
    on_leave_until: date | None = None

    def on_leave(self, today: date) -> bool:
        """True when the person is on leave today."""
        return self.on_leave_until is not None and today <= self.on_leave_until


def new_round_key() -> bytes:
    """A fresh random key for one round's answer tokens."""
    return secrets.token_bytes(32)


def answer_token(key: bytes, person_id: str) -> str:
    """The person's token in the round whose key this is (one-way; useless once the key is gone)."""
    return hmac.new(key, person_id.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class PulseConfig:
    """A workspace's pulse settings: schedule, reporting minimums, new-hire grace period."""

    schedule: PulseSchedule = field(default_factory=PulseSchedule)
    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    comment_minimum: int = DEFAULT_MIN_GROUP_SIZE
    new_hire_days: int = NEW_HIRE_DAYS
    support: SupportResources = field(default_factory=SupportResources)

    def __post_init__(self) -> None:
        reporting_minimum(self.min_group_size)
        if self.comment_minimum < self.min_group_size:
            # Comments are richer than numbers: never shown for a group whose numbers are hidden.
            raise ValueError("the comment minimum cannot be below the reporting minimum "
                             f"({self.min_group_size})")
        if not 0 <= self.new_hire_days <= 365:
            raise ValueError("new hires' pulse-free period must be 0 to 365 days")
