"""The classifier head on the encoder: 384 -> 3 sentiment classes, 384 -> 1 work stress.

Stored as JSON in the package (`head.json`, about 20 KB): readable, diffable, no pickle.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from teamwell.bot.sentiment.fit import softmax

FORMAT = "teamwell-sentiment-head/1"
_NUMBER_LIST = re.compile(r"\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]")
CLASSES = ("negative", "neutral", "positive")
NEGATIVE, NEUTRAL, POSITIVE = 0, 1, 2


def packaged_head_path() -> Path:
    """Where the committed head lives, inside the installed package."""
    return Path(str(resources.files("teamwell.bot.sentiment") / "head.json"))


@dataclass(frozen=True)
class Head:
    """Logistic regression weights over unit-length sentence embeddings."""

    sentiment_weights: np.ndarray  # 3 x 384, rows in CLASSES order
    sentiment_bias: np.ndarray  # 3
    stress_weights: np.ndarray  # 384
    stress_bias: float
    stress_threshold: float = 0.5
    training: dict[str, Any] = field(default_factory=dict)

    def sentiment_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """P(negative), P(neutral), P(positive) per row."""
        return softmax(embeddings @ self.sentiment_weights.T + self.sentiment_bias)

    def stress_proba(self, embeddings: np.ndarray) -> np.ndarray:
        """P(the text speaks of work stress) per row."""
        z = np.clip(embeddings @ self.stress_weights + self.stress_bias, -50.0, 50.0)
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out

    def save(self, path: Path) -> None:
        """Write the head as JSON, five significant digits per weight."""
        doc = {
            "format": FORMAT, "encoder": self.training.get("encoder", ""), "classes": list(CLASSES),
            "sentiment": {"weights": [_short(row) for row in self.sentiment_weights],
                          "bias": _short(self.sentiment_bias)},
            "stress": {"weights": _short(self.stress_weights), "bias": _short([self.stress_bias])[0],
                       "threshold": self.stress_threshold},
            "training": self.training,
        }
        text = json.dumps(doc, indent=1)
        # One line per list of numbers (a weight row): a short file that diffs row by row.
        text = _NUMBER_LIST.sub(lambda m: "[" + ", ".join(m.group(1).replace(",", " ").split())
                                + "]", text)
        path.write_text(text + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path | None = None) -> Head:
        """Read a head written by `save` (the packaged one by default)."""
        path = path or packaged_head_path()
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc.get("format") != FORMAT or tuple(doc.get("classes", ())) != CLASSES:
            raise ValueError(f"{path} is not a {FORMAT} file")
        sw = np.asarray(doc["sentiment"]["weights"], dtype=np.float32)
        tw = np.asarray(doc["stress"]["weights"], dtype=np.float32)
        if sw.shape[0] != len(CLASSES) or tw.shape != (sw.shape[1],):
            raise ValueError(f"{path}: weight shapes {sw.shape} and {tw.shape} do not fit")
        return cls(sw, np.asarray(doc["sentiment"]["bias"], dtype=np.float32), tw,
                   float(doc["stress"]["bias"]), float(doc["stress"]["threshold"]),
                   dict(doc.get("training", {})))


def _short(values: Any) -> list[float]:
    # Five significant digits keep the file small; the weights are far coarser than that.
    return [float(f"{float(v):.5g}") for v in np.asarray(values).ravel()]
