"""Pulse results in words: the same lines for `teamwell pulse results` and `/teamwell results`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from teamwell.core.messages import Context, Header, Message, Section, text
from teamwell.core.pulse_results import GroupResult

# Slack takes at most 50 blocks and 3,000 characters per section; stay clear of both.
MAX_SECTIONS = 40
SECTION_CHARS = 2800


def results_heading(week: date, minimum: int) -> str:
    """The first line: which week, and the reporting minimum."""
    return (f"Pulse results for the week of {week.isoformat()} "
            f"(shown only for groups of {minimum} or more)")


def group_lines(group: GroupResult) -> list[str]:
    """One group's shown figures and comments, or why it is hidden (never its count)."""
    if not group.shown:
        return [f"{group.group.label}: hidden ({group.reason})"]
    rate = group.participation
    lines = [f"{group.group.label}: {group.respondents} responses"
             + (f" of {group.invited} asked ({rate:.0%})" if rate is not None else "")]
    for fig in group.dimensions:
        name = fig.dimension.name
        if not fig.shown:
            lines.append(f"  {name}: hidden ({fig.reason})")
            continue
        change = f", {fig.change:+.2f} vs last week" if fig.change is not None else ""
        dist = " ".join(f"{v}:{c}" for v, c in fig.distribution)
        better = "" if fig.dimension.higher_is_better else " (lower is better)"
        lines.append(f"  {name}: mean {fig.mean:.2f}{better}, n={fig.n}{change}  [{dist}]")
    if group.comments:
        lines.append("  Comments (shuffled, names removed):")
        lines.extend(f"    - {c}" for c in group.comments)
    return lines


def _chunks(lines: Sequence[str]) -> list[str]:
    out: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > SECTION_CHARS:
            out.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*out, current] if current else out


def results_message(week: date, groups: Sequence[GroupResult], minimum: int) -> Message:
    """Results for a chat reply that only the asker sees; long results are cut with a pointer."""
    sections = [chunk for group in groups for chunk in _chunks(group_lines(group))]
    blocks: list[Header | Section | Context] = [
        Header("Pulse results"), Section(text(results_heading(week, minimum)))]
    blocks += [Section(text(chunk)) for chunk in sections[:MAX_SECTIONS]]
    if len(sections) > MAX_SECTIONS:
        blocks.append(Context(text("That is more than one message holds: ask for one team "
                                   "(/teamwell results TEAM), or run `teamwell pulse results`.")))
    blocks.append(Context(text("Only you see this reply, and it is not kept. Viewing results is "
                               "recorded in the audit log.")))
    return Message(fallback=results_heading(week, minimum), blocks=tuple(blocks))
