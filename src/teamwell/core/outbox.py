"""What an outbound message is before a platform delivers it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from teamwell.core.messages import Message


class OutboxStatus(StrEnum):
    """Where an outbox row is in its life."""

    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    # A failed row past the message-log retention: its content is gone and it is never retried.
    EXPIRED = "expired"


@dataclass(frozen=True, slots=True)
class OutboundItem:
    """A message to deliver, keyed so that asking twice never sends twice.

    Exactly one of recipient_id (a person, by direct message) and channel (a named channel of the
    workspace, such as a recognition channel) is set. replaces names the idempotency key of an
    earlier item whose delivered message this one updates in place.
    """

    workspace_id: str
    idempotency_key: str
    message: Message
    recipient_id: str | None = None
    channel: str | None = None
    replaces: str | None = None
    not_before: datetime | None = None

    def __post_init__(self) -> None:
        if (self.recipient_id is None) == (self.channel is None):
            raise ValueError("an outbound item goes to exactly one person or one channel")
        if not self.idempotency_key or len(self.idempotency_key) > 200:
            raise ValueError("idempotency key must be 1..200 characters")
