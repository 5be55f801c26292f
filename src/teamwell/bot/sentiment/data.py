"""Readers for the labelled development data in `../shared/data` (see its README), and the splits.

The files are read where they lie and never copied. Sentiment labels are 0 negative, 1 neutral,
2 positive (binary sets use 0 and 2); stress labels are 0 / 1. Splits are fixed by a hash of the
text or by employer, so they do not depend on the training seed and never move.
"""

from __future__ import annotations

import csv
import re
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

SENTIMENT, STRESS = "sentiment", "stress"
# Employers whose reviews are kept out of training, one per industry in the file.
HELD_OUT_EMPLOYERS = ("Deloitte", "HSBC", "Oracle")
# Answers that say nothing: "nothing", "none", "NA", "no comments", "nothing as such", ...
_EMPTY_ANSWER = re.compile(
    r"^\W*(?:nothing|none|nil|na|n/a|no|yes|ok|okay|not applicable|no comments?|no dislikes?|"
    r"no cons|nope|all good|everything|good|nothing much|nothing to say|nothing specific|"
    r"nothing as such|nothing in particular|nothing as of now|nothing so far|not really|"
    r"no such thing|none so far|can'?t say|nothing to dislike|nothing i dislike|nothing bad)"
    r"\W*$")


class DataMissing(Exception):
    """The evaluation data is not where it was looked for; the message names the path."""


@dataclass(frozen=True)
class LabelledSet:
    """Texts with labels, for one task, from one origin."""

    name: str
    task: str
    texts: list[str]
    labels: np.ndarray

    def subset(self, keep: np.ndarray, name: str) -> LabelledSet:
        """The rows where `keep` is true, under a new name."""
        idx = np.flatnonzero(keep)
        return LabelledSet(name, self.task, [self.texts[i] for i in idx], self.labels[idx])


def held_out(texts: list[str], one_in: int, salt: str = "") -> np.ndarray:
    """A fixed split: true for about one text in `one_in`, by a hash of the salt and the text.

    Splits of the same texts need different salts to be independent: without one, a tenth
    (crc % 10 == 0) would lie wholly inside a fifth (crc % 5 == 0).
    """
    return np.array([zlib.crc32((salt + t).encode("utf-8")) % one_in == 0 for t in texts],
                    dtype=bool)


def _need(path: Path) -> Path:
    if not path.is_file():
        raise DataMissing(f"evaluation data not found: {path} (see ../shared/data/README.md)")
    return path


def read_sst2(data_dir: Path, part: str) -> LabelledSet:
    """SST-2 movie review sentences (`train` or `dev`): 0 negative, 1 positive -> 0 / 2."""
    path = _need(data_dir / "general" / f"sst2_{part}.tsv")
    texts, labels = [], []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) == 2 and row[1] in ("0", "1"):
                texts.append(row[0])
                labels.append(2 * int(row[1]))
    return LabelledSet(f"sst2_{part}", SENTIMENT, texts, np.array(labels))


def read_tweeteval(data_dir: Path) -> LabelledSet:
    """TweetEval sentiment validation tweets: 0 negative, 1 neutral, 2 positive."""
    general = data_dir / "general"
    texts = _need(general / "tweeteval_val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = _need(general / "tweeteval_val_labels.txt").read_text(encoding="utf-8").split()
    if len(texts) != len(labels):
        raise DataMissing(f"{general}: {len(texts)} tweets but {len(labels)} labels")
    return LabelledSet("tweeteval", SENTIMENT, [t.strip() for t in texts],
                       np.array([int(v) for v in labels]))


def read_opinion_ext(data_dir: Path) -> tuple[LabelledSet, list[str]]:
    """Employee review pros (positive) and cons (negative), and the employer of each row.

    Dropped: answers that say nothing ("nothing", "none", "NA", "good", ...), texts under three words (a bare "salary" or "work life balance" appears as
    pros and as cons alike), texts given as both pros and cons, and repeats (a text seen
    before, often a template pasted many times) so a text never sits on both sides of a split.
    """
    path = _need(data_dir / "workplace" / "employees_opinion_ext.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    likes = {r["like"].strip().lower() for r in rows}
    dislikes = {r["dislike"].strip().lower() for r in rows}
    seen: set[str] = set()
    texts, labels, employers = [], [], []
    for row in rows:
        for column, label in (("like", 2), ("dislike", 0)):
            text = " ".join(row[column].split())
            key = text.lower()
            if _EMPTY_ANSWER.match(key) or len(key.split()) < 3 or (key in likes and key in dislikes) or key in seen:
                continue
            seen.add(key)
            texts.append(text)
            labels.append(label)
            employers.append(row["company"])
    return LabelledSet("workplace_ext", SENTIMENT, texts, np.array(labels)), employers


def read_opinion(data_dir: Path) -> LabelledSet:
    """149 employee comments labelled positive or negative (-> 2 / 0)."""
    path = _need(data_dir / "workplace" / "employees_opinion.csv")
    with path.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    labelled = [(r["comment"].strip(), r["assessment"].strip().lower()) for r in rows]
    labelled = [(t, a) for t, a in labelled if t and a in ("positive", "negative")]
    return LabelledSet("employees_opinion", SENTIMENT, [t for t, _ in labelled],
                       np.array([2 if a == "positive" else 0 for _, a in labelled]))


def read_sad(data_dir: Path) -> LabelledSet:
    """SAD sentences: 1 when a stressor whose majority label is Work, else 0 (other stressors
    and sentences that are not stressors)."""
    path = _need(data_dir / "stress" / "SAD_v1.csv")
    with path.open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if len(r["sentence"].strip()) > 1]
    return LabelledSet("sad", STRESS, [r["sentence"].strip() for r in rows],
                       np.array([int(r["is_stressor"] == "1" and r["top_label"] == "Work")
                                 for r in rows]))


def evaluation_sets(data_dir: Path) -> list[LabelledSet]:
    """The held-out sets: none of their rows is ever used for training."""
    ext, employers = read_opinion_ext(data_dir)
    tweets, sad = read_tweeteval(data_dir), read_sad(data_dir)
    return [
        read_sst2(data_dir, "dev"),
        ext.subset(np.isin(employers, HELD_OUT_EMPLOYERS), "workplace_heldout"),
        read_opinion(data_dir),
        tweets.subset(held_out(tweets.texts, 2), "tweeteval_heldout"),
        sad.subset(held_out(sad.texts, 5), "sad_heldout"),
    ]


def training_sets(data_dir: Path) -> list[LabelledSet]:
    """What training may use: the complement of `evaluation_sets`."""
    ext, employers = read_opinion_ext(data_dir)
    tweets, sad = read_tweeteval(data_dir), read_sad(data_dir)
    return [
        read_sst2(data_dir, "train"),
        ext.subset(~np.isin(employers, HELD_OUT_EMPLOYERS), "workplace_train"),
        tweets.subset(~held_out(tweets.texts, 2), "tweeteval_train"),
        sad.subset(~held_out(sad.texts, 5), "sad_train"),
    ]
