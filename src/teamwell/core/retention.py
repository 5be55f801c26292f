"""How long raw text is kept; scores and aggregates outlive it."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_COMMENT_DAYS = 180


@dataclass(frozen=True, slots=True)
class RetentionConfig:
    """Days to keep comment text (pulse comments and onboarding check-in comments)."""

    comment_days: int = DEFAULT_COMMENT_DAYS

    def __post_init__(self) -> None:
        if not 1 <= self.comment_days <= 3650:
            raise ValueError("comment retention must be 1 to 3650 days")
