"""The weekly digest: what a manager (or HR, for the organisation) reads on Monday morning.

Everything here is already cleared by the anonymity rules: figures come from pulse results that
passed them (core/pulse_results.py), burnout signals only for groups that were shown, and
people are named only for what they knowingly shared with their manager (onboarding check-ins)
or for recognition. This module only arranges it, kindly and with the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from teamwell.core.actions import ActionId
from teamwell.core.copy import BOT_NAME
from teamwell.core.messages import (
    Actions,
    Block,
    Bold,
    Button,
    Chart,
    ChartSeries,
    Context,
    Divider,
    Header,
    Inline,
    Mention,
    Message,
    Section,
    text,
)
from teamwell.core.suggestions import PERSON, Suggestion

# A change smaller than this is shown as level: weekly team means wobble by about that much.
STEADY = 0.2
UP, DOWN = "\u2191", "\u2193"


@dataclass(frozen=True, slots=True)
class DimensionLine:
    """A dimension's latest shown mean and its change since the time before it was asked."""

    id: str
    name: str
    mean: float
    change: float | None
    higher_is_better: bool
    week: date


@dataclass(frozen=True, slots=True)
class SignalView:
    """A burnout signal as the digest shows it."""

    level: str  # ok / watch / high
    drivers: tuple[str, ...]
    confidence: str


@dataclass(frozen=True, slots=True)
class TeamSection:
    """One team (or the organisation) in a digest; reason says why scores are missing."""

    name: str
    shown: bool
    reason: str = ""
    respondents: int = 0
    invited: int = 0
    dimensions: tuple[DimensionLine, ...] = ()
    chart: Chart | None = None
    signal: SignalView | None = None
    not_assessed: str = ""
    attention: tuple[str, ...] = ()  # for HR: teams whose signal is watch or high


@dataclass(frozen=True, slots=True)
class NewHireLine:
    """A new hire's onboarding progress, for their manager."""

    person_id: str
    line: str


@dataclass(frozen=True, slots=True)
class DigestContent:
    """Everything one digest shows."""

    recipient_id: str
    week: date | None  # the pulse week the figures are from; None before any round closed
    for_hr: bool
    sections: tuple[TeamSection, ...]
    kudos_given: int
    kudos_received: int
    new_hires: tuple[NewHireLine, ...]
    suggestions: tuple[Suggestion, ...]
    minimum: int


def arrow(change: float | None, higher_is_better: bool) -> str:
    """An arrow with the change and whether it is better or worse, in words."""
    if change is None:
        return "(first reading)"
    if abs(change) < STEADY:
        return f"\u2192 {change:+.1f} (steady)"
    symbol = UP if change > 0 else DOWN
    verdict = "better" if (change > 0) == higher_is_better else "worse"
    return f"{symbol} {change:+.1f} ({verdict})"


def _scores(section: TeamSection) -> list[Block]:
    if not section.shown:
        return [Section(text(Bold(section.name), ": no scores this week. ", section.reason))]
    blocks: list[Block] = []
    part = (f"{section.respondents} of {section.invited} answered "
            f"({section.respondents / section.invited:.0%})" if section.invited else
            f"{section.respondents} answered")
    blocks.append(Section(text(Bold(section.name), f": {part}.")))
    if section.dimensions:
        lines = [f"\u2022 {d.name}: {d.mean:.1f} {arrow(d.change, d.higher_is_better)}"
                 + ("" if d.higher_is_better else ", higher means more tired")
                 for d in section.dimensions]
        blocks.append(Section(text("\n".join(lines))))
    if section.chart is not None:
        blocks.append(section.chart)
    return blocks


def _signal(section: TeamSection) -> list[Block]:
    if section.signal is None:
        return [Context(text(section.not_assessed))] if section.not_assessed else []
    s = section.signal
    headline = {"ok": "no sign of strain", "watch": "worth watching",
                "high": "signs of strain"}.get(s.level, s.level)
    lines = [f"Burnout signal: {s.level} ({headline}), confidence {s.confidence}."]
    lines += [f"\u2022 {d}" for d in s.drivers]
    return [Section(text("\n".join(lines)))]


def _suggestion_blocks(s: Suggestion) -> list[Block]:
    about: tuple[Inline, ...] = (Mention(s.target_id), ": ") if s.target_kind == PERSON else ()
    return [
        Section(text(Bold(s.topic), "\n", *about, s.reason, "\n",
                     f"Try: \u201c{s.starter}\u201d")),
        Actions((Button("I'll do it", ActionId.DIGEST_DO, s.id, "primary"),
                 Button("Not now", ActionId.DIGEST_LATER, s.id),
                 Button("Not useful", ActionId.DIGEST_NOT_USEFUL, s.id))),
    ]


def digest_message(d: DigestContent) -> Message:
    """The digest as a message: scores, trend, signal, recognition, new hires, suggestions."""
    title = "Your organisation this week" if d.for_hr else "Your team this week"
    when = f" (pulse of the week of {d.week:%-d %B})" if d.week else ""
    blocks: list[Block] = [Header(title + when)]
    if d.week is None:
        blocks.append(Section(text("No pulse has closed yet, so there are no scores to show.")))
    for section in d.sections:
        blocks += _scores(section)
        blocks += _signal(section)
        if section.attention:
            blocks.append(Section(text("Teams to look at:\n" + "\n".join(
                f"\u2022 {line}" for line in section.attention))))
    blocks.append(Divider())
    who = "the organisation" if d.for_hr else "your team"
    blocks.append(Section(text(f"Recognition last week: {d.kudos_given} kudos given and "
                               f"{d.kudos_received} received in {who}.")))
    if d.new_hires:
        parts: list[Inline] = ["New hires:"]
        for hire in d.new_hires:
            parts += ["\n\u2022 ", Mention(hire.person_id), f": {hire.line}"]
        blocks.append(Section(text(*parts)))
    if d.suggestions:
        blocks += [Divider(), Section(text(Bold("Suggested check-ins"),
                                           " (you decide; nobody is contacted for you)"))]
        for s in d.suggestions:
            blocks += _suggestion_blocks(s)
    blocks.append(Context(text(
        f"I'm {BOT_NAME}, a bot. Scores are shown only for groups of {d.minimum} or more "
        "answers, and never anyone's own answer or who wrote a comment. Suggestions about one "
        "person use only what they shared with you (onboarding check-ins) or kudos.")))
    return Message(fallback=title + when, blocks=tuple(blocks))


def chart_for(name: str, weeks: Sequence[date],
              series: Sequence[tuple[str, Sequence[float | None]]]) -> Chart | None:
    """A 12-week trend chart, or None when there is nothing to draw."""
    if not any(v is not None for _n, values in series for v in values):
        return None
    labels = tuple(f"{w:%-d %b}" for w in weeks)
    lines = []
    for series_name, values in series:
        known = [(w, v) for w, v in zip(weeks, values, strict=True) if v is not None]
        if len(known) == 1:
            lines.append(f"{series_name} {known[0][1]:.1f} ({known[0][0]:%-d %b})")
        elif known:
            lines.append(f"{series_name} from {known[0][1]:.1f} ({known[0][0]:%-d %b}) to "
                         f"{known[-1][1]:.1f} ({known[-1][0]:%-d %b})")
    return Chart(f"{name}: the last {len(weeks)} weeks", labels,
                 tuple(ChartSeries(n, tuple(v)) for n, v in series),
                 alt="Trend: " + "; ".join(lines) + ".")
