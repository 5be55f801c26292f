"""Suggested check-ins for a manager's weekly digest: a topic, why, and a conversation starter.

The bot suggests; the manager decides. A suggestion aimed at one person may only come from what
that person knowingly shared with the manager (onboarding check-ins, which say so when asked)
or from recognition they did or did not receive; anything from anonymous pulse data targets the
whole team, never a person.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

MAX_SUGGESTIONS = 3
# A manager who has called a kind "not useful" this often, and never said "I'll do it" to it,
# sees it only when nothing else is left to suggest.
DEMOTE_AFTER_NOT_USEFUL = 2


class Kind(StrEnum):
    """What a suggestion is about; follow-through is measured per kind."""

    TEAM_BURNOUT = "team_burnout"
    TEAM_DIMENSION = "team_dimension"
    TEAM_PARTICIPATION = "team_participation"
    NEW_HIRE_CHECKIN = "new_hire_checkin"
    RECOGNITION_GAP = "recognition_gap"


class Status(StrEnum):
    """Where a suggestion stands: the three buttons, then done after the reminder."""

    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    LATER = "later"
    NOT_USEFUL = "not_useful"
    DONE = "done"


TEAM = "team"
PERSON = "person"

# Openers for a team conversation about a dimension that dropped or sits low. Open questions,
# about the work rather than anyone's feelings, so nobody is put on the spot.
STARTERS: Mapping[str, str] = {
    "workload": "What could we drop, delay or hand over so the next two weeks feel doable?",
    "energy": "What has been draining energy lately, and what would give some back?",
    "wellbeing": "How are people doing, honestly? Is there anything we should change about "
                 "how we work right now?",
    "recognition": "Whose work in the last few weeks deserves more credit than it got?",
    "manager_support": "What could I do differently to make your work easier?",
    "belonging": "When did you last feel really part of this team, and what made it so?",
    "growth": "What would you like to learn or try in the next quarter?",
    "autonomy": "Where do you wish you had more say in how the work gets done?",
    "psychological_safety": "What is one thing we find hard to say out loud in this team?",
    "enps": "What would make this a place you'd recommend to a friend?",
}
GENERIC_STARTER = "What is one thing that would make next week better for the team?"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One suggested check-in, as stored and as shown (with its buttons) in a digest."""

    id: str
    workspace_id: str
    manager_id: str
    week: date
    kind: Kind
    target_kind: str  # TEAM or PERSON
    target_id: str
    topic: str
    reason: str
    starter: str
    status: Status = Status.PROPOSED
    responded_at: datetime | None = None
    remind_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """A possible suggestion before ranking; priority: lower comes first."""

    kind: Kind
    target_kind: str
    target_id: str
    topic: str
    reason: str
    starter: str
    priority: int


def suggestion_id(workspace_id: str, manager_id: str, week: date, kind: Kind,
                  target_id: str) -> str:
    """A stable id, so that a digest built twice proposes the same rows once."""
    raw = f"{workspace_id}|{manager_id}|{week.isoformat()}|{kind.value}|{target_id}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def team_burnout(team_id: str, team_name: str, level: str, drivers: Sequence[str]) -> Candidate:
    """A team-wide conversation about load and energy, from the team burnout signal."""
    why = "; ".join(drivers[:2]) or f"the burnout signal is {level}"
    return Candidate(Kind.TEAM_BURNOUT, TEAM, team_id, f"Workload and energy in {team_name}",
                     f"Burnout signal: {level}. {why[:1].upper()}{why[1:]}.",
                     "How is the load feeling at the moment? What could we stop, pause or "
                     "push back on together?", 0 if level == "high" else 1)


def team_dimension(team_id: str, team_name: str, dimension_id: str, dimension_name: str,
                   mean: float, change: float, worse_when_higher: bool) -> Candidate:
    """A team conversation about a dimension that moved the wrong way."""
    direction = "rose" if change > 0 else "fell"
    before = mean - change
    return Candidate(Kind.TEAM_DIMENSION, TEAM, team_id, f"{dimension_name} in {team_name}",
                     f"{dimension_name} {direction} from {before:.1f} to {mean:.1f}"
                     f"{' (higher means more tired)' if worse_when_higher else ''}.",
                     STARTERS.get(dimension_id, GENERIC_STARTER), 3)


def team_participation(team_id: str, team_name: str, before: float, now: float) -> Candidate:
    """Ask the team whether the pulse still feels worth answering."""
    return Candidate(Kind.TEAM_PARTICIPATION, TEAM, team_id, f"The pulse in {team_name}",
                     f"Participation fell from {before:.0%} to {now:.0%}.",
                     "Does the weekly pulse still feel worth answering? What would make it "
                     "more useful to you?", 4)


def new_hire_checkin(person_id: str, name: str, step: str, score: int, scale_top: int,
                     negative_comment: bool) -> Candidate:
    """A one-to-one with a new hire who shared a low check-in with their manager."""
    # The digest puts a mention of the person first, so the reason does not repeat the name.
    said = f"Answered {score}/{scale_top} at the {step} check-in"
    said += " and left a comment that reads as worried" if negative_comment else ""
    return Candidate(Kind.NEW_HIRE_CHECKIN, PERSON, person_id, f"How {name}'s first weeks are going",
                     said + " (shared with you as their manager).",
                     "How are the first weeks going, really? What would help most right now?",
                     2)


def recognition_gap(person_id: str, name: str, weeks: int) -> Candidate:
    """Thank someone whose work has not been recognised for a while."""
    return Candidate(Kind.RECOGNITION_GAP, PERSON, person_id, f"Recognise {name}",
                     f"No kudos received in {weeks} weeks.",
                     "Tell them about one specific thing they did recently that made a "
                     "difference, and why it mattered.", 5)


def choose(candidates: Sequence[Candidate], not_useful: Mapping[str, int],
           accepted: Mapping[str, int], limit: int = MAX_SUGGESTIONS) -> list[Candidate]:
    """Up to limit candidates: most urgent first, at most one per target, feedback respected."""
    def demoted(c: Candidate) -> bool:
        return (not_useful.get(c.kind.value, 0) >= DEMOTE_AFTER_NOT_USEFUL
                and not accepted.get(c.kind.value, 0))

    ordered = sorted(candidates, key=lambda c: (demoted(c), c.priority, c.topic))
    chosen: list[Candidate] = []
    targets: set[tuple[str, str]] = set()
    for candidate in ordered:
        key = (candidate.target_kind, candidate.target_id)
        if key in targets:
            continue
        targets.add(key)
        chosen.append(candidate)
        if len(chosen) == limit:
            break
    return chosen


def as_suggestion(c: Candidate, workspace_id: str, manager_id: str, week: date) -> Suggestion:
    """The stored form of a chosen candidate."""
    return Suggestion(suggestion_id(workspace_id, manager_id, week, c.kind, c.target_id),
                      workspace_id, manager_id, week, c.kind, c.target_kind, c.target_id,
                      c.topic, c.reason, c.starter)
