"""Recognition numbers: a person's own kudos stats, quiet reports and the admins' fairness view.

Counts are moments someone said thanks through Teamwell, not a measure of anyone's work, so every
view is private by default: stats go to the person and their manager, fairness to admins. Storage
hands kudos over as one KudosRecord per receiver, so a kudos to three people counts three here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from teamwell.core.copy import BOT_NAME
from teamwell.core.messages import Context, Header, Mention, Message, Section, mention_list, text
from teamwell.core.people import Person, Team
from teamwell.surveys.values import CompanyValues

DEFAULT_QUIET_WEEKS = 6
TOP_FRACTION = 0.1
MONTHS_SHOWN = 6  # a DM, not a report: half a year is enough to see a trend
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

Counts = tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class KudosRecord:
    """One receiver of one kudos: who gave, who received, the value (if any) and when."""

    giver_id: str
    receiver_id: str
    value_id: str | None
    given_at: datetime

    def __post_init__(self) -> None:
        if self.given_at.utcoffset() is None:
            raise ValueError("given_at must be timezone-aware")


@dataclass(frozen=True, slots=True)
class PersonStats:
    """One person's kudos: totals, per value id (most first) and per YYYY-MM month (oldest first).

    Both month series cover the same months, from the first with any kudos to the last, zeros
    included, so they line up. Kudos without a value are in the totals but not the by-value pairs.
    """

    given: int
    received: int
    given_by_value: Counts
    received_by_value: Counts
    received_by_month: Counts
    given_by_month: Counts


@dataclass(frozen=True, slots=True)
class Fairness:
    """How evenly kudos were spread among active people over a period (for admins)."""

    people: int
    receivers: int
    kudos: int
    top_share: float
    gini: float
    teams_without: tuple[str, ...]
    givers_share: float


def _aware(moment: datetime, name: str) -> None:
    if moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _by_count(counter: Counter[str]) -> Counts:
    # Most first, ties by id, so the same records always give the same tuple.
    return tuple(sorted(counter.items(), key=lambda pair: (-pair[1], pair[0])))


def _month(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m")


def _month_span(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    months: list[str] = []
    while (key := f"{year:04d}-{month:02d}") <= last:
        months.append(key)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def person_stats(person_id: str, records: Iterable[KudosRecord], zone: ZoneInfo) -> PersonStats:
    """Kudos the person gave and received, by value and by month in the person's zone."""
    given, received = Counter[str](), Counter[str]()
    given_months, received_months = Counter[str](), Counter[str]()
    given_total = received_total = 0
    for record in records:
        # Kudos to yourself are refused when given; a stray row must not count twice.
        if record.giver_id == record.receiver_id:
            continue
        if record.giver_id == person_id:
            given_total += 1
            given_months[_month(record.given_at, zone)] += 1
            if record.value_id:
                given[record.value_id] += 1
        elif record.receiver_id == person_id:
            received_total += 1
            received_months[_month(record.given_at, zone)] += 1
            if record.value_id:
                received[record.value_id] += 1
    seen = given_months | received_months
    months = _month_span(min(seen), max(seen)) if seen else []
    return PersonStats(
        given=given_total, received=received_total,
        given_by_value=_by_count(given), received_by_value=_by_count(received),
        received_by_month=tuple((m, received_months[m]) for m in months),
        given_by_month=tuple((m, given_months[m]) for m in months),
    )


def unrecognised(people: Sequence[Person], records: Iterable[KudosRecord], now: datetime,
                 weeks: int = DEFAULT_QUIET_WEEKS) -> list[Person]:
    """Active people with no kudos received in the last `weeks` weeks, long enough here to tell."""
    _aware(now, "now")
    if weeks < 1:
        raise ValueError("weeks must be at least 1")
    window = timedelta(weeks=weeks)
    since = now - window
    # A kudos given exactly `weeks` weeks ago is still inside the window.
    recent = {r.receiver_id for r in records if since <= r.given_at <= now}
    # Someone who started on the local day `weeks` weeks ago has been here the whole window;
    # anyone newer has not had the time, and an unknown start date counts as long ago.
    quiet = [p for p in people
             if p.active and p.id not in recent
             and (p.start_date is None or p.start_date <= (now.astimezone(p.zone) - window).date())]
    return sorted(quiet, key=lambda p: (p.name.casefold(), p.id))


def gini(counts: Sequence[int]) -> float:
    """Gini coefficient of the counts: 0 when all are equal, (n-1)/n when one has everything."""
    total = sum(counts)
    if not counts or total == 0:
        return 0.0
    ordered = sorted(counts)
    n = len(ordered)
    weighted = sum(rank * count for rank, count in enumerate(ordered, start=1))
    return 2 * weighted / (n * total) - (n + 1) / n


def top_count(people: int) -> int:
    """How many people make up the top 10% (rounded down, at least one)."""
    return max(1, math.floor(people * TOP_FRACTION))


def fairness(people: Sequence[Person], teams: Sequence[Team], records: Iterable[KudosRecord],
             since: datetime) -> Fairness:
    """How kudos since `since` spread over active people and teams; leavers are not counted."""
    _aware(since, "since")
    active = {p.id: p for p in people if p.active}
    received, givers = Counter[str](), set[str]()
    for record in records:
        if record.given_at < since or record.giver_id == record.receiver_id:
            continue
        if record.giver_id in active:
            givers.add(record.giver_id)
        if record.receiver_id in active:
            received[record.receiver_id] += 1
    counts = [received[person_id] for person_id in active]
    total = sum(counts)
    top = sum(sorted(counts, reverse=True)[:top_count(len(counts))])
    staffed = {p.team_id for p in active.values() if p.team_id}
    thanked = {active[person_id].team_id for person_id in received}
    without = sorted((t for t in teams if t.id in staffed and t.id not in thanked),
                     key=lambda t: (t.name.casefold(), t.id))
    return Fairness(
        people=len(active), receivers=len(received), kudos=total,
        top_share=top / total if total else 0.0, gini=gini(counts),
        teams_without=tuple(t.id for t in without),
        givers_share=len(givers) / len(active) if active else 0.0,
    )


def leaderboard(records: Iterable[KudosRecord], limit: int = 10) -> list[tuple[str, int]]:
    """Most-thanked people, ties by id; show it only where an admin turned the leaderboard on."""
    # Off by default: a public ranking turns thanks into a contest. The caller checks the setting.
    if limit < 1:
        raise ValueError("limit must be at least 1")
    received = Counter(r.receiver_id for r in records if r.giver_id != r.receiver_id)
    return list(_by_count(received)[:limit])


# --- messages ---


def _plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _value_line(pairs: Counts, total: int, values: CompanyValues) -> str:
    # A value removed from the values file still shows, by its tag, so the numbers add up.
    parts = [f"{value.label if (value := values.get(v)) else '#' + v} {n}" for v, n in pairs]
    untagged = total - sum(n for _, n in pairs)
    if untagged:
        parts.append(f"no value {untagged}")
    return ", ".join(parts)


def _month_line(pairs: Counts) -> str:
    return ", ".join(f"{_MONTH_NAMES[int(m[5:]) - 1]} {m[:4]}: {n}"
                     for m, n in pairs[-MONTHS_SHOWN:])


def stats_message(stats: PersonStats, values: CompanyValues, for_self: bool,
                  name: str) -> Message:
    """A person's kudos stats for them, or (for_self False) for their manager, privately."""
    header = "Your kudos" if for_self else f"Kudos for {name}"
    summary = (f"{'You have' if for_self else name + ' has'} received {stats.received} kudos "
               f"and given {stats.given}.")
    if not stats.received and not stats.given:
        summary = (f"{'You have' if for_self else name + ' has'} not received or given any "
                   "kudos yet.")
    blocks: list[Section | Context | Header] = [Header(header), Section(text(summary))]
    for label, pairs, total in (("Received", stats.received_by_value, stats.received),
                                ("Given", stats.given_by_value, stats.given)):
        if total:
            blocks.append(Section(text(f"{label} by value: {_value_line(pairs, total, values)}")))
    if stats.received_by_month:
        blocks.append(Section(text(f"Received by month: {_month_line(stats.received_by_month)}")))
        blocks.append(Section(text(f"Given by month: {_month_line(stats.given_by_month)}")))
    who = ("Only you and your manager can see these numbers." if for_self
           else f"Only you see this, because you're {name}'s manager; the numbers stay private "
                "to the two of you.")
    blocks.append(Context(text(f"{who} They count thanks given through {BOT_NAME}, not how "
                               "good anyone's work is.")))
    return Message(fallback=header, blocks=tuple(blocks))




def unrecognised_prompt(manager_id: str, people: Sequence[Person], weeks: int) -> Message:
    """A private, gentle note to a manager about reports with no kudos in `weeks` weeks."""
    if not people:
        raise ValueError("there is nobody to mention")
    span = _plural(weeks, "week")
    verb = " hasn't" if len(people) == 1 else " haven't"
    return Message(fallback=f"A gentle nudge: no kudos for some of your team in {span}", blocks=(
        Section(text("Hi ", Mention(manager_id), ". ", *mention_list([p.id for p in people]), verb,
                     f" received any kudos in the last {span}.")),
        Section(text("Maybe worth a word of thanks? Only if there's something you'd genuinely "
                     "like to thank them for; there's no target to hit.")),
        Context(text(f"Only you see this note; nobody else is told, including the people named. "
                     f"I'm {BOT_NAME}, a bot, and I only count kudos given through "
                     f"{BOT_NAME}, so thanks said in person or elsewhere don't show up here.")),
    ))


def fairness_message(f: Fairness, team_names: Mapping[str, str]) -> Message:
    """The admins' fairness view: plain numbers, with what the Gini and top share mean."""
    blocks: list[Section | Context | Header] = [Header("How evenly kudos are spread")]
    blocks.append(Section(text(
        f"{f.kudos} kudos went to {f.receivers} of "
        f"{_plural(f.people, 'active person', 'active people')} in this period. "
        f"{f.givers_share:.0%} of people gave kudos at least once.")))
    if f.kudos:
        top = top_count(f.people)
        blocks.append(Section(text(
            f"Top share: {f.top_share:.0%}. That's how much of all kudos went to the "
            f"{_plural(top, 'person', 'people')} who received the most (the top 10%); with an "
            f"even spread it would be about {top / f.people:.0%}.")))
        blocks.append(Section(text(
            f"Gini: {f.gini:.2f}. It runs from 0, when everyone received the same number of "
            "kudos, to nearly 1, when one person received them all.")))
    teams = [team_names.get(team_id, team_id) for team_id in f.teams_without]
    blocks.append(Section(text(
        f"Teams where nobody received kudos: {', '.join(teams)}." if teams
        else "Every team with active members received kudos.")))
    blocks.append(Context(text(
        "Only admins see this. It counts thanks given through "
        f"{BOT_NAME}, not how good anyone's work is; a quiet team may simply thank in person.")))
    return Message(fallback="How evenly kudos are spread", blocks=tuple(blocks))
