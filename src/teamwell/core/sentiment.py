"""Comment sentiment: what a score is, and the port every sentiment model implements.

Only comments people addressed to the bot are ever scored (pulse comments and onboarding
check-in comments); the bot never reads channels or DMs that are not written to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol


class Label(StrEnum):
    """The three sentiment labels."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


@dataclass(frozen=True, slots=True)
class SentimentScore:
    """One text's score in [-1, 1], its label, and whether it speaks of work stress."""

    score: float
    label: Label
    stress: bool

    def __post_init__(self) -> None:
        if not -1.0 <= self.score <= 1.0:
            raise ValueError(f"sentiment score {self.score} is outside [-1, 1]")

    def as_dict(self) -> dict[str, float | str | bool]:
        """The score as one JSON-ready object."""
        return {"score": round(self.score, 4), "label": self.label.value, "stress": self.stress}


class SentimentModel(Protocol):
    """Scores texts in batches. Slow (a neural network): never call it on the event loop."""

    name: str

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """One score per text, in the same order."""
        ...


@dataclass(frozen=True, slots=True)
class UnscoredComment:
    """A stored comment waiting for its score: a pulse comment or an onboarding check-in."""

    kind: str  # PULSE_COMMENT or CHECKIN_COMMENT
    workspace_id: str
    key: tuple[str, str]  # (round id, token) or (onboarding id, step id)
    body: str


PULSE_COMMENT = "pulse"
CHECKIN_COMMENT = "checkin"


def label_for(score: float, neutral_band: float = 0.25) -> Label:
    """The label a score in [-1, 1] carries: neutral within the band around zero."""
    if score <= -neutral_band:
        return Label.NEGATIVE
    if score >= neutral_band:
        return Label.POSITIVE
    return Label.NEUTRAL
