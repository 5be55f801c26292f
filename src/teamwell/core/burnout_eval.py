"""Run the burnout signal over a simulated organisation, week by week, and score it.

The detector gets exactly what it gets in production: per team the weekly aggregates of the
HISTORY_WEEKS up to the week assessed (never later weeks, never the planted truth) and the
organisation's weekly means. Definitions of every metric: docs/burnout.md, "Evaluation".
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from teamwell.core.anonymity import DEFAULT_MIN_GROUP_SIZE
from teamwell.core.burnout import (
    HISTORY_WEEKS,
    BurnoutSignal,
    DimStat,
    Level,
    TeamWeek,
    aggregate,
    assess,
    dim_stat,
)
from teamwell.core.burnout_sim import Simulation
from teamwell.core.sentiment import SentimentModel, SentimentScore

BIG_EPISODE = 0.5  # episodes moving exhaustion by at least this count toward recall
ALARM = (Level.WATCH, Level.HIGH)  # what counts as an alarm: anything the digest flags


@dataclass(frozen=True, slots=True)
class Evaluation:
    """The detector's record on one simulated organisation."""

    recall: float | None  # big episodes with an alarm within them / big assessable episodes
    false_alarms_per_100_team_weeks: float  # alarm team-weeks with no planted shift, per 100
    median_weeks_to_detect: float | None  # first alarm week - start week (0 = start week)
    big_episodes: int
    detected: int
    big_never_assessed: int  # big episodes in teams below the minimum throughout
    small_episodes: int
    small_detected: int
    quiet_team_weeks: int  # assessed team-weeks with no planted shift
    false_alarm_weeks: int
    false_alarm_runs_per_100_team_weeks: float  # alarms that begin on a quiet week, per 100
    high_recall: float | None  # the same, counting only level high as an alarm
    high_false_alarms_per_100_team_weeks: float
    delays: tuple[int, ...] = ()  # weeks to detection of every detected big episode

    def as_dict(self) -> dict[str, float | int | None]:
        """The metrics as one JSON-ready object (rates rounded to 4 places; no delays list)."""
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()
                if k != "delays"}


def pooled(runs: Sequence[Evaluation]) -> dict[str, float | int | None]:
    """Several runs' metrics pooled over their episodes and team-weeks (not averaged)."""
    big = sum(r.big_episodes for r in runs)
    quiet = sum(r.quiet_team_weeks for r in runs)
    delays = [d for r in runs for d in r.delays]
    detected = sum(r.detected for r in runs)
    false_weeks = sum(r.false_alarm_weeks for r in runs)
    return {"recall": round(detected / big, 4) if big else None,
            "false_alarms_per_100_team_weeks": round(100 * false_weeks / quiet, 4) if quiet
            else 0.0,
            "median_weeks_to_detect": float(statistics.median(delays)) if delays else None,
            "big_episodes": big, "detected": detected, "quiet_team_weeks": quiet,
            "false_alarm_weeks": false_weeks}


def score_texts(texts: Iterable[str], model: SentimentModel) -> dict[str, SentimentScore]:
    """Each distinct text scored once (simulated comments repeat their templates)."""
    distinct = sorted(set(texts))
    return dict(zip(distinct, model.score(distinct), strict=True)) if distinct else {}


def team_weeks(sim: Simulation, scores: Mapping[str, SentimentScore], minimum: int
               ) -> tuple[dict[str, list[TeamWeek]], dict[date, dict[str, DimStat]]]:
    """The simulated answers aggregated exactly as production aggregates them."""
    counts: dict[tuple[str, int], dict[str, Counter[int]]] = defaultdict(
        lambda: defaultdict(Counter))
    org_counts: dict[int, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for team_id, _, week, _, dim, value in sim.answers:
        counts[team_id, week][dim][value] += 1
        org_counts[week][dim][value] += 1
    moods: dict[tuple[str, int], list[tuple[str, bool]]] = defaultdict(list)
    for team_id, _, week, _, body in sim.comments:
        score = scores[body]
        moods[team_id, week].append((score.label.value, score.stress))
    by_team = {
        team.id: [aggregate(day, sim.invited[team.id, k], sim.respondents[team.id, k],
                            {d: c.items() for d, c in counts[team.id, k].items()},
                            moods[team.id, k], minimum)
                  for k, day in enumerate(sim.weeks)]
        for team in sim.teams}
    org = {day: {d: stat for d, c in org_counts[k].items()
                 if (stat := dim_stat(c.items())) is not None}
           for k, day in enumerate(sim.weeks)}
    return by_team, org


def detect(by_team: Mapping[str, Sequence[TeamWeek]], org: Mapping[date, Mapping[str, DimStat]],
           minimum: int) -> dict[str, list[BurnoutSignal | None]]:
    """Every team's signal for every week, each from the weeks up to then only."""
    return {team_id: [assess(team_id, weeks[max(0, k + 1 - HISTORY_WEEKS):k + 1], org, minimum)
                      for k in range(len(weeks))]
            for team_id, weeks in by_team.items()}


def evaluate(sim: Simulation, model: SentimentModel,
             minimum: int = DEFAULT_MIN_GROUP_SIZE) -> Evaluation:
    """Aggregate, detect week by week, and score against the planted episodes."""
    scores = score_texts((c[4] for c in sim.comments), model)
    by_team, org = team_weeks(sim, scores, minimum)
    return score(sim, detect(by_team, org, minimum))


def score(sim: Simulation, signals: Mapping[str, Sequence[BurnoutSignal | None]]
          ) -> Evaluation:
    """Recall, false alarms and delay of the signals against the planted truth."""
    shifted = {(e.team_id, week) for e in sim.episodes for week in range(e.start, e.end + 1)}
    found = _score(sim, signals, ALARM, shifted)
    high = _score(sim, signals, (Level.HIGH,), shifted)
    return Evaluation(found.recall, found.false_alarms_per_100_team_weeks,
                      found.median_weeks_to_detect, found.big_episodes, found.detected,
                      found.big_never_assessed, found.small_episodes, found.small_detected,
                      found.quiet_team_weeks, found.false_alarm_weeks,
                      found.false_alarm_runs_per_100_team_weeks, high.recall,
                      high.false_alarms_per_100_team_weeks, found.delays)


@dataclass(frozen=True, slots=True)
class _Scores:
    recall: float | None
    false_alarms_per_100_team_weeks: float
    median_weeks_to_detect: float | None
    big_episodes: int
    detected: int
    big_never_assessed: int
    small_episodes: int
    small_detected: int
    quiet_team_weeks: int
    false_alarm_weeks: int
    false_alarm_runs_per_100_team_weeks: float
    delays: tuple[int, ...]


def _score(sim: Simulation, signals: Mapping[str, Sequence[BurnoutSignal | None]],
           levels: Sequence[Level], shifted: set[tuple[str, int]]) -> _Scores:
    quiet = false_weeks = false_runs = 0
    for team_id, series in signals.items():
        previous = False
        for week, signal in enumerate(series):
            alarm = signal is not None and signal.level in levels
            if signal is not None and (team_id, week) not in shifted:
                quiet += 1
                false_weeks += alarm
                false_runs += alarm and not previous
            previous = alarm
    big = small = detected = small_detected = never = 0
    delays: list[int] = []
    for episode in sim.episodes:
        series = signals[episode.team_id]
        window = range(episode.start, min(episode.end, len(series) - 1) + 1)
        if all(series[k] is None for k in window):
            never += episode.size >= BIG_EPISODE
            continue
        first = next((k for k in window if (s := series[k]) is not None and s.level in levels),
                     None)
        if episode.size >= BIG_EPISODE:
            big += 1
            if first is not None:
                detected += 1
                delays.append(first - episode.start)
        else:
            small += 1
            small_detected += first is not None
    return _Scores(detected / big if big else None, 100 * false_weeks / quiet if quiet else 0.0,
                   float(statistics.median(delays)) if delays else None, big, detected, never,
                   small, small_detected, quiet, false_weeks,
                   100 * false_runs / quiet if quiet else 0.0, tuple(delays))
