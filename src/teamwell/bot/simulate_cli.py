"""`teamwell simulate`: a simulated organisation with planted burnout episodes, and --evaluate.

Needs no database and no Slack: everything is generated in memory from --seed. Comments are
scored with the lexicon sentiment model (falling back to a small keyword scorer when that model
cannot be loaded), so the evaluation includes a real model's mistakes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from teamwell.core.anonymity import DEFAULT_MIN_GROUP_SIZE, reporting_minimum
from teamwell.core.burnout_eval import BIG_EPISODE, Evaluation, evaluate, pooled
from teamwell.core.burnout_sim import FIRST_START, LAST_START_GAP, SimConfig, Simulation
from teamwell.core.burnout_sim import simulate as generate
from teamwell.core.pulse_rotation import check_per_round
from teamwell.core.sentiment import SentimentModel, SentimentScore, label_for
from teamwell.surveys.pulse_bank import load_bank

# The targets, printed next to the results.
TARGETS = {"recall": 0.9, "false_alarms_per_100_team_weeks": 2.0, "median_weeks_to_detect": 2.0}
MAX_TEAMS, MAX_WEEKS, MAX_SEEDS = 5000, 260, 100


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `teamwell simulate`."""
    p = sub.add_parser("simulate", help="simulated pulse answers with planted burnout episodes; "
                                        "--evaluate scores the burnout signal on them")
    p.add_argument("--teams", type=int, default=200, help="teams to simulate (default 200)")
    p.add_argument("--weeks", type=int, default=26, help="weeks to simulate (default 26)")
    p.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    p.add_argument("--seeds", type=int, default=1, metavar="K",
                   help="with --evaluate: run seeds S..S+K-1 and pool the results")
    p.add_argument("--out", metavar="FILE.jsonl", help="write answers and comments as JSON lines")
    p.add_argument("--evaluate", action="store_true",
                   help="run the burnout signal week by week and score it")
    p.add_argument("--json", action="store_true", help="with --evaluate: one JSON object")
    p.add_argument("--minimum", type=int, help="reporting minimum (default: the configured one)")
    p.add_argument("--questions", type=int, help="questions per round, 3 or 4, the weekly "
                                                 "exhaustion question included "
                                                 "(default: TEAMWELL_PULSE_QUESTIONS or 4)")


class KeywordModel:
    """A tiny stand-in when no sentiment model loads: a few words for stress and mood."""

    name = "keywords"
    _stress = re.compile(r"\b(exhaust\w*|overwhelm\w*|burn\w* out|burnout|understaffed|"
                         r"pressure|late|long hours|on call|unmanageable|deadlines|stretched)\b")
    _bad = re.compile(r"\b(frustrat\w*|poor|disappoint\w*|annoy\w*|nobody|not heard|slipped)\b")
    _good = re.compile(r"\b(great|loved|thanks|good|well|enjoyed|happy|nice|proud)\b")

    def score(self, texts: Sequence[str]) -> list[SentimentScore]:
        """One score per text from keyword counts."""
        out = []
        for text in texts:
            low = text.lower()
            stress = bool(self._stress.search(low))
            bad = len(self._bad.findall(low)) + stress
            value = max(-1.0, min(1.0, 0.5 * (len(self._good.findall(low)) - bad)))
            out.append(SentimentScore(value, label_for(value), stress))
        return out


def sentiment_model() -> SentimentModel:
    """The lexicon model (VADER), or KeywordModel when it cannot be loaded."""
    try:
        # Imported here: the sentiment package is optional for everything else this CLI does.
        from teamwell.bot.sentiment import load_sentiment_model

        return load_sentiment_model({"TEAMWELL_SENTIMENT_MODEL": "lexicon"})
    except Exception:  # noqa: BLE001 - e.g. vaderSentiment missing: any failure falls back
        return KeywordModel()


def simulate(args: argparse.Namespace) -> int:
    """`teamwell simulate`: summary (and --out), or --evaluate."""
    settings = getattr(args, "settings", None)
    pulse = getattr(settings, "pulse", None)
    minimum = args.minimum if args.minimum is not None else getattr(
        pulse, "min_group_size", DEFAULT_MIN_GROUP_SIZE)
    per_round = args.questions if args.questions is not None else getattr(
        getattr(pulse, "schedule", None), "per_round", 4)
    problem = _check(args, minimum, per_round)
    if problem:
        print(f"teamwell simulate: {problem}", file=sys.stderr)
        return 2
    bank = load_bank()
    config = SimConfig(teams=args.teams, weeks=args.weeks, seed=args.seed, per_round=per_round)
    if not args.evaluate:
        sim = generate(config, bank)
        print("\n".join(_summary(sim)))
        if args.out:
            rows = _write(sim, Path(args.out))
            print(f"Wrote {rows} lines to {args.out}.")
        return 0
    model = sentiment_model()
    runs = [evaluate(generate(SimConfig(args.teams, args.weeks, seed, per_round), bank), model,
                     minimum) for seed in range(args.seed, args.seed + args.seeds)]
    result = runs[0].as_dict() if len(runs) == 1 else pooled(runs)
    extra: dict[str, Any] = {"teams": args.teams, "weeks": args.weeks, "seed": args.seed,
                             "seeds": args.seeds, "minimum": minimum, "questions": per_round,
                             "sentiment_model": getattr(model, "name", "?"),
                             "targets": TARGETS, "targets_met": _met(result)}
    if len(runs) > 1:
        extra["per_seed"] = [{"seed": args.seed + i, **r.as_dict()} for i, r in enumerate(runs)]
    if args.json:
        print(json.dumps({**result, **extra}, sort_keys=False))
    else:
        print("\n".join(_report(result, runs, extra)))
    return 0


def _check(args: argparse.Namespace, minimum: int, per_round: int) -> str:
    if not 1 <= args.teams <= MAX_TEAMS:
        return f"--teams must be 1 to {MAX_TEAMS}"
    if not FIRST_START + LAST_START_GAP <= args.weeks <= MAX_WEEKS:
        return f"--weeks must be {FIRST_START + LAST_START_GAP} to {MAX_WEEKS}"
    if not 1 <= args.seeds <= MAX_SEEDS:
        return f"--seeds must be 1 to {MAX_SEEDS}"
    if args.json and not args.evaluate:
        return "--json goes with --evaluate"
    try:
        reporting_minimum(minimum)
        check_per_round(per_round)
    except ValueError as exc:
        return str(exc)
    return ""


def _met(result: dict[str, Any]) -> dict[str, bool]:
    recall, fa, median = (result.get(k) for k in TARGETS)
    return {"recall": recall is not None and recall >= TARGETS["recall"],
            "false_alarms_per_100_team_weeks": fa is not None
            and fa <= TARGETS["false_alarms_per_100_team_weeks"],
            "median_weeks_to_detect": median is not None
            and median <= TARGETS["median_weeks_to_detect"]}


def _summary(sim: Simulation) -> list[str]:
    sizes = [len(t.people) for t in sim.teams]
    invited = sum(sim.invited.values())
    answered = sum(sim.respondents.values())
    big = [e for e in sim.episodes if e.size >= BIG_EPISODE]
    kinds = Counter(c[3] for c in sim.comments)
    lines = [
        f"Simulated {len(sim.teams)} teams, {sum(sizes)} people (team sizes {min(sizes)}-"
        f"{max(sizes)}, median {sorted(sizes)[len(sizes) // 2]}), {len(sim.weeks)} weeks from "
        f"{sim.weeks[0]:%Y-%m-%d}, seed {sim.config.seed}.",
        f"{len(sim.answers)} answers; participation {answered / invited:.0%} of invitations.",
        f"{len(sim.comments)} comments (planted: "
        + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ").",
        f"{len(sim.episodes)} burnout episodes planted: {len(big)} of at least {BIG_EPISODE} "
        f"points of exhaustion, {len(sim.episodes) - len(big)} smaller.",
    ]
    for e in sim.episodes[:10]:
        lines.append(f"  {e.team_id}: from {sim.weeks[e.start]:%Y-%m-%d} for {e.duration} weeks, "
                     f"exhaustion +{e.size:.2f}")
    if len(sim.episodes) > 10:
        lines.append(f"  ... and {len(sim.episodes) - 10} more (--out writes them all)")
    return lines


def _write(sim: Simulation, path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as out:
        def put(row: dict[str, Any]) -> None:
            nonlocal count
            out.write(json.dumps(row) + "\n")
            count += 1
        for e in sim.episodes:
            put({"kind": "episode", "team": e.team_id, "start": f"{sim.weeks[e.start]}",
                 "weeks": e.duration, "exhaustion_shift": round(e.size, 3),
                 "workload_coupling": round(e.workload, 3),
                 "wellbeing_coupling": round(e.wellbeing, 3)})
        for (team, week), invited in sorted(sim.invited.items()):
            put({"kind": "week", "team": team, "week": f"{sim.weeks[week]}", "invited": invited,
                 "respondents": sim.respondents[team, week]})
        for team, person, week, question, dim, value in sim.answers:
            put({"kind": "answer", "team": team, "person": person, "week": f"{sim.weeks[week]}",
                 "question": question, "dimension": dim, "value": value})
        for team, person, week, planted, body in sim.comments:
            put({"kind": "comment", "team": team, "person": person, "week": f"{sim.weeks[week]}",
                 "planted": planted, "text": body})
    return count


def _report(result: dict[str, Any], runs: Sequence[Evaluation], extra: dict[str, Any]
            ) -> list[str]:
    seeds = (f"seed {extra['seed']}" if len(runs) == 1
             else f"seeds {extra['seed']}-{extra['seed'] + len(runs) - 1}, pooled")
    met = extra["targets_met"]

    def mark(key: str) -> str:
        return "meets" if met[key] else "MISSES"

    recall, fa, median = (result[k] for k in TARGETS)
    return [
        f"Burnout signal on {extra['teams']} teams x {extra['weeks']} weeks ({seeds}; "
        f"minimum {extra['minimum']}, {extra['questions']} questions a week, comments scored "
        f"by {extra['sentiment_model']}):",
        f"  recall (episodes >= {BIG_EPISODE} points): "
        + ("-" if recall is None else f"{recall:.3f}")
        + f" ({result['detected']} of {result['big_episodes']})  target >= 0.9: {mark('recall')}",
        f"  false alarms per 100 team-weeks: {fa:.2f} ({result['false_alarm_weeks']} of "
        f"{result['quiet_team_weeks']} quiet team-weeks)  target <= 2: "
        f"{mark('false_alarms_per_100_team_weeks')}",
        "  median weeks to detect: " + ("-" if median is None else f"{median:g}")
        + f"  target <= 2: {mark('median_weeks_to_detect')}",
        "Definitions and assumptions: docs/burnout.md.",
    ]
