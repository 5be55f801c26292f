"""Scores of a sentiment model on the held-out evaluation sets.

How each figure is taken (also in docs/model-card.md):

* positive/negative sets (SST-2 dev, workplace, employees_opinion): the prediction is the sign
  of the score (a score of exactly 0 predicts neither and counts as wrong); macro-F1 over the
  two classes; ROC-AUC of the score for positive against negative.
* the 3-class set (TweetEval): accuracy and macro-F1 of the model's label over the three
  classes; ROC-AUC of the score for positive against negative on the rows that are not neutral.
* stress sets (SAD): the stress flag; ROC-AUC of P(work stress) where the model has one
  (the default model), else of the flag itself (which then equals balanced accuracy).
* neutral% and stress%: the share of rows the model labels neutral, and flags as stress.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from teamwell.bot.sentiment.data import STRESS, LabelledSet, evaluation_sets
from teamwell.bot.sentiment.metrics import accuracy, macro_f1, roc_auc
from teamwell.core.sentiment import Label, SentimentModel, SentimentScore

_LABEL_INDEX = {Label.NEGATIVE: 0, Label.NEUTRAL: 1, Label.POSITIVE: 2}


@dataclass(frozen=True)
class EvalRow:
    """One model's figures on one evaluation set."""

    dataset: str
    task: str
    rows: int
    accuracy: float
    macro_f1: float
    roc_auc: float
    neutral_share: float
    stress_share: float


def evaluate(model: SentimentModel, data_dir: Path,
             sets: Sequence[LabelledSet] | None = None) -> list[EvalRow]:
    """Accuracy, macro-F1 and ROC-AUC of `model` on each held-out set under `data_dir`."""
    return [evaluate_set(model, s) for s in (sets if sets is not None else evaluation_sets(data_dir))]


def evaluate_set(model: SentimentModel, data: LabelledSet) -> EvalRow:
    """The figures for one set (see the module docstring for how each is taken)."""
    scores, stress_rank = _score(model, data.texts)
    polarity = np.array([s.score for s in scores])
    labels = np.array([_LABEL_INDEX[s.label] for s in scores])
    flags = np.array([s.stress for s in scores], dtype=int)
    y = data.labels
    if data.task == STRESS:
        rank = stress_rank if stress_rank is not None else flags
        acc, f1, auc = accuracy(y, flags), macro_f1(y, flags, [0, 1]), roc_auc(y, rank)
    elif set(y.tolist()) <= {0, 2}:
        pred = np.where(polarity > 0, 2, np.where(polarity < 0, 0, 1))
        acc, f1, auc = accuracy(y, pred), macro_f1(y, pred, [0, 2]), roc_auc(y == 2, polarity)
    else:
        polar = y != 1
        acc, f1 = accuracy(y, labels), macro_f1(y, labels, [0, 1, 2])
        auc = roc_auc(y[polar] == 2, polarity[polar])
    return EvalRow(data.name, data.task, len(y), acc, f1, auc, float(np.mean(labels == 1)),
                   float(np.mean(flags)))


def _score(model: SentimentModel, texts: list[str]
           ) -> tuple[list[SentimentScore], np.ndarray | None]:
    both = getattr(model, "score_with_stress_proba", None)
    if both is not None:
        scores, proba = both(texts)
        return scores, np.asarray(proba)
    return model.score(texts), None


def format_table(results: dict[str, list[EvalRow]]) -> str:
    """A plain-text table: one line per model and set."""
    width = max([14, *(len(name) for name in results)])
    head = (f"{'model':<{width}} {'dataset':<20} {'task':<9} {'rows':>6} {'accuracy':>8} "
            f"{'macro-F1':>8} {'ROC-AUC':>7} {'neutral%':>8} {'stress%':>7}")
    lines = [head, "-" * len(head)]
    for name, rows in results.items():
        for r in rows:
            lines.append(f"{name:<{width}} {r.dataset:<20} {r.task:<9} {r.rows:>6} {r.accuracy:>8.3f} "
                         f"{r.macro_f1:>8.3f} {r.roc_auc:>7.3f} {100 * r.neutral_share:>8.1f} "
                         f"{100 * r.stress_share:>7.1f}")
    return "\n".join(lines)
