"""Pulse schedule rules: local times across zones and DST, quiet hours, weekends, eligibility."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from teamwell.core.people import Person
from teamwell.core.pulse_schedule import (
    NEW_HIRE_DAYS,
    PulseSchedule,
    closes_at,
    invite_at,
    is_eligible,
    out_of_quiet_hours,
    parse_weekday,
    reminder_at,
    round_day,
)

TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
HONOLULU = ZoneInfo("Pacific/Honolulu")
CAIRO = ZoneInfo("Africa/Cairo")  # changes clocks on weekdays, at midnight
ZONES = (TOKYO, LONDON, NEW_YORK, HONOLULU)
DEFAULT = PulseSchedule()


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def local(moment: datetime, zone: ZoneInfo) -> tuple[str, time]:
    at = moment.astimezone(zone)
    return at.strftime("%a %d %b"), at.time()


def test_the_default_pulse_is_tuesday_at_ten_for_three_working_days_with_four_questions() -> None:
    assert (DEFAULT.weekday, DEFAULT.at, DEFAULT.open_days, DEFAULT.per_round) == (
        1, time(10), 3, 4)
    assert (DEFAULT.quiet_start, DEFAULT.quiet_end) == (time(19), time(8))


@pytest.mark.parametrize(("changes", "message"), [
    ({"weekday": 5}, "pulse day must be Monday to Friday"),
    ({"weekday": 6}, "pulse day must be Monday to Friday"),
    ({"weekday": -1}, "pulse day must be Monday to Friday"),
    ({"at": time(20, 0)}, "pulse time 20:00 falls in quiet hours 19:00-08:00"),
    ({"at": time(7, 59)}, "pulse time 07:59 falls in quiet hours 19:00-08:00"),
    ({"at": time(12, 30), "quiet_start": time(12), "quiet_end": time(14)}, "falls in quiet hours"),
    ({"at": time(10, tzinfo=UTC)}, "local wall-clock times"),
    ({"open_days": 0}, "open 1 to 14 working days, not 0"),
    ({"open_days": 15}, "open 1 to 14 working days, not 15"),
    ({"per_round": 2}, "questions per round must be 3 or 4"),
    ({"per_round": 5}, "the monthly eNPS question makes 5"),
])
def test_a_bad_schedule_is_refused_with_a_clear_message(changes: dict[str, object],
                                                        message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PulseSchedule(**changes)  # type: ignore[arg-type]


def test_the_quiet_window_may_wrap_midnight_or_be_switched_off() -> None:
    assert DEFAULT.in_quiet_hours(time(23)) and DEFAULT.in_quiet_hours(time(0))
    assert not DEFAULT.in_quiet_hours(time(8)) and DEFAULT.in_quiet_hours(time(19))
    assert PulseSchedule(at=time(3), quiet_start=time(0), quiet_end=time(0)).at == time(3)
    lunch = PulseSchedule(quiet_start=time(12), quiet_end=time(13))
    assert lunch.in_quiet_hours(time(12, 30)) and not lunch.in_quiet_hours(time(22))


@pytest.mark.parametrize(("text", "day"), [
    ("tue", 1), ("Tuesday", 1), (" TUES ", 1), ("mon", 0), ("wed", 2), ("Thurs", 3), ("fri", 4),
])
def test_a_weekday_is_read_from_its_name_or_an_abbreviation(text: str, day: int) -> None:
    assert parse_weekday(text) == day


@pytest.mark.parametrize(("text", "message"), [
    ("sat", "Monday to Friday, not Saturday"),
    ("Sunday", "Monday to Friday, not Sunday"),
    ("2", "rather than a number"),
    ("tu", "not a day of the week"),
    ("", "not a day of the week"),
    ("tuesdays", "not a day of the week"),
])
def test_a_weekend_a_number_or_a_non_day_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weekday(text)


@pytest.mark.parametrize(("zone", "expected"), [
    (TOKYO, utc(2026, 3, 3, 1)),
    (LONDON, utc(2026, 3, 3, 10)),
    (NEW_YORK, utc(2026, 3, 3, 15)),
    (HONOLULU, utc(2026, 3, 3, 20)),
])
def test_the_invitation_goes_on_tuesday_at_ten_local_time(zone: ZoneInfo,
                                                          expected: datetime) -> None:
    assert invite_at(DEFAULT, date(2026, 3, 2), zone) == expected


@pytest.mark.parametrize(("zone", "before", "after", "utc_before", "utc_after"), [
    (NEW_YORK, date(2026, 3, 2), date(2026, 3, 9), 15, 14),  # US clocks go forward 8 March
    (LONDON, date(2026, 3, 23), date(2026, 3, 30), 10, 9),  # UK clocks go forward 29 March
    (LONDON, date(2026, 10, 19), date(2026, 10, 26), 9, 10),  # UK clocks go back 25 October
    (NEW_YORK, date(2026, 10, 26), date(2026, 11, 2), 14, 15),  # US clocks go back 1 November
])
def test_daylight_saving_changes_keep_the_invitation_at_ten_local(
    zone: ZoneInfo, before: date, after: date, utc_before: int, utc_after: int
) -> None:
    first, second = invite_at(DEFAULT, before, zone), invite_at(DEFAULT, after, zone)

    assert (first.hour, second.hour) == (utc_before, utc_after)
    assert local(first, zone)[1] == local(second, zone)[1] == time(10)


def test_a_pulse_time_skipped_by_a_clock_change_moves_forward_and_a_repeated_one_takes_the_first(
) -> None:
    # Cairo jumps from Friday 26 April 2024 00:00 to 01:00, and repeats 23:00-24:00 on 31 October.
    friday = PulseSchedule(weekday=4, at=time(0, 30), quiet_start=time(0), quiet_end=time(0))
    thursday = PulseSchedule(weekday=3, at=time(23, 30), quiet_start=time(0), quiet_end=time(0))

    skipped = invite_at(friday, date(2024, 4, 22), CAIRO)
    repeated = invite_at(thursday, date(2024, 10, 28), CAIRO)

    assert local(skipped, CAIRO) == ("Fri 26 Apr", time(1, 30))
    assert repeated == utc(2024, 10, 31, 20, 30)  # 23:30 summer time, the first of the two


def test_a_week_must_be_given_by_its_monday() -> None:
    with pytest.raises(ValueError, match="week_monday must be a Monday, not Tuesday"):
        invite_at(DEFAULT, date(2026, 3, 3), LONDON)
    assert round_day(PulseSchedule(weekday=4), date(2026, 3, 2)) == date(2026, 3, 6)


@pytest.mark.parametrize(("weekday", "open_days", "closes"), [
    (1, 3, "Fri 06 Mar"), (3, 3, "Tue 10 Mar"), (4, 1, "Mon 09 Mar"), (0, 5, "Mon 09 Mar"),
    (1, 14, "Mon 23 Mar"),
])
def test_a_round_stays_open_for_whole_working_days_skipping_the_weekend(
    weekday: int, open_days: int, closes: str
) -> None:
    schedule = PulseSchedule(weekday=weekday, open_days=open_days)
    invited = invite_at(schedule, date(2026, 3, 2), NEW_YORK)

    closing = closes_at(schedule, invited, NEW_YORK)

    assert local(closing, NEW_YORK) == (closes, time(10))


def test_a_late_invitation_keeps_its_full_open_period() -> None:
    invited = utc(2026, 3, 3, 15, 45)  # 15:45 in London on the Tuesday

    assert local(closes_at(DEFAULT, invited, LONDON), LONDON) == ("Fri 06 Mar", time(15, 45))


@pytest.mark.parametrize(("weekday", "open_days", "reminded"), [
    (1, 3, ("Wed 04 Mar", time(10))),
    (1, 2, ("Wed 04 Mar", time(10))),
    (1, 5, ("Thu 05 Mar", time(10))),
    (3, 4, ("Mon 09 Mar", time(10))),
    (1, 1, ("Wed 04 Mar", time(8))),  # no day in between: the end of that night's quiet hours
    (4, 1, ("Mon 09 Mar", time(8))),  # ...and never on the weekend
])
def test_the_one_reminder_comes_about_halfway_on_a_working_day_outside_quiet_hours(
    weekday: int, open_days: int, reminded: tuple[str, time]
) -> None:
    schedule = PulseSchedule(weekday=weekday, open_days=open_days)
    invited = invite_at(schedule, date(2026, 3, 2), TOKYO)

    reminder = reminder_at(schedule, invited, TOKYO)

    assert reminder is not None and local(reminder, TOKYO) == reminded


def test_a_one_day_round_gets_no_reminder_when_quiet_hours_end_as_it_closes() -> None:
    schedule = PulseSchedule(at=time(8, 30), open_days=1)
    invited = invite_at(schedule, date(2026, 3, 2), LONDON)

    assert reminder_at(schedule, invited, LONDON) is None


@pytest.mark.parametrize("open_days", range(1, 15))
@pytest.mark.parametrize("weekday", range(5))
def test_over_twelve_weeks_in_four_zones_everything_lands_on_working_days_outside_quiet_hours(
    weekday: int, open_days: int
) -> None:
    schedule = PulseSchedule(weekday=weekday, open_days=open_days)
    for zone in ZONES:
        for week in range(12):  # from late February: both March clock changes included
            invited = invite_at(schedule, date(2026, 2, 23) + timedelta(weeks=week), zone)

            reminder = reminder_at(schedule, invited, zone)
            closing = closes_at(schedule, invited, zone)

            assert reminder is not None, (zone, week)
            assert invited < reminder < closing
            for moment in (invited, reminder, closing):
                at = moment.astimezone(zone)
                assert at.weekday() < 5 and not schedule.in_quiet_hours(at.time())
            assert local(invited, zone)[1] == time(10)


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 3, 3, 14, 0, tzinfo=LONDON), datetime(2026, 3, 3, 14, 0, tzinfo=LONDON)),
    (datetime(2026, 3, 3, 21, 0, tzinfo=LONDON), datetime(2026, 3, 4, 8, 0, tzinfo=LONDON)),
    (datetime(2026, 3, 4, 6, 30, tzinfo=LONDON), datetime(2026, 3, 4, 8, 0, tzinfo=LONDON)),
    (datetime(2026, 3, 6, 20, 0, tzinfo=LONDON), datetime(2026, 3, 9, 8, 0, tzinfo=LONDON)),
    (datetime(2026, 3, 7, 12, 0, tzinfo=LONDON), datetime(2026, 3, 9, 8, 0, tzinfo=LONDON)),
    (datetime(2026, 3, 28, 12, 0, tzinfo=LONDON), datetime(2026, 3, 30, 8, 0, tzinfo=LONDON)),
])
def test_a_moment_in_quiet_hours_or_at_the_weekend_moves_to_the_next_working_morning(
    moment: datetime, expected: datetime
) -> None:
    assert out_of_quiet_hours(moment, DEFAULT, LONDON) == expected.astimezone(UTC)


def test_quiet_hours_are_read_in_the_persons_zone() -> None:
    moment = utc(2026, 3, 3, 14)  # Tuesday afternoon in London, 23:00 in Tokyo

    assert out_of_quiet_hours(moment, DEFAULT, LONDON) == moment
    assert local(out_of_quiet_hours(moment, DEFAULT, TOKYO), TOKYO) == ("Wed 04 Mar", time(8))


def test_a_daytime_quiet_window_ends_the_same_day_and_no_window_only_skips_the_weekend() -> None:
    lunch = PulseSchedule(quiet_start=time(12), quiet_end=time(13))
    always = PulseSchedule(quiet_start=time(0), quiet_end=time(0))

    assert out_of_quiet_hours(utc(2026, 3, 3, 12, 30), lunch, LONDON) == utc(2026, 3, 3, 13)
    assert out_of_quiet_hours(utc(2026, 3, 8, 3), always, LONDON) == utc(2026, 3, 9)


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        out_of_quiet_hours(datetime(2026, 3, 3, 12), DEFAULT, LONDON)
    with pytest.raises(ValueError, match="timezone-aware"):
        closes_at(DEFAULT, datetime(2026, 3, 3, 10), LONDON)


def hire(start: date | None, active: bool = True) -> Person:
    return Person("p1", "w1", "Aroha", start_date=start, active=active)


@pytest.mark.parametrize(("start", "today", "days", "reason"), [
    (date(2026, 3, 1), date(2026, 3, 30), NEW_HIRE_DAYS, "new hire"),  # day 30 of 30
    (date(2026, 3, 1), date(2026, 3, 31), NEW_HIRE_DAYS, None),
    (date(2026, 4, 1), date(2026, 3, 31), 0, "new hire"),  # not started yet
    (date(2026, 3, 1), date(2026, 3, 1), 0, None),
    (date(2026, 3, 1), date(2026, 5, 1), 90, "new hire"),
    (None, date(2026, 3, 1), NEW_HIRE_DAYS, None),  # start date unknown
])
def test_new_hires_are_left_out_of_pulses_for_their_first_days(
    start: date | None, today: date, days: int, reason: str | None
) -> None:
    assert is_eligible(hire(start), today, days) == reason


def test_people_inactive_opted_out_or_on_leave_are_not_asked_and_say_why() -> None:
    today, veteran = date(2026, 3, 3), hire(date(2020, 1, 6))

    assert is_eligible(veteran, today) is None
    assert is_eligible(veteran, today, opted_out=True) == "opted out"
    assert is_eligible(veteran, today, on_leave=True) == "on leave"
    assert is_eligible(hire(date(2020, 1, 6), active=False), today, opted_out=True) == "inactive"
    with pytest.raises(ValueError, match="cannot be negative"):
        is_eligible(veteran, today, -1)
