"""Support resources shown at once to someone who picks the most severe burnout answer.

Shown only to that person, in the reply to their click: never queued in the outbox (which
would keep a copy next to their name), never told to anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_NOTE = (
    "That sounds really hard, and you don't have to carry it alone. Nobody has been told "
    "about this answer, and nobody will be. If you want support, talking to someone you trust, "
    "your doctor or your company's employee assistance programme can help. If you are in "
    "danger right now, call your local emergency number."
)


@dataclass(frozen=True, slots=True)
class SupportResources:
    """The note and the (label, address) pairs a company configures (TEAMWELL_SUPPORT_*)."""

    note: str = DEFAULT_NOTE
    links: tuple[tuple[str, str], ...] = ()

    def reply(self) -> str:
        """The support text as one plain reply."""
        lines = [self.note]
        lines += [f"\u2022 {label}: {address}" for label, address in self.links]
        return "\n".join(lines)
