"""The burnout signal's drivers: what moved, in plain words with the numbers.

Drivers describe the team as a whole and never a person: they are built from aggregates only
(team and organisation means, counts of comments, participation rates).
"""

from __future__ import annotations

from teamwell.core.burnout_stats import Change, wilson

# An item change smaller than this (item points) is not named: weekly team means wobble by
# about that much (the digest's STEADY).
DRIVER_MIN_CHANGE = 0.2
# Comments are named when at least this many mention stress and the share's 80% Wilson lower
# bound is above the team's earlier share: two of three is news, one of one is not.
MIN_COMMENT_HITS = 2
NEGATIVE_SHARE = 0.5  # ... and negative comments when at least half of them are negative
PARTICIPATION_FALL = 0.10  # participation named when it fell by 10 points or more
MAX_DRIVERS = 4
# Item dimension -> (name, the verb when it moves the worse way, sign of "worse").
_ITEMS = {"energy": ("Exhaustion", "rose", 1.0), "workload": ("Workload scores", "fell", -1.0),
          "wellbeing": ("Wellbeing", "fell", -1.0)}


def _span(weeks: int, lead: str) -> str:
    return "this week" if weeks <= 1 else f"{lead} the last {weeks} weeks"


def drivers_for(change: Change | None, latest: tuple[float, float] | None, chronic: bool,
                alarm: bool) -> tuple[str, ...]:
    """Drivers, strongest first; for an ok signal one calm line about exhaustion at most.

    latest is the team's latest exhaustion figure and the organisation's, as the digest shows
    them (not the shrunk estimate, so the words and the digest's figures agree)."""
    if not alarm:
        if latest is None:
            return ()
        return (f"Exhaustion {latest[0]:.1f} (organisation: {latest[1]:.1f}), "
                "with no sustained rise",)
    lines: list[tuple[float, str]] = []
    if change is not None:
        lines += _item_lines(change)
        lines += _comment_lines(change)
        if change.participation is not None:
            before, after = change.participation
            if before - after >= PARTICIPATION_FALL:
                lines.append((0.0, f"Participation fell from {before:.0%} to {after:.0%}"))
    if chronic and latest is not None:
        team, org = latest
        lines.append((team - org, f"Exhaustion is {team:.1f}, against {org:.1f} "
                                  "across the organisation"))
    ordered = [text for _, text in sorted(lines, key=lambda x: -x[0])]
    # Exhaustion named twice (a rise and a high level) says the same thing: keep the first.
    seen: list[str] = []
    for text in ordered:
        if not (text.startswith("Exhaustion is") and any(s.startswith("Exhaustion") for s in seen)):
            seen.append(text)
    return tuple(seen[:MAX_DRIVERS])


def _item_lines(change: Change) -> list[tuple[float, str]]:
    out = []
    for dim, (found, org) in change.items.items():
        if dim not in _ITEMS:
            continue
        name, verb, sign = _ITEMS[dim]
        worse = sign * (found.recent - found.base)
        if found.base_count == 0:
            if sign * found.recent >= DRIVER_MIN_CHANGE:
                word = "higher" if sign > 0 else "lower"
                out.append((worse, f"{name} {found.recent_team:.1f}, {word} than the "
                                   f"organisation ({org:.1f})"))
        elif worse >= DRIVER_MIN_CHANGE and found.base_team is not None:
            out.append((worse, f"{name} {verb} from {found.base_team:.1f} to "
                               f"{found.recent_team:.1f} {_span(change.weeks, 'over')} "
                               f"(organisation: {org:.1f})"))
    return out


def _comment_lines(change: Change) -> list[tuple[float, str]]:
    total, negative, stressed = change.comments
    out = []
    span = _span(change.weeks, "in")
    if stressed >= MIN_COMMENT_HITS and wilson(stressed, total)[0] > change.baseline_stress:
        noun = "comment" if total == 1 else "comments"
        verb = "mentions" if total == 1 else "mention"
        out.append((0.1, f"{stressed} of {total} {noun} {span} {verb} workload or stress"))
    if negative >= MIN_COMMENT_HITS and negative >= NEGATIVE_SHARE * total:
        out.append((0.05, f"{negative} of {total} comments {span} were negative"))
    return out
