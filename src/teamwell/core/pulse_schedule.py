"""When a pulse round opens, reminds and closes in each person's zone, and who is asked.

Times are wall-clock times in the person's zone; every moment returned is UTC. Decisions:

* The round opens on the schedule's weekday (Monday to Friday) at its local time. A wall time
  skipped by a daylight-saving jump moves forward by the jump; a repeated one means the first.
* open_days counts working days (Monday to Friday): the round closes at the invitation's local
  time that many working days after the invitation day, so a Thursday round with 3 days closes on
  Tuesday and people get three full working days. Public holidays are not known here.
* One reminder: open_days // 2 working days after the invitation day at the schedule's time.
  With a single open day there is no day in between, so the reminder goes at the middle of the
  open period moved out of quiet hours and weekends, or not at all (None) when that leaves less
  than an hour before the round closes.
* Quiet hours are a local window that may wrap midnight; start == end means none. Nothing is
  sent inside them or on a Saturday or Sunday.
* New hires are left out until new_hire_days after their start date; an unknown start date
  counts as eligible.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from teamwell.core.onboarding_plan import add_business_days, is_business_day, local_moment
from teamwell.core.people import Person
from teamwell.core.pulse_rotation import check_per_round

NEW_HIRE_DAYS = 30
MAX_OPEN_DAYS = 14
REMINDER_LEAD = timedelta(hours=1)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FRIDAY = 4

INACTIVE = "inactive"
OPTED_OUT = "opted out"
ON_LEAVE = "on leave"
NEW_HIRE = "new hire"


@dataclass(frozen=True, slots=True)
class PulseSchedule:
    """A workspace's or team's pulse rhythm: weekly on a weekday at a local time."""

    weekday: int = 1
    at: time = time(10, 0)
    open_days: int = 3
    quiet_start: time = time(19, 0)
    quiet_end: time = time(8, 0)
    per_round: int = 4

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= FRIDAY:
            raise ValueError(f"pulse day must be Monday to Friday (0 to 4), not {self.weekday}")
        if any(t.tzinfo is not None for t in (self.at, self.quiet_start, self.quiet_end)):
            raise ValueError("pulse times are local wall-clock times; leave out the time zone")
        if not 1 <= self.open_days <= MAX_OPEN_DAYS:
            raise ValueError(
                f"a round stays open 1 to {MAX_OPEN_DAYS} working days, not {self.open_days}"
            )
        check_per_round(self.per_round)
        if self.in_quiet_hours(self.at):
            raise ValueError(
                f"pulse time {self.at:%H:%M} falls in quiet hours "
                f"{self.quiet_start:%H:%M}-{self.quiet_end:%H:%M}"
            )

    def in_quiet_hours(self, wall: time) -> bool:
        """True when a local wall-clock time falls inside the quiet window."""
        wall = wall.replace(tzinfo=None, fold=0)
        if self.quiet_start < self.quiet_end:
            return self.quiet_start <= wall < self.quiet_end
        if self.quiet_start > self.quiet_end:
            return wall >= self.quiet_start or wall < self.quiet_end
        return False


def parse_weekday(text: str) -> int:
    """Monday=0 to Friday=4 from a day name or its first three or more letters ("tue", "Tues")."""
    word = text.strip().lower()
    if word.isdigit():
        # 1 is Monday to some people and Tuesday to others; names are never ambiguous.
        raise ValueError(f"use a day name such as 'tue' rather than a number: {text!r}")
    matches = [i for i, name in enumerate(DAY_NAMES) if len(word) >= 3 and name.startswith(word)]
    if not matches:
        raise ValueError(f"{text!r} is not a day of the week; try 'mon' to 'fri'")
    day = matches[0]
    if day > FRIDAY:
        raise ValueError(f"pulse day must be Monday to Friday, not {DAY_NAMES[day].title()}")
    return day


def round_day(schedule: PulseSchedule, week_monday: date) -> date:
    """The local date of the round in the week starting week_monday (the same in every zone)."""
    if week_monday.weekday() != 0:
        raise ValueError(f"week_monday must be a Monday, not {week_monday:%A} {week_monday}")
    return week_monday + timedelta(days=schedule.weekday)


def invite_at(schedule: PulseSchedule, week_monday: date, zone: ZoneInfo) -> datetime:
    """The UTC moment of the round's invitation in that zone for the week starting week_monday."""
    return local_moment(round_day(schedule, week_monday), schedule.at, zone)


def closes_at(schedule: PulseSchedule, invited: datetime, zone: ZoneInfo) -> datetime:
    """When the round closes: the invitation's local time, open_days working days later."""
    local = _local(invited, zone)
    last_day = add_business_days(local.date(), schedule.open_days)
    return local_moment(last_day, local.time(), zone)


def reminder_at(schedule: PulseSchedule, invited: datetime, zone: ZoneInfo) -> datetime | None:
    """The one reminder, about halfway through the open period; None when there is no room."""
    closing = closes_at(schedule, invited, zone)
    if schedule.open_days >= 2:
        middle = add_business_days(_local(invited, zone).date(), schedule.open_days // 2)
        candidate = local_moment(middle, schedule.at, zone)
    else:
        candidate = invited.astimezone(UTC) + (closing - invited) / 2
    reminder = out_of_quiet_hours(candidate, schedule, zone)
    return reminder if reminder + REMINDER_LEAD <= closing else None


def out_of_quiet_hours(moment: datetime, schedule: PulseSchedule, zone: ZoneInfo) -> datetime:
    """The moment itself, or the first later one outside quiet hours and off the weekend."""
    moment = _local(moment, zone)
    # Each pass moves strictly forward; a quiet evening, a weekend and a quiet morning take four.
    for _ in range(8):
        local = moment.astimezone(zone)
        if not is_business_day(local.date()):
            days_to_monday = 7 - local.weekday()
            moment = local_moment(local.date() + timedelta(days=days_to_monday), time(0), zone)
        elif schedule.in_quiet_hours(local.time()):
            # In the evening part of a window that wraps midnight, quiet ends tomorrow.
            wraps = schedule.quiet_start > schedule.quiet_end
            evening = wraps and local.time() >= schedule.quiet_start
            end_day = local.date() + timedelta(days=1 if evening else 0)
            moment = local_moment(end_day, schedule.quiet_end, zone)
        else:
            return moment.astimezone(UTC)
    raise AssertionError("quiet hours and weekends never cover a whole week")


def is_eligible(
    person: Person,
    today: date,
    new_hire_days: int = NEW_HIRE_DAYS,
    *,
    opted_out: bool = False,
    on_leave: bool = False,
) -> str | None:
    """None when the person is asked this round, else why not ("inactive", "new hire", ...)."""
    if new_hire_days < 0:
        raise ValueError(f"new_hire_days cannot be negative, not {new_hire_days}")
    if not person.active:
        return INACTIVE
    if opted_out:
        return OPTED_OUT
    if on_leave:
        return ON_LEAVE
    if person.start_date is not None and today < person.start_date + timedelta(days=new_hire_days):
        return NEW_HIRE
    return None


def _local(moment: datetime, zone: ZoneInfo) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("moments must be timezone-aware")
    return moment.astimezone(zone)
