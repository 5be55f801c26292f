"""Any Hugging Face text-classification model (TEAMWELL_SENTIMENT_MODEL=name or local path).

Its labels are mapped to a value in [-1, 1] each; the score is the expected value under the
model's probabilities, the label comes from that score (`label_for`), and stress from the
keyword rule (such models know nothing of work stress).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from teamwell.bot.sentiment.encoder import default_threads
from teamwell.bot.sentiment.stress import speaks_of_work_stress
from teamwell.core.sentiment import SentimentScore, label_for

_WORDS = {
    "negative": -1.0, "neg": -1.0, "very negative": -1.0, "somewhat negative": -0.5,
    "neutral": 0.0, "neu": 0.0, "mixed": 0.0,
    "positive": 1.0, "pos": 1.0, "very positive": 1.0, "somewhat positive": 0.5,
}
_STARS = re.compile(r"^([1-9]) stars?$")
_INDEX = re.compile(r"^(?:label_)?(\d+)$")


class UnknownLabels(ValueError):
    """The model's labels are not sentiment labels this module knows how to read."""


def label_values(id2label: Mapping[int, str]) -> np.ndarray:
    """The value in [-1, 1] of each class id, from labels like POSITIVE/NEGATIVE/NEUTRAL,
    "1 star".."5 stars", or LABEL_0..LABEL_n (read as ordered from negative to positive, the
    convention of SST-2 and of cardiffnlp's Twitter models: 2 -> neg, pos; 3 -> neg, neu, pos).
    """
    ids = sorted(id2label)
    names = [" ".join(str(id2label[i]).lower().replace("_", " ").split()) for i in ids]
    if all(n in _WORDS for n in names):
        return np.array([_WORDS[n] for n in names])
    stars = [_STARS.match(n) for n in names]
    if all(stars):
        counts = [int(m.group(1)) for m in stars if m]
        low, high = min(counts), max(counts)
        if high > low:
            return np.array([2 * (c - low) / (high - low) - 1 for c in counts])
    indices = [_INDEX.match(n.replace(" ", "_")) for n in names]
    if all(indices) and len(names) >= 2:
        order = [int(m.group(1)) for m in indices if m]
        return np.array([2 * o / (len(names) - 1) - 1 for o in order])
    raise UnknownLabels(f"labels {[id2label[i] for i in ids]} are not sentiment labels "
                        "(expected positive/negative/neutral, '1 star'..'5 stars' or LABEL_0..n)")


class HFModel:
    """A sequence-classification model from the hub or a directory, scored in batches."""

    def __init__(self, name_or_path: str, threads: int | None = None, batch_size: int = 32,
                 max_tokens: int = 256) -> None:
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import torch
        import transformers

        hf_logging: Any = transformers.utils.logging
        hf_logging.set_verbosity_error()
        torch.set_num_threads(threads or default_threads())
        self.name = name_or_path
        self._torch: Any = torch
        self.tokenizer: Any
        self.model: Any
        self.tokenizer, self.model, info = _load(transformers, name_or_path)
        if info.get("missing_keys"):
            # A bare encoder gets a random classifier: it would return labels at random.
            raise UnknownLabels(f"{name_or_path} is not a text-classification model (weights "
                                f"missing: {', '.join(sorted(info['missing_keys'])[:3])})")
        self.values = label_values(self.model.config.id2label)
        self.batch_size, self.max_tokens = batch_size, max_tokens

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """One score per text, in the same order."""
        polarity = np.empty(len(texts))
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), self.batch_size):
            rows = order[start:start + self.batch_size]
            polarity[rows] = self._batch([texts[i] for i in rows])
        return [SentimentScore(float(p), label_for(float(p)), speaks_of_work_stress(t))
                for p, t in zip(polarity, texts, strict=True)]

    def _batch(self, texts: list[str]) -> np.ndarray:
        enc = self.tokenizer(texts, padding=True, truncation=True, max_length=self.max_tokens,
                             return_tensors="pt")
        with self._torch.inference_mode():
            proba = self._torch.softmax(self.model(**enc).logits.float(), dim=-1).numpy()
        polarity: np.ndarray = np.clip(proba @ self.values, -1.0, 1.0)
        return polarity


def _load(transformers: Any, name: str) -> tuple[Any, Any, dict[str, Any]]:
    """Tokenizer, model and loading info: from the local cache or directory first, then the hub
    (unless HF_HUB_OFFLINE is set), so a cached model never waits on the network."""
    auto_tok, auto_model = transformers.AutoTokenizer, transformers.AutoModelForSequenceClassification
    try:
        tok = auto_tok.from_pretrained(name, local_files_only=True)
        model, info = auto_model.from_pretrained(name, local_files_only=True,
                                                 output_loading_info=True)
    except OSError:
        if os.environ.get("HF_HUB_OFFLINE", "").lower() in ("1", "true", "yes", "on"):
            raise
        tok = auto_tok.from_pretrained(name)
        model, info = auto_model.from_pretrained(name, output_loading_info=True)
    return tok, model.eval(), info
