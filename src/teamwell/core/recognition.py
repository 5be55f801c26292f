"""A workspace's recognition settings: kudos rules, celebrations, where posts go."""

from __future__ import annotations

from dataclasses import dataclass, field

from teamwell.core.celebrations import CelebrationSettings
from teamwell.core.kudos import KudosSettings


@dataclass(frozen=True, slots=True)
class RecognitionConfig:
    """channel: the platform's id of the recognition channel; None posts nothing publicly."""

    kudos: KudosSettings = field(default_factory=KudosSettings)
    channel: str | None = None
    celebrations: CelebrationSettings = field(default_factory=CelebrationSettings)
    leaderboard: bool = False  # off by default: recognition is not a contest
