"""`teamwell model train|eval` and `teamwell sentiment score`: the comment sentiment model.

Importing this module (to register the parsers) imports no numpy, torch or transformers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TextIO

from teamwell.bot.sentiment.factory import SETTING, SentimentModelError, load_sentiment_model
from teamwell.core.sentiment import Label, SentimentModel, SentimentScore

NEUTRAL = SentimentScore(0.0, Label.NEUTRAL, False)
DEFAULT_DATA = Path("..") / "shared" / "data"


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell model ...` and `teamwell sentiment ...`."""
    model = sub.add_parser("model", help="the comment sentiment model").add_subparsers(
        dest="model_cmd", required=True)
    train = model.add_parser("train", help="fit the classifier head on the labelled data")
    train.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    train.add_argument("--out", help="where to write the head (default: the packaged head.json)")
    ev = model.add_parser("eval", help="accuracy, macro-F1 and ROC-AUC on the held-out sets")
    ev.add_argument("--model", action="append", metavar="MODEL",
                    help="default, lexicon, or a Hugging Face model name or path; repeatable "
                         "(default: default and lexicon)")
    ev.add_argument("--head", help="a head file for the default model (default: the packaged one)")
    for cmd in (train, ev):
        cmd.add_argument("--data", help=f"the labelled data directory (default: {DEFAULT_DATA})")

    sentiment_cmds = sub.add_parser("sentiment", help="score comments").add_subparsers(
        dest="sentiment_cmd", required=True)
    score = sentiment_cmds.add_parser(
        "score", help="read one text per line on stdin, write one JSON object per line")
    score.add_argument("--model", help=f"as {SETTING} (default: that setting, else 'default')")
    score.add_argument("--batch-size", type=_positive, default=64,
                       help="lines scored together; output for a line appears once its batch is "
                            "full or input ends (1 answers each line at once)")


def model(args: argparse.Namespace) -> int:
    """`teamwell model train|eval`."""
    from teamwell.bot.sentiment.data import DataMissing  # numpy: not for every `teamwell` run

    try:
        data = _data_dir(args.data)
        if args.model_cmd == "train":
            return _train(data, args.seed, Path(args.out) if args.out else None)
        return _eval(data, args.model or ["default", "lexicon"],
                     Path(args.head) if args.head else None)
    except (DataMissing, SentimentModelError) as exc:
        print(f"teamwell: {exc}", file=sys.stderr)
        return 2


def sentiment(args: argparse.Namespace, stdin: TextIO | None = None,
              stdout: TextIO | None = None) -> int:
    """`teamwell sentiment score`: stdin lines -> JSON lines, in batches, streaming."""
    # --model, else the settings `teamwell` loaded (environment and .env), else the environment.
    settings = getattr(args, "settings", None)
    choice = (args.model or getattr(settings, "sentiment_model", None)
              or os.environ.get(SETTING, "default"))
    try:
        scorer = load_sentiment_model({SETTING: choice})
    except SentimentModelError as exc:
        print(f"teamwell: {exc}", file=sys.stderr)
        return 2
    score_lines(scorer, stdin or _utf8(sys.stdin), stdout or _utf8(sys.stdout), args.batch_size)
    return 0


def score_lines(scorer: SentimentModel, lines: Iterable[str], out: TextIO, batch_size: int) -> int:
    """Write one JSON score per input line (blank lines score neutral); returns the count."""
    batch: list[str] = []
    written = 0
    for line in lines:
        batch.append(line.rstrip("\r\n"))
        if len(batch) >= batch_size:
            written += _write_batch(scorer, batch, out)
            batch = []
    if batch:
        written += _write_batch(scorer, batch, out)
    return written


def _write_batch(scorer: SentimentModel, batch: list[str], out: TextIO) -> int:
    texts = [t for t in batch if t.strip()]
    scored = iter(scorer.score(texts) if texts else [])
    for text in batch:
        result = next(scored) if text.strip() else NEUTRAL
        out.write(json.dumps(result.as_dict()) + "\n")
    out.flush()  # a reader of the pipe gets each batch as soon as it is scored
    return len(batch)


def _train(data: Path, seed: int, out: Path | None) -> int:
    from teamwell.bot.sentiment.evaluate import evaluate, format_table
    from teamwell.bot.sentiment.head import packaged_head_path
    from teamwell.bot.sentiment.train import train

    head = train(data, seed)
    path = out or packaged_head_path()
    head.save(path)
    print(f"wrote {path} (seed {seed}, stress threshold {head.stress_threshold:g})")
    trained = load_sentiment_model({SETTING: "default"}, head=path)
    print(format_table({trained.name: evaluate(trained, data)}))
    return 0


def _eval(data: Path, names: list[str], head: Path | None) -> int:
    from teamwell.bot.sentiment.data import evaluation_sets
    from teamwell.bot.sentiment.evaluate import evaluate, format_table

    sets = evaluation_sets(data)
    results = {}
    for name in names:
        scorer = load_sentiment_model({SETTING: name}, head=head)
        results[scorer.name] = evaluate(scorer, data, sets)
    print(format_table(results))
    return 0


def _data_dir(given: str | None) -> Path:
    from teamwell.bot.sentiment.data import DataMissing

    path = Path(given) if given else DEFAULT_DATA
    if not path.is_dir():
        raise DataMissing(f"no labelled data at {path.resolve()} (pass --data DIR; "
                          "see ../shared/data/README.md)")
    return path


def _utf8(stream: TextIO) -> TextIO:
    reconfigure = getattr(stream, "reconfigure", None)
    if reconfigure is not None:
        reconfigure(encoding="utf-8", errors="replace")
    return stream


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from exc
    if number < 1:
        raise argparse.ArgumentTypeError(f"{number} is not at least 1")
    return number
