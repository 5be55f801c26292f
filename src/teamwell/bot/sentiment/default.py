"""The default model: all-MiniLM-L6-v2 sentence embeddings and the committed classifier head."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from teamwell.bot.sentiment.encoder import DEFAULT_BATCH, MiniLMEncoder
from teamwell.bot.sentiment.head import NEGATIVE, POSITIVE, Head
from teamwell.bot.sentiment.stress import (
    denies_work_stress,
    names_work_strain,
    speaks_of_work_stress,
)
from teamwell.core.sentiment import SentimentScore, label_for

# P(work stress) that suffices when the text also uses a general stress word.
GENERAL_WORD_BAR = 0.5
# The score from which label_for calls a comment positive.
POSITIVE_FROM = 0.25


class MiniLMModel:
    """score = P(positive) - P(negative); label from that score (`label_for`).

    Stress: the head's P(work stress) reaches its threshold, unless the comment is positive
    (the head leans to any first-person sentence about work: "best place I've ever worked");
    or the text names strain about work itself (overtime, understaffed, burnt out, ...); or it
    uses a general stress word ("stressed", "exhausted") and P(work stress) >= 0.5, since
    "stressed about my exams" is not work's. Never when it says stress is absent ("not
    stressed", "no pressure"): mean-pooled embeddings read past a negation.
    """

    name = "minilm-head"

    def __init__(self, head: Head | None = None, encoder: MiniLMEncoder | None = None,
                 batch_size: int = DEFAULT_BATCH, threads: int | None = None) -> None:
        self.head = head or Head.load()
        self.encoder = encoder or MiniLMEncoder(threads)
        self.batch_size = batch_size

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """One score per text, in the same order (embedded in length-sorted batches)."""
        return self.score_with_stress_proba(texts)[0]

    def score_with_stress_proba(self, texts: Sequence[str]
                                ) -> tuple[list[SentimentScore], np.ndarray]:
        """Scores, and a stress rank per text (P(work stress) after the rules; for ROC-AUC)."""
        return self.score_embeddings(texts, self.encoder.embed(texts, self.batch_size))

    def score_embeddings(self, texts: Sequence[str], embeddings: np.ndarray
                         ) -> tuple[list[SentimentScore], np.ndarray]:
        """Scores and stress ranks for texts already embedded by the encoder."""
        proba = self.head.sentiment_proba(embeddings)
        polarity = np.clip(proba[:, POSITIVE] - proba[:, NEGATIVE], -1.0, 1.0)
        stress = self.head.stress_proba(embeddings).astype(np.float64)  # nextafter needs float64
        bar = self.head.stress_threshold
        for i, text in enumerate(texts):
            if names_work_strain(text):
                stress[i] = 1.0
            elif denies_work_stress(text):
                stress[i] = 0.0
            elif speaks_of_work_stress(text):
                if stress[i] >= GENERAL_WORD_BAR:
                    stress[i] = max(stress[i], bar)
            elif polarity[i] >= POSITIVE_FROM:
                stress[i] = min(stress[i], np.nextafter(bar, 0.0))  # just below the bar
        flags = stress >= bar
        scores = [SentimentScore(float(s), label_for(float(s)), bool(f))
                  for s, f in zip(polarity, flags, strict=True)]
        return scores, stress
