"""Hand-built weekly aggregates and a deterministic stand-in sentiment model."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from teamwell.core.burnout import DimStat, TeamWeek
from teamwell.core.sentiment import SentimentScore, label_for

MONDAY = date(2025, 1, 6)
ORG_N = 1000


def week(k: int) -> date:
    """The Monday k weeks after the first one."""
    return MONDAY + timedelta(weeks=k)


def org(weeks: int, energy: float = 2.5, workload: float = 3.3,
        wellbeing: float = 3.3) -> dict[date, dict[str, DimStat]]:
    """An organisation whose means never move."""
    dims = {"energy": DimStat(ORG_N, energy, 0.9), "workload": DimStat(ORG_N, workload, 0.9),
            "wellbeing": DimStat(ORG_N, wellbeing, 0.9)}
    return {week(k): dims for k in range(weeks)}


def team(energy: Sequence[float | None], n: int = 10, invited: int = 12,
         workload: Sequence[float | None] | None = None,
         comments: Sequence[tuple[int, int, int]] | None = None,
         respondents: Sequence[int] | None = None) -> list[TeamWeek]:
    """A team's weeks: energy (and workload) means where asked, None where not."""
    out = []
    for k, mean in enumerate(energy):
        dims: dict[str, DimStat] = {}
        answered = respondents[k] if respondents is not None else n
        if mean is not None:
            dims["energy"] = DimStat(answered, mean, 0.9)
        if workload is not None and workload[k] is not None:
            dims["workload"] = DimStat(answered, float(workload[k] or 0), 0.9)
        c, neg, st = comments[k] if comments is not None else (0, 0, 0)
        out.append(TeamWeek(week(k), invited, answered, dims, c, neg, st))
    return out


class FakeModel:
    """Deterministic keyword scorer for the simulator's template comments (tests only)."""

    name = "fake"
    _stress = re.compile(r"exhausted|late|understaffed|burning|unmanageable|on call|"
                         r"overwhelmed|pressure|long hours")
    _bad = re.compile(r"frustrating|nobody|heard|poor|disappointed|annoying|back and forth")
    _good = re.compile(r"great|loved|thanks|good|well|enjoyed|happy|nice")

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """Stressed texts are negative and stressed; bad ones negative; good ones positive."""
        out = []
        for text in texts:
            low = text.lower()
            stress = bool(self._stress.search(low))
            value = -0.6 if stress or self._bad.search(low) else (
                0.6 if self._good.search(low) else 0.0)
            out.append(SentimentScore(value, label_for(value), stress))
        return out
