"""Accuracy, macro-F1 and ROC-AUC in numpy (no scikit-learn in the dependencies)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The share of rows predicted right."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return float(np.mean(y_true == y_pred)) if len(y_true) else float("nan")


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[int] | None = None
             ) -> float:
    """Unweighted mean of per-class F1 over `labels` (default: every label seen in either).

    A prediction outside `labels` (say "neutral" on a positive/negative set) is a miss for its
    row's class and counts for no class.
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    classes = sorted(set(y_true.tolist()) | set(y_pred.tolist())) if labels is None else labels
    scores = []
    for c in classes:
        tp = float(np.sum((y_true == c) & (y_pred == c)))
        predicted, actual = float(np.sum(y_pred == c)), float(np.sum(y_true == c))
        scores.append(0.0 if tp == 0 else 2 * tp / (predicted + actual))
    return float(np.mean(scores)) if scores else float("nan")


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """Binary ROC-AUC by the rank statistic (Mann-Whitney U); ties count one half.

    `y_true` holds 1 for the positive class and 0 otherwise; NaN if either class is missing.
    """
    y_true = np.asarray(y_true).astype(bool)
    n_pos, n_neg = int(y_true.sum()), int((~y_true).sum())
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    ranks = _average_ranks(np.asarray(scores, dtype=np.float64))
    u = float(ranks[y_true].sum()) - n_pos * (n_pos + 1) / 2
    return u / (n_pos * n_neg)


def _average_ranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, tied values sharing the mean of their ranks."""
    order = np.argsort(values, kind="mergesort")
    sorted_values = values[order]
    # Start of each run of equal values, and the run each sorted position belongs to.
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    ends = np.r_[starts[1:], len(values)]
    run_rank = (starts + 1 + ends) / 2  # mean of ranks starts+1 .. ends
    ranks = np.empty(len(values))
    ranks[order] = np.repeat(run_rank, ends - starts)
    return ranks
