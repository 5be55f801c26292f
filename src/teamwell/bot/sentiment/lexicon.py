"""The lexicon model: VADER's compound score, and the keyword rule for work stress."""

from __future__ import annotations

from collections.abc import Sequence

from teamwell.bot.sentiment.stress import speaks_of_work_stress
from teamwell.core.sentiment import SentimentScore, label_for

# VADER's authors call a compound score within +-0.05 neutral; a wider band (the port's 0.25)
# labels most mild workplace remarks neutral, which VADER's scale does not intend.
VADER_NEUTRAL_BAND = 0.05


class LexiconModel:
    """VADER (rules over a word list): no neural network, works without the `ml` extra."""

    name = "lexicon"

    def __init__(self) -> None:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

        self._vader = SentimentIntensityAnalyzer()

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """One score per text: VADER's compound in [-1, 1], the label, the keyword stress rule."""
        out = []
        for text in texts:
            compound = float(self._vader.polarity_scores(text)["compound"])
            compound = min(1.0, max(-1.0, compound))
            out.append(SentimentScore(compound, label_for(compound, VADER_NEUTRAL_BAND),
                                      speaks_of_work_stress(text)))
        return out
