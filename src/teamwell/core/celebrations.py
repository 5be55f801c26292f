"""Celebrations: work anniversaries and opted-in birthdays, posted at a local time off weekends.

Times are wall-clock times in the person's zone; every moment returned is UTC. Decisions:

* A celebration is posted at settings.at (09:00) on its posting day in the person's zone. A wall
  time skipped by a daylight-saving jump moves forward by the jump; a repeated one means the first.
* An occasion on a Saturday or Sunday (in the person's own calendar) moves to the Monday after by
  default, as an onboarding's day 0 does: nobody is congratulated on a day that has not come yet.
  FRIDAY_BEFORE is the other choice, for teams that prefer to celebrate before the weekend.
* Feb 29 is celebrated on Feb 28 in other years, so it stays in its month.
* A birthday's year is meaningless (HR may give a placeholder such as 1900): no celebration
  carries it and no message shows an age or a birth year.
* Inactive or opted-out people get nothing. Birthdays also need the person's own opt-in and are
  only celebrated from the start date on (when known). The first day is not an anniversary.
* The idempotency key names the occasion, not the posting day, so changing the weekend rule or
  the time never posts the same occasion twice.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import MAXYEAR, MINYEAR, date, datetime, time, timedelta
from enum import StrEnum

from teamwell.core.copy import BOT_NAME
from teamwell.core.messages import Block, Context, Header, Mention, Message, Section, text
from teamwell.core.onboarding_plan import is_business_day, local_moment, next_business_day
from teamwell.core.people import Person

OPT_OUT_COMMAND = "/teamwell celebrations off"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class CelebrationKind(StrEnum):
    """What is being celebrated."""

    ANNIVERSARY = "anniversary"
    BIRTHDAY = "birthday"


class WeekendRule(StrEnum):
    """Where an occasion falling on a weekend is moved."""

    FRIDAY_BEFORE = "friday_before"
    MONDAY_AFTER = "monday_after"


@dataclass(frozen=True, slots=True)
class CelebrationSettings:
    """A workspace's celebration settings; birthdays still need each person's opt-in."""

    at: time = time(9, 0)
    weekend: WeekendRule = WeekendRule.MONDAY_AFTER
    anniversaries: bool = True
    birthdays: bool = True

    def __post_init__(self) -> None:
        if self.at.tzinfo is not None:
            raise ValueError("the celebration time is a local wall-clock time; leave out the zone")


@dataclass(frozen=True, slots=True)
class Celebration:
    """One occasion for one person: when it really is, and when it is posted."""

    person_id: str
    kind: CelebrationKind
    occasion: date
    post_on: date
    post_at: datetime
    years: int | None

    def __post_init__(self) -> None:
        if self.post_at.tzinfo is None or self.post_at.utcoffset() is None:
            raise ValueError("post_at must be timezone-aware")
        # A birthday with a number attached is an age; refuse it before it reaches a message.
        if self.kind is CelebrationKind.BIRTHDAY and self.years is not None:
            raise ValueError("a birthday never carries a year count")
        if self.kind is CelebrationKind.ANNIVERSARY and (self.years is None or self.years < 1):
            raise ValueError(f"an anniversary needs at least one year, not {self.years}")

    @property
    def key(self) -> str:
        """A stable idempotency key for this occasion (the same whatever day it is posted)."""
        return f"celebration:{self.kind}:{self.person_id}:{self.occasion.isoformat()}"


def occasion_in_year(start_or_birthday: date, year: int) -> date:
    """The same day and month in year; Feb 29 becomes Feb 28 when year is not a leap year."""
    if (start_or_birthday.month, start_or_birthday.day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return start_or_birthday.replace(year=year)


def posting_day(occasion: date, rule: WeekendRule) -> date:
    """The occasion itself on a weekday, else the Friday before or the Monday after."""
    if rule is WeekendRule.MONDAY_AFTER:
        return next_business_day(occasion)
    day = occasion
    while not is_business_day(day):
        day -= timedelta(days=1)
    return day


def _celebration(person: Person, kind: CelebrationKind, occasion: date,
                 settings: CelebrationSettings, years: int | None) -> Celebration:
    post_on = posting_day(occasion, settings.weekend)
    return Celebration(person.id, kind, occasion, post_on,
                       local_moment(post_on, settings.at, person.zone), years)


def celebrations_for(person: Person, year: int, settings: CelebrationSettings,
                     birthday_opt_in: bool, opted_out: bool) -> list[Celebration]:
    """The person's celebrations whose occasion falls in year (none when inactive or opted out)."""
    if not person.active or opted_out:
        return []
    found: list[Celebration] = []
    start = person.start_date
    # year > start year: the first day is a start, not an anniversary, and a future start has none.
    if settings.anniversaries and start is not None and year > start.year:
        found.append(_celebration(person, CelebrationKind.ANNIVERSARY,
                                  occasion_in_year(start, year), settings, year - start.year))
    if settings.birthdays and birthday_opt_in and person.birthday is not None:
        birthday = _celebration(person, CelebrationKind.BIRTHDAY,
                                occasion_in_year(person.birthday, year), settings, None)
        # Someone who has not joined yet is not in the channel to be congratulated.
        if start is None or min(birthday.occasion, birthday.post_on) >= start:
            found.append(birthday)
    return found


def due_celebrations(people: Iterable[tuple[Person, bool, bool]], now: datetime,
                     settings: CelebrationSettings,
                     window: timedelta = timedelta(hours=24)) -> list[Celebration]:
    """Every celebration posted in (now - window, now], oldest first; people as (p, opt_in, out)."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    if window <= timedelta(0):
        raise ValueError(f"the window must be positive, not {window}")
    since = now - window
    due: list[Celebration] = []
    for person, birthday_opt_in, opted_out in people:
        zone = person.zone
        # A weekend move can cross New Year (a Sunday Jan 1 is posted on Friday Dec 30), so look
        # one year beyond each end of the local years the window touches.
        first = max(MINYEAR, since.astimezone(zone).year - 1)
        last = min(MAXYEAR, now.astimezone(zone).year + 1)
        for year in range(first, last + 1):
            due.extend(c for c in celebrations_for(person, year, settings, birthday_opt_in,
                                                   opted_out)
                       if since < c.post_at <= now)
    return sorted(due, key=lambda c: (c.post_at, c.person_id, c.kind))


def _years(count: int) -> str:
    return f"{count} year{'' if count == 1 else 's'}"


def _moved(c: Celebration, word: str) -> str:
    # Posts name the real day of a moved occasion, so nobody wonders why it came on a Monday.
    return "" if c.post_on == c.occasion else f" {word} {WEEKDAYS[c.occasion.weekday()]}"


def celebration_post(celebrations: Sequence[Celebration]) -> Message:
    """One channel message for everyone celebrated in a tick: anniversaries, then birthdays."""
    if not celebrations:
        raise ValueError("there is nothing to celebrate")
    anniversaries = sorted((c for c in celebrations if c.kind is CelebrationKind.ANNIVERSARY),
                           key=lambda c: (-(c.years or 0), c.person_id))
    birthdays = sorted((c for c in celebrations if c.kind is CelebrationKind.BIRTHDAY),
                       key=lambda c: c.person_id)
    blocks: list[Block] = [Header("Time to celebrate")]
    blocks.extend(Section(text(Mention(c.person_id),
                               f": {_years(c.years or 0)} at the company{_moved(c, 'on')}. "
                               "Thank you!"))
                  for c in anniversaries)
    blocks.extend(Section(text(f"Happy birthday{_moved(c, 'for')}, ",
                               Mention(c.person_id), "!"))
                  for c in birthdays)
    blocks.append(Context(text(
        f"I'm {BOT_NAME}, a bot. Birthdays appear only for people who asked for them, and never "
        f"with an age. Anyone can type {OPT_OUT_COMMAND} to be left out.")))
    # Words, not counts: a birthday-only message then holds no number anyone could read as an age.
    shown: list[str] = []
    if anniversaries:
        shown.append("work anniversaries" if len(anniversaries) > 1 else "a work anniversary")
    if birthdays:
        shown.append("birthdays" if len(birthdays) > 1 else "a birthday")
    return Message(fallback=f"Time to celebrate: {' and '.join(shown)}.", blocks=tuple(blocks))


def _anniversary_line(c: Celebration) -> str:
    span = _years(c.years or 0)
    day = WEEKDAYS[c.occasion.weekday()]
    if c.occasion > c.post_on:
        return (f"On {day} it will be {span} since you joined; I'm saying it today so it doesn't "
                "get lost in the weekend. Thank you for everything you bring to the team.")
    if c.occasion < c.post_on:
        return (f"{day} marked {span} since you joined; I waited until the weekend was over. "
                "Thank you for everything you bring to the team.")
    return f"Today it's {span} since you joined. Thank you for everything you bring to the team."


def _birthday_line(c: Celebration) -> str:
    day = WEEKDAYS[c.occasion.weekday()]
    if c.occasion > c.post_on:
        return (f"Happy birthday for {day}! I'm a little early so it doesn't get lost in the "
                "weekend. I hope it's a lovely one.")
    if c.occasion < c.post_on:
        return (f"Happy belated birthday for {day}! I waited until the weekend was over. "
                "I hope it was a lovely one.")
    return "Happy birthday! I hope you have a lovely day."


def celebration_dm(c: Celebration) -> Message:
    """The direct message to the person celebrated, with how to opt out."""
    if c.kind is CelebrationKind.BIRTHDAY:
        fallback, header, line = "Happy birthday!", "Happy birthday!", _birthday_line(c)
        why = "You asked me to mark your birthday; I never share your age or birth year."
    else:
        fallback = f"Happy work anniversary: {_years(c.years or 0)}!"
        header, line = "Happy work anniversary!", _anniversary_line(c)
        why = "I mark work anniversaries for everyone who hasn't opted out."
    return Message(fallback=fallback, blocks=(
        Header(header),
        Section(text(line)),
        Context(text(f"I'm {BOT_NAME}, a bot. {why} Your team may see a short note in the "
                     f"celebrations channel too. Type {OPT_OUT_COMMAND} and I'll leave you out "
                     "from now on.")),
    ))
