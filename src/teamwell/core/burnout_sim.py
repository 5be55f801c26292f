"""A simulated organisation's pulse answers and comments, with planted burnout episodes.

Pure and deterministic for a seed (random.Random only). Everyone is asked the week's questions
from the real rotation and question bank; answers come from a latent score per person and
question (team, person, item and weekly parts, plus any episode's shift) rounded to the 1-5
scale. Every assumption and its value: docs/burnout.md, "The simulator".
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from teamwell.core.burnout_sim_text import NEGATIVE, NEUTRAL, POSITIVE, STRESSED, TEMPLATES
from teamwell.core.pulse_rotation import EPOCH, round_questions, week_index
from teamwell.surveys.pulse_bank import ENPS, Question, QuestionBank

# The organisation's usual mean per dimension on the 1-5 scale (exhaustion: higher = worse).
BASE_MEAN = {"energy": 2.8, "workload": 3.3, "wellbeing": 3.3}
OTHER_MEAN = 3.6
TEAM_SD = 0.25  # lasting team differences (team-level ICC ~0.07)
PERSON_SD = 0.65  # lasting differences between people
WEEKLY_SD = 0.55  # a person's week-to-week noise (test-retest ~0.55 with PERSON_SD)
ITEM_SD = 0.3  # how much questions of one dimension differ in how much people agree
ORG_WEEK_SD = 0.1  # weeks that move everyone (holidays, company news)
# A team's bad and good weeks: one shared strain shock per team-week, AR(1), raising exhaustion
# and lowering workload and wellbeing scores by half as much.
STRAIN_WEEK_SD, STRAIN_WEEK_AR = 0.15, 0.5
STRAIN_LOADS = {"energy": 1.0, "workload": -0.5, "wellbeing": -0.5}
SMALL_TEAM_SHARE = 0.1  # teams of 3-4 people, assessed only when the minimum allows
SIZE_LOW, SIZE_HIGH, SIZE_MODE = 5, 15, 8
PARTICIPATION = (0.70, 0.92)  # a team's usual participation, uniform
PERSON_PARTICIPATION_SD = 0.1
HOLIDAY_WEEK, HOLIDAY_FACTOR = 0.05, 0.65  # a team's holiday week: 35% fewer answers
COMMENT_RATE = (0.10, 0.35)  # a team's share of respondents who comment
STRESS_SHARE, NEGATIVE_SHARE, POSITIVE_SHARE = (0.05, 0.20), (0.08, 0.20), 0.35
# Episodes: about a third of teams have one, two thirds of them "big" (>= 0.5 points).
EPISODE_SHARE, BIG_SHARE = 0.35, 0.65
BIG_SIZE, SMALL_SIZE = (0.5, 1.0), (0.2, 0.45)
DURATION = (4, 10)  # weeks
FIRST_START, LAST_START_GAP = 2, 4  # episodes start in [2, weeks - 4]
RECOVERY = 0.5  # the week after an episode still carries half its shift
PERSON_SHIFT = (0.5, 1.5)  # people in an episode are hit unequally (mean 1)
# Moderate couplings, per exhaustion point of the episode (drawn per episode where a range).
WORKLOAD_COUPLING = (0.2, 0.8)  # workload score falls by this times the shift
WELLBEING_COUPLING = (0.2, 0.8)
STRESS_PER_POINT = 0.25  # share of comments that are stressed rises by this per point
NEGATIVE_PER_POINT = 0.08
PARTICIPATION_PER_POINT = 0.08  # each person answers with 8% lower odds per point


@dataclass(frozen=True, slots=True)
class SimConfig:
    """What to simulate; the knobs past seed exist for the sensitivity runs in the docs."""

    teams: int = 200
    weeks: int = 26
    seed: int = 0
    per_round: int = 4
    onset_weeks: int = 1  # weeks an episode takes to reach its full size (1: a step)
    coupling: float = 1.0  # scales every coupling beyond exhaustion (0: exhaustion only)
    weekly_sd: float = WEEKLY_SD


@dataclass(frozen=True, slots=True)
class Episode:
    """A planted burnout episode: exhaustion shift `size` from week `start` for `duration`."""

    team_id: str
    start: int
    duration: int
    size: float
    workload: float  # coupling of the workload score (falls by workload * shift)
    wellbeing: float
    onset_weeks: int = 1

    @property
    def end(self) -> int:
        """The last week with any shift (the recovery week)."""
        return self.start + self.duration

    def shift(self, week: int) -> float:
        """The planted exhaustion shift in a week (0 outside the episode)."""
        if self.start <= week < self.end:
            return self.size * min(1.0, (week - self.start + 1) / self.onset_weeks)
        return self.size * RECOVERY if week == self.end else 0.0


@dataclass(frozen=True, slots=True)
class SimTeam:
    """A simulated team and its lasting traits."""

    id: str
    people: tuple[str, ...]
    effect: dict[str, float]
    participation: float
    comment_rate: float
    stress_share: float
    negative_share: float


@dataclass(slots=True)
class Simulation:
    """The generated organisation: answers, comments, counts and the planted truth."""

    config: SimConfig
    weeks: tuple[date, ...]
    teams: tuple[SimTeam, ...]
    episodes: tuple[Episode, ...]
    # (team id, person id, week number, question id, dimension id, value)
    answers: list[tuple[str, str, int, str, str, int]] = field(default_factory=list)
    # (team id, person id, week number, planted kind, text)
    comments: list[tuple[str, str, int, str, str]] = field(default_factory=list)
    invited: dict[tuple[str, int], int] = field(default_factory=dict)
    respondents: dict[tuple[str, int], int] = field(default_factory=dict)

    def shift(self, team_id: str, week: int) -> float:
        """The planted exhaustion shift of a team in a week."""
        return sum(e.shift(week) for e in self.episodes if e.team_id == team_id)


def simulate(config: SimConfig, bank: QuestionBank) -> Simulation:
    """Generate an organisation's weeks of pulse answers and comments for config.seed."""
    rng = random.Random(config.seed)
    first = EPOCH + timedelta(weeks=52 + rng.randrange(9))  # the rotation's phase varies
    weeks = tuple(first + timedelta(weeks=k) for k in range(config.weeks))
    questions = [q for q in bank.questions if q.dimension.id != ENPS]
    item = {q.id: rng.gauss(0, ITEM_SD) for q in questions}
    dims = sorted({q.dimension.id for q in questions})
    org_week = [{d: rng.gauss(0, ORG_WEEK_SD) for d in dims} for _ in weeks]
    teams = tuple(_team(rng, i, dims) for i in range(config.teams))
    episodes = tuple(e for t in teams if (e := _episode(rng, t.id, config)) is not None)
    sim = Simulation(config, weeks, teams, episodes)
    rounds = [round_questions(bank, week_index(day), config.per_round, False) for day in weeks]
    by_team = {e.team_id: e for e in episodes}
    for team in teams:
        _run_team(rng, sim, team, by_team.get(team.id), rounds, item, org_week)
    return sim


def _team(rng: random.Random, index: int, dims: Sequence[str]) -> SimTeam:
    if rng.random() < SMALL_TEAM_SHARE:
        size = rng.choice((3, 4))
    else:
        size = round(rng.triangular(SIZE_LOW, SIZE_HIGH, SIZE_MODE))
    team_id = f"team-{index + 1:03d}"
    people = tuple(f"{team_id}-p{k + 1:02d}" for k in range(size))
    return SimTeam(team_id, people, {d: rng.gauss(0, TEAM_SD) for d in dims},
                rng.uniform(*PARTICIPATION), rng.uniform(*COMMENT_RATE),
                rng.uniform(*STRESS_SHARE), rng.uniform(*NEGATIVE_SHARE))


def _episode(rng: random.Random, team_id: str, config: SimConfig) -> Episode | None:
    if rng.random() >= EPISODE_SHARE or config.weeks - LAST_START_GAP < FIRST_START:
        return None
    size = rng.uniform(*BIG_SIZE) if rng.random() < BIG_SHARE else rng.uniform(*SMALL_SIZE)
    return Episode(team_id, rng.randint(FIRST_START, config.weeks - LAST_START_GAP),
                   rng.randint(*DURATION), size,
                   rng.uniform(*WORKLOAD_COUPLING) * config.coupling,
                   rng.uniform(*WELLBEING_COUPLING) * config.coupling, config.onset_weeks)


def _run_team(rng: random.Random, sim: Simulation, team: SimTeam, episode: Episode | None,
              rounds: Sequence[Sequence[Question]], item: dict[str, float],
              org_week: Sequence[dict[str, float]]) -> None:
    config = sim.config
    person = {p: ({d: rng.gauss(0, PERSON_SD) for d in team.effect},
                  min(0.99, max(0.3, rng.gauss(team.participation, PERSON_PARTICIPATION_SD))),
                  min(0.9, team.comment_rate * rng.uniform(0.3, 1.7)),
                  rng.uniform(*PERSON_SHIFT)) for p in team.people}
    strain = rng.gauss(0, STRAIN_WEEK_SD)
    for week, questions in enumerate(rounds):
        # AR(1) keeps the shock's SD at STRAIN_WEEK_SD while carrying some of it into next week.
        strain = (STRAIN_WEEK_AR * strain
                  + rng.gauss(0, STRAIN_WEEK_SD * (1 - STRAIN_WEEK_AR**2) ** 0.5))
        shift = episode.shift(week) if episode is not None else 0.0
        moved = {"energy": shift, "workload": -shift * (episode.workload if episode else 0),
                 "wellbeing": -shift * (episode.wellbeing if episode else 0)}
        holiday = HOLIDAY_FACTOR if rng.random() < HOLIDAY_WEEK else 1.0
        answering = 1 - PARTICIPATION_PER_POINT * shift * config.coupling
        count = 0
        for pid, (offsets, rate, comment_rate, hit) in person.items():
            if rng.random() >= rate * holiday * answering:
                continue
            count += 1
            for q in questions:
                d = q.dimension.id
                latent = (BASE_MEAN.get(d, OTHER_MEAN) + item[q.id] + team.effect[d]
                          + offsets[d] + org_week[week][d] + STRAIN_LOADS.get(d, 0.0) * strain
                          + moved.get(d, 0.0) * hit + rng.gauss(0, config.weekly_sd))
                value = min(5, max(1, round(latent)))
                sim.answers.append((team.id, pid, week, q.id, d, value))
            if rng.random() < comment_rate:
                kind = _kind(rng, team, (shift * config.coupling) + max(0.0, strain))
                sim.comments.append((team.id, pid, week, kind, rng.choice(TEMPLATES[kind])))
        sim.invited[team.id, week] = len(team.people)
        sim.respondents[team.id, week] = count


def _kind(rng: random.Random, team: SimTeam, strain: float) -> str:
    stressed = min(0.8, team.stress_share + STRESS_PER_POINT * strain)
    negative = min(0.9 - stressed, team.negative_share + NEGATIVE_PER_POINT * strain)
    positive = max(0.0, min(POSITIVE_SHARE, 1 - stressed - negative) - strain * 0.1)
    draw = rng.random()
    if draw < stressed:
        return STRESSED
    if draw < stressed + negative:
        return NEGATIVE
    return POSITIVE if draw < stressed + negative + positive else NEUTRAL
