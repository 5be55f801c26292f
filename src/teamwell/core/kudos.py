"""Kudos: the rules for giving them, the giver's local day, and the messages they become.

What the giver typed stays a plain string in every message: renderers escape plain strings, so a
kudos can never ping a channel or show a link. Only people from our directory become mentions.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from teamwell.core.errors import InvalidInput, NotAllowed, UnknownPerson
from teamwell.core.messages import Context, Mention, Message, Section, mention_list, text
from teamwell.core.people import Person
from teamwell.surveys.values import CompanyValue, CompanyValues

# Slack allows 3,000 characters in a section's text; the kudos sits among our own words and
# escaping (& < >) makes it longer, so 1,000 leaves room to spare.
KUDOS_MAX_LENGTH = 1000
DEFAULT_DAILY_ALLOWANCE = 5
MAX_DAILY_ALLOWANCE = 50
NOTICES_OFF = "/teamwell kudos-notices off"
USAGE = "/kudos @name thanks for ..."

# A tag is a whole word: after whitespace or at the start (so "C#" and "page#part" are not tags),
# before whitespace, the end or closing punctuation, with at least one letter (so "#1" and
# "#1234" stay in the message as rankings and issue numbers). The spaces before it go with it.
_TAG = re.compile(r"[ \t]*(?<!\S)#(?=[A-Za-z0-9_-]*[A-Za-z])([A-Za-z0-9_-]+)(?=[.,!?;:)]*(?:\s|$))")
_SPACES = re.compile(r"[ \t]{2,}")
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class KudosSettings:
    """A workspace's kudos rules."""

    daily_allowance: int = DEFAULT_DAILY_ALLOWANCE
    value_required: bool = False
    public_by_default: bool = True

    def __post_init__(self) -> None:
        allowance = self.daily_allowance
        # bool is an int in Python; `daily_allowance = true` in a settings file is a mistake.
        if (isinstance(allowance, bool) or not isinstance(allowance, int)
                or not 1 <= allowance <= MAX_DAILY_ALLOWANCE):
            raise ValueError(f"daily_allowance must be 1 to {MAX_DAILY_ALLOWANCE}, "
                             f"not {allowance!r}")


@dataclass(frozen=True, slots=True)
class Kudos:
    """Thanks from one person to one or more others, optionally for a company value."""

    id: str
    workspace_id: str
    giver_id: str
    receiver_ids: tuple[str, ...]
    message: str
    value_id: str | None
    public: bool
    given_at: datetime

    def __post_init__(self) -> None:
        if not (self.id and self.workspace_id and self.giver_id):
            raise ValueError("kudos need an id, a workspace and a giver")
        if not self.receiver_ids or len(set(self.receiver_ids)) != len(self.receiver_ids):
            raise ValueError("kudos need one or more distinct receivers")
        if self.giver_id in self.receiver_ids:
            raise ValueError("nobody gives kudos to themselves")
        if not self.message.strip() or len(self.message) > KUDOS_MAX_LENGTH:
            raise ValueError(f"a kudos message has 1 to {KUDOS_MAX_LENGTH} characters")
        if self.given_at.utcoffset() is None:
            raise ValueError("given_at must be timezone-aware")


def split_value_tags(message: str) -> tuple[str, list[str]]:
    """The message without its #tags, and the tags (lowercase, no '#', first use only)."""
    tags = [match.group(1).lower() for match in _TAG.finditer(message)]
    lines: list[str] = []
    for line in message.splitlines():
        kept = _SPACES.sub(" ", _TAG.sub("", line)).strip()
        # A line that held only tags goes; a blank line the giver typed stays.
        if kept or not line.strip():
            lines.append(kept)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip(), list(dict.fromkeys(tags))


def unique_receivers(receivers: Sequence[Person]) -> list[Person]:
    """Receivers in the order given, each once (mentioning someone twice is not a mistake)."""
    first: dict[str, Person] = {}
    for person in receivers:
        first.setdefault(person.id, person)
    return list(first.values())


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def unknown_mention_message(names: Sequence[str]) -> str:
    """The reply when mentioned people are not in the directory (plain text: escape it)."""
    who = _and([f"@{name.lstrip('@')}" for name in names]) if names else "someone you mentioned"
    return (f"I can't find {who} in this workspace's directory, so no kudos were given. Kudos "
            "are for colleagues, not bots or people outside the workspace.")


def _check_people(giver: Person, receivers: Sequence[Person]) -> None:
    if not receivers:
        raise InvalidInput(f"Who is it for? Mention someone: {USAGE}")
    if any(person.id == giver.id for person in receivers):
        raise NotAllowed("Kudos are for other people — thanking yourself doesn't count here. "
                         "Is there someone who helped you along the way?")
    elsewhere = [p.name for p in receivers if p.workspace_id != giver.workspace_id]
    if elsewhere:
        raise UnknownPerson(f"{_and(elsewhere)} isn't in this workspace, so no kudos were given.")
    inactive = [p.name for p in receivers if not p.active]
    if inactive:
        verb = "is" if len(inactive) == 1 else "are"
        raise NotAllowed(f"{_and(inactive)} {verb} no longer active in the directory, so no "
                         "kudos were given. Leave them out and try again.")


def _check_message(message: str) -> None:
    if not message.strip():
        raise InvalidInput(f"Add a few words about what you're thanking them for: {USAGE}")
    if len(message) > KUDOS_MAX_LENGTH:
        raise InvalidInput(f"Your message is {len(message):,} characters long; kudos can be at "
                           f"most {KUDOS_MAX_LENGTH:,} so they fit in one Slack message. "
                           "Please shorten it.")


def _check_value(tags: Sequence[str], values: CompanyValues, required: bool) -> str | None:
    known = ", ".join(values.tags())
    distinct = list(dict.fromkeys(tag.strip().removeprefix("#").lower() for tag in tags))
    if len(distinct) > 1:
        raise InvalidInput(f"Pick one company value per kudos; you tagged "
                           f"{_and(['#' + tag for tag in distinct])}.")
    if not distinct:
        if required:
            raise InvalidInput(f"Add one company value as a tag, such as {values.tags()[0]}. "
                               f"The values are {known}.")
        return None
    value = values.get(distinct[0])
    if value is None:
        leave_out = "" if required else ", or leave the tag out"
        raise InvalidInput(f"#{distinct[0]} isn't one of our company values. Use one of "
                           f"{known}{leave_out}.")
    return value.id


def _check_allowance(count: int, given_today: int, allowance: int) -> None:
    if given_today + count <= allowance:
        return
    left = max(0, allowance - given_today)
    if left == 0:
        raise NotAllowed(f"You've given today's {allowance} kudos already, which is the daily "
                         "limit. You can give more after midnight your time.")
    people = "person" if left == 1 else "people"
    raise NotAllowed(f"You can thank {left} more {people} today (the daily limit is "
                     f"{allowance}), and this would thank {count}. Mention fewer people, or "
                     "send the rest after midnight your time.")


def check_kudos(giver: Person, receivers: Sequence[Person], message: str, tags: Sequence[str],
                values: CompanyValues, given_today: int, settings: KudosSettings) -> str | None:
    """Apply the kudos rules; return the value id (or None), or raise with a kind reply."""
    # Order matters: who, then what, then the value, and the allowance last, so someone only
    # hears "wait until tomorrow" about kudos that would otherwise go through.
    people = unique_receivers(receivers)
    _check_people(giver, people)
    _check_message(message)
    value_id = _check_value(tags, values, settings.value_required)
    _check_allowance(len(people), given_today, settings.daily_allowance)
    return value_id


def local_day_bounds(now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start (inclusive) and end (exclusive) of the local day that contains now."""
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    day = now.astimezone(zone).date()
    # fold=0 is right at both ends: a midnight skipped by DST maps to the moment the clocks
    # jump, and a midnight that happens twice starts the day at its first occurrence.
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


# --- messages ---




def _for(value: CompanyValue | None) -> str:
    return f" for {value.label}" if value else ""


def _names(ids: Sequence[str], names: Mapping[str, str]) -> str:
    return _and([names.get(person_id, "a colleague") for person_id in ids])


def channel_post(kudos: Kudos, value: CompanyValue | None,
                 names: Mapping[str, str] | None = None) -> Message:
    """The public post in the recognition channel; names only improve the notification text."""
    names = names or {}
    fallback = (f"Kudos from {names.get(kudos.giver_id, 'a colleague')} to "
                f"{_names(kudos.receiver_ids, names)}{_for(value)}")
    return Message(fallback=fallback, blocks=(
        Section(text(Mention(kudos.giver_id), " gave kudos to ", *mention_list(kudos.receiver_ids),
                     _for(value), ":")),
        # The giver's words get a section of their own, so nothing of ours crowds them out.
        Section(text(kudos.message)),
        Context(text(f"Thank someone yourself with {USAGE}")),
    ))


def receiver_dm(kudos: Kudos, value: CompanyValue | None) -> Message:
    """The direct message each receiver gets."""
    where = ("It's also posted in the recognition channel." if kudos.public
             else "It was sent privately and isn't posted in any channel.")
    return Message(fallback="You received kudos!", blocks=(
        Section(text(Mention(kudos.giver_id), " sent kudos to ", *mention_list(kudos.receiver_ids),
                     _for(value), ":")),
        Section(text(kudos.message)),
        Context(text(f"{where} Managers get a short note when their people receive kudos; "
                     f"{NOTICES_OFF} stops the notes about yours.")),
    ))


def manager_notice(kudos: Kudos, value: CompanyValue | None, report_id: str) -> Message:
    """A private note to a receiver's manager; private kudos keep their words to the receivers."""
    said: tuple[Section, ...] = ()
    if kudos.public:
        said = (Section(text(kudos.message)),)
    private = "" if kudos.public else " The kudos were private, so their words stay with them."
    return Message(fallback="Someone you manage received kudos", blocks=(
        Section(text(Mention(report_id), " received kudos from ", Mention(kudos.giver_id),
                     _for(value), ":" if kudos.public else ".")),
        *said,
        Context(text("Only you see this note, because you're ", Mention(report_id),
                     f"'s manager.{private} ", Mention(report_id),
                     f" can turn these notes off with {NOTICES_OFF}.")),
    ))


def private_receipt(kudos: Kudos, value: CompanyValue | None = None) -> Message:
    """The giver's copy of kudos sent privately."""
    return Message(fallback="Your kudos were sent privately", blocks=(
        Section(text("You sent kudos privately to ", *mention_list(kudos.receiver_ids), _for(value),
                     ":")),
        Section(text(kudos.message)),
        Context(text("They aren't posted in any channel. Receivers' managers may get a note "
                     "that you sent kudos, without your words.")),
    ))
