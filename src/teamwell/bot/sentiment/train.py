"""Training the head: embed the training texts with the encoder, fit two logistic regressions.

Nothing in `data.evaluation_sets` is used here. See docs/model-card.md for the choices.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np

from teamwell.bot.sentiment.data import held_out, training_sets
from teamwell.bot.sentiment.encoder import ENCODER_NAME, MiniLMEncoder
from teamwell.bot.sentiment.fit import fit_softmax, softmax
from teamwell.bot.sentiment.head import CLASSES, Head
from teamwell.bot.sentiment.metrics import macro_f1
from teamwell.bot.sentiment.stress import speaks_of_work_stress

Embed = Callable[[Sequence[str]], np.ndarray]
L2_GRID = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2)
# The validation tenth of the training rows has a salt of its own: the evaluation splits are
# unsalted hashes, and an unsalted tenth would hold no SAD and no TweetEval training row.
VALIDATION_SALT = "validation:"
# Each origin weighs the same in total, whatever its size, so the 12,500 workplace reviews do not
# drown the rest; our own sentences (the only workplace text with a neutral class) weigh as much.
SOURCE_WEIGHT = {"sst2_train": 1.0, "workplace_train": 1.0, "tweeteval_train": 1.0, "own": 1.0}
# Text that is not work stress, drawn at random: workplace pros and cons, positive movie sentences.
STRESS_NEGATIVES = {("workplace_train", 2): 3000, ("workplace_train", 0): 2000, ("sst2_train", 2): 1000}
OWN_STRESS_WEIGHT = 3.0


@dataclass(frozen=True)
class Task:
    """Texts, labels and sample weights for one regression."""

    texts: list[str]
    labels: np.ndarray
    weights: np.ndarray
    counts: dict[str, int]


def own_sentences() -> tuple[list[str], np.ndarray, np.ndarray]:
    """Our hand-written workplace comments: texts, sentiment labels (0-2), stress labels (0/1)."""
    path = resources.files("teamwell.bot.sentiment") / "work_feedback.tsv"
    texts, labels, stress = [], [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            label, flag, text = line.split("\t")
            texts.append(text.strip())
            labels.append(CLASSES.index(label))
            stress.append(int(flag))
    return texts, np.array(labels), np.array(stress)


def training_tasks(data_dir: Path, seed: int) -> tuple[Task, Task]:
    """The sentiment and the stress training data (the seed picks the stress negatives)."""
    rng = np.random.default_rng(seed)
    sets = {s.name: s for s in training_sets(data_dir)}
    own_texts, own_labels, own_stress = own_sentences()
    sentiment = [(name, sets[name].texts, sets[name].labels)
                 for name in ("sst2_train", "workplace_train", "tweeteval_train")]
    sentiment.append(("own", own_texts, own_labels))
    # Stress: SAD (work stressors against other stressors and non-stressors) says little about
    # work text that is not stress, so workplace pros and cons join it as negatives: without
    # them the head flags any sentence about work ("low pay hikes", "best place to work").
    # Texts the keyword rule flags are left out of them ("good pay but too much pressure").
    stress = [("sad_train", sets["sad_train"].texts, sets["sad_train"].labels),
              ("own", own_texts, own_stress)]
    for (name, label), count in STRESS_NEGATIVES.items():
        pool = [t for t, y in zip(sets[name].texts, sets[name].labels, strict=True)
                if y == label and not speaks_of_work_stress(t)]
        picked = sorted(rng.choice(len(pool), size=min(count, len(pool)), replace=False))
        stress.append((f"{name}_{CLASSES[label]}", [pool[i] for i in picked],
                       np.zeros(len(picked), dtype=int)))
    return (_task(sentiment, 3, total=SOURCE_WEIGHT),
            _task(stress, 2, per_row={"own": OWN_STRESS_WEIGHT}))


def _task(parts: list[tuple[str, list[str], np.ndarray]], n_classes: int, *,
          total: dict[str, float] | None = None, per_row: dict[str, float] | None = None) -> Task:
    """All parts' rows, each part weighing `total[part]` in all, or `per_row[part]` (1) a row."""
    texts = [t for _, ts, _ in parts for t in ts]
    labels = np.concatenate([y for _, _, y in parts]).astype(int)
    if total is not None:
        weights = np.concatenate([np.full(len(ts), total[n] / len(ts)) for n, ts, _ in parts])
    else:
        weights = np.concatenate([np.full(len(ts), (per_row or {}).get(n, 1.0))
                                  for n, ts, _ in parts])
    # Then every class weighs the same in total (neutral is rare outside tweets and our own).
    class_total = np.bincount(labels, weights=weights, minlength=n_classes)
    weights = weights / class_total[labels] * weights.sum() / n_classes
    return Task(texts, labels, weights, {n: len(ts) for n, ts, _ in parts})


def _choose_l2(x: np.ndarray, task: Task, n_classes: int
               ) -> tuple[float, dict[str, float], np.ndarray]:
    """The L2 strength with the lowest weighted log-loss on a fixed tenth of the training rows,
    every strength's loss, and the chosen fit's probabilities on that tenth."""
    val = held_out(task.texts, 10, VALIDATION_SALT)
    losses, probas = {}, {}
    for l2 in L2_GRID:
        w, b = fit_softmax(x[~val], task.labels[~val], n_classes, l2, task.weights[~val])
        probas[l2] = softmax(x[val] @ w.T + b)
        picked = probas[l2][np.arange(int(val.sum())), task.labels[val]]
        losses[f"{l2:g}"] = float(-np.average(np.log(np.maximum(picked, 1e-12)),
                                              weights=task.weights[val]))
    best = min(L2_GRID, key=lambda v: losses[f"{v:g}"])
    return best, losses, probas[best]


def _choose_threshold(labels: np.ndarray, p_stress: np.ndarray) -> float:
    """The stress threshold with the best macro-F1 on the validation tenth (rows unweighted:
    class-balanced training pushes P(stress) up, and real comments are mostly not stress)."""
    grid = np.round(np.arange(0.3, 0.91, 0.05), 2)
    f1 = [macro_f1(labels, (p_stress >= t).astype(int), [0, 1]) for t in grid]
    return float(grid[int(np.argmax(f1))])


def train(data_dir: Path, seed: int = 0, embed: Embed | None = None) -> Head:
    """Fit the sentiment (384 -> 3) and stress (384 -> 1) head on the training data."""
    if embed is None:
        embed = MiniLMEncoder().embed
    sentiment, stress = training_tasks(data_dir, seed)
    unique = sorted({*sentiment.texts, *stress.texts})  # both tasks share many texts
    row = {t: i for i, t in enumerate(unique)}
    embedded = np.asarray(embed(unique), dtype=np.float64)
    fitted = []
    for task, k in ((sentiment, 3), (stress, 2)):
        x = embedded[[row[t] for t in task.texts]]
        l2, losses, val_proba = _choose_l2(x, task, k)
        w, b = fit_softmax(x, task.labels, k, l2, task.weights)
        fitted.append((w, b, l2, losses, val_proba))
    (sw, sb, s_l2, s_losses, _), (tw, tb, t_l2, t_losses, t_val) = fitted
    val = held_out(stress.texts, 10, VALIDATION_SALT)
    threshold = _choose_threshold(stress.labels[val], t_val[:, 1])
    info = {
        "encoder": ENCODER_NAME, "seed": seed, "optimiser": "L-BFGS (numpy), weighted cross-entropy",
        "validation": f"a fixed tenth of the training rows (crc32 of {VALIDATION_SALT!r} + text), "
                      "for l2 and the stress threshold",
        "sentiment": {"rows": sentiment.counts, "l2": s_l2, "validation_log_loss": s_losses,
                      "source_weight": SOURCE_WEIGHT},
        "stress": {"rows": stress.counts, "l2": t_l2, "validation_log_loss": t_losses,
                   "row_weight": {"own": OWN_STRESS_WEIGHT}, "threshold": threshold},
    }
    # Two-class softmax -> one logistic unit: P(stress) = sigmoid((w1 - w0) x + (b1 - b0)).
    return Head(sw.astype(np.float32), sb.astype(np.float32), (tw[1] - tw[0]).astype(np.float32),
                float(tb[1] - tb[0]), threshold, info)
