"""Celebration rules: 09:00 local from UTC-10 to UTC+14, weekends, Feb 29, opt-ins, messages."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from teamwell.core.celebrations import (
    Celebration,
    CelebrationKind,
    CelebrationSettings,
    WeekendRule,
    celebration_dm,
    celebration_post,
    celebrations_for,
    due_celebrations,
    occasion_in_year,
    posting_day,
)
from teamwell.core.messages import Context, Header, Message, Section, mentioned_people
from teamwell.core.people import Person

MONDAY = CelebrationSettings()
FRIDAY = CelebrationSettings(weekend=WeekendRule.FRIDAY_BEFORE)
ANNIVERSARY = CelebrationKind.ANNIVERSARY
BIRTHDAY = CelebrationKind.BIRTHDAY


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def person(start: date | None = date(2020, 1, 15), birthday: date | None = None,
           zone: str = "UTC", pid: str = "p1", active: bool = True) -> Person:
    return Person(id=pid, workspace_id="w1", name="Ana", start_date=start, birthday=birthday,
                  timezone=zone, active=active)


def of_kind(found: list[Celebration], kind: CelebrationKind) -> list[Celebration]:
    return [c for c in found if c.kind is kind]


def plain(message: Message) -> str:
    lines = [message.fallback]
    for block in message.blocks:
        if isinstance(block, Header):
            lines.append(block.title)
        elif isinstance(block, Section | Context):
            lines.append(block.body.plain())
    return "\n".join(lines)


# --- 09:00 local, UTC-10 to UTC+14 --------------------------------------------------------------

@pytest.mark.parametrize(("zone", "expected"), [
    ("Pacific/Honolulu", utc(2024, 1, 15, 19)),      # UTC-10
    ("Europe/London", utc(2024, 1, 15, 9)),          # UTC in winter
    ("Asia/Kolkata", utc(2024, 1, 15, 3, 30)),       # UTC+5:30
    ("Pacific/Auckland", utc(2024, 1, 14, 20)),      # UTC+13 in the southern summer
    ("Pacific/Tongatapu", utc(2024, 1, 14, 20)),     # UTC+13 all year
    ("Pacific/Kiritimati", utc(2024, 1, 14, 19)),    # UTC+14
])
def test_a_celebration_is_posted_at_nine_in_the_morning_in_the_persons_own_zone(
        zone: str, expected: datetime) -> None:
    hire = person(start=date(2021, 1, 15), birthday=date(1900, 1, 15), zone=zone)

    found = celebrations_for(hire, 2024, MONDAY, birthday_opt_in=True, opted_out=False)

    assert [(c.kind, c.occasion, c.post_on, c.post_at) for c in found] == [
        (ANNIVERSARY, date(2024, 1, 15), date(2024, 1, 15), expected),
        (BIRTHDAY, date(2024, 1, 15), date(2024, 1, 15), expected),
    ]
    assert found[0].post_at.astimezone(ZoneInfo(zone)).time() == time(9)


def test_the_celebration_time_can_be_changed_but_must_be_a_local_wall_clock_time() -> None:
    hire = person(start=date(2021, 1, 15), zone="Asia/Kolkata")

    [found] = celebrations_for(hire, 2024, CelebrationSettings(at=time(11, 0)), False, False)

    assert found.post_at == utc(2024, 1, 15, 5, 30)
    with pytest.raises(ValueError, match="local wall-clock time"):
        CelebrationSettings(at=time(9, tzinfo=UTC))


def test_people_sixteen_hours_apart_get_the_same_local_date_at_different_instants() -> None:
    honolulu = person(start=date(2023, 3, 6), zone="Pacific/Honolulu", pid="hnl")
    kiritimati = person(start=date(2023, 3, 6), zone="Pacific/Kiritimati", pid="cxi")

    [west] = celebrations_for(honolulu, 2024, MONDAY, False, False)
    [east] = celebrations_for(kiritimati, 2024, MONDAY, False, False)

    assert west.post_on == east.post_on == date(2024, 3, 6)
    assert west.post_at - east.post_at == timedelta(hours=24)


# --- Weekends, month ends and year ends --------------------------------------------------------

@pytest.mark.parametrize(("occasion", "rule", "expected"), [
    (date(2024, 3, 30), WeekendRule.MONDAY_AFTER, date(2024, 4, 1)),     # Saturday, month end
    (date(2024, 3, 30), WeekendRule.FRIDAY_BEFORE, date(2024, 3, 29)),
    (date(2023, 10, 1), WeekendRule.MONDAY_AFTER, date(2023, 10, 2)),    # Sunday
    (date(2023, 10, 1), WeekendRule.FRIDAY_BEFORE, date(2023, 9, 29)),   # back across a month
    (date(2022, 12, 31), WeekendRule.MONDAY_AFTER, date(2023, 1, 2)),    # Saturday, into a year
    (date(2023, 1, 1), WeekendRule.FRIDAY_BEFORE, date(2022, 12, 30)),   # Sunday, back a year
    (date(2024, 1, 17), WeekendRule.FRIDAY_BEFORE, date(2024, 1, 17)),   # a Wednesday stays
])
def test_a_weekend_occasion_moves_to_the_friday_before_or_the_monday_after(
        occasion: date, rule: WeekendRule, expected: date) -> None:
    assert posting_day(occasion, rule) == expected


def test_the_default_moves_weekend_occasions_to_the_monday_after_at_nine() -> None:
    assert (MONDAY.weekend, MONDAY.at, MONDAY.anniversaries, MONDAY.birthdays) == (
        WeekendRule.MONDAY_AFTER, time(9), True, True)


def test_a_saturday_new_years_eve_birthday_is_posted_in_the_next_or_same_year_by_rule() -> None:
    hire = person(start=date(2019, 6, 3), birthday=date(1900, 12, 31), zone="Pacific/Honolulu")

    [after] = of_kind(celebrations_for(hire, 2022, MONDAY, True, False), BIRTHDAY)
    [before] = of_kind(celebrations_for(hire, 2022, FRIDAY, True, False), BIRTHDAY)

    assert (after.occasion, after.post_on, after.post_at) == (
        date(2022, 12, 31), date(2023, 1, 2), utc(2023, 1, 2, 19))
    assert (before.occasion, before.post_on, before.post_at) == (
        date(2022, 12, 31), date(2022, 12, 30), utc(2022, 12, 30, 19))


def test_a_sunday_new_years_day_anniversary_is_found_when_due_in_the_previous_year() -> None:
    hire = person(start=date(2020, 1, 1), zone="Pacific/Auckland")
    friday_nine_in_auckland = utc(2022, 12, 29, 20)  # Fri 30 Dec 09:00 NZDT

    due = due_celebrations([(hire, False, False)], friday_nine_in_auckland, FRIDAY)

    assert [(c.occasion, c.post_on, c.years) for c in due] == [
        (date(2023, 1, 1), date(2022, 12, 30), 3)]


def test_a_saturday_new_years_eve_birthday_is_found_when_due_in_the_next_year() -> None:
    hire = person(start=date(2019, 6, 3), birthday=date(1900, 12, 31), zone="Europe/London")

    due = due_celebrations([(hire, True, False)], utc(2023, 1, 2, 9), MONDAY)

    assert [(c.kind, c.occasion, c.post_on) for c in due] == [
        (BIRTHDAY, date(2022, 12, 31), date(2023, 1, 2))]


def test_the_weekend_is_the_persons_own_weekend_not_utcs() -> None:
    # Monday 09:00 in Kiritimati is still Sunday in UTC; Friday 16:00 in Honolulu is Saturday.
    kiritimati = person(start=date(2023, 9, 30), zone="Pacific/Kiritimati")
    honolulu = person(start=date(2023, 9, 27), zone="Pacific/Honolulu")

    [monday] = celebrations_for(kiritimati, 2024, MONDAY, False, False)
    [friday] = celebrations_for(honolulu, 2024, replace(MONDAY, at=time(16)), False, False)

    assert (monday.post_on, monday.post_at) == (date(2024, 9, 30), utc(2024, 9, 29, 19))
    assert (friday.post_on, friday.post_at) == (date(2024, 9, 27), utc(2024, 9, 28, 2))


# --- Feb 29 ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("year", "expected"), [
    (2023, date(2023, 2, 28)), (2024, date(2024, 2, 29)), (2100, date(2100, 2, 28)),
])
def test_feb_29_is_celebrated_on_feb_28_outside_leap_years(year: int, expected: date) -> None:
    assert occasion_in_year(date(2020, 2, 29), year) == expected


def test_an_ordinary_date_keeps_its_day_and_month_in_any_year() -> None:
    assert occasion_in_year(date(1900, 7, 4), 2031) == date(2031, 7, 4)


def test_a_feb_29_start_has_its_anniversary_on_feb_28_and_moves_off_a_sunday() -> None:
    hire = person(start=date(2020, 2, 29))

    [tuesday] = celebrations_for(hire, 2023, MONDAY, False, False)
    [sunday] = celebrations_for(hire, 2021, MONDAY, False, False)

    assert (tuesday.occasion, tuesday.post_on, tuesday.years) == (
        date(2023, 2, 28), date(2023, 2, 28), 3)
    assert (sunday.occasion, sunday.post_on, sunday.years) == (
        date(2021, 2, 28), date(2021, 3, 1), 1)


# --- Who gets what -----------------------------------------------------------------------------

def test_no_birthday_is_celebrated_without_the_persons_opt_in() -> None:
    hire = person(birthday=date(1990, 5, 8))

    found = celebrations_for(hire, 2024, MONDAY, birthday_opt_in=False, opted_out=False)

    assert found == of_kind(found, ANNIVERSARY) and len(found) == 1


def test_an_unknown_birthday_or_a_workspace_without_birthdays_gives_no_birthday() -> None:
    no_birthday = celebrations_for(person(birthday=None), 2024, MONDAY, True, False)
    switched_off = celebrations_for(person(birthday=date(1990, 5, 8)), 2024,
                                    replace(MONDAY, birthdays=False), True, False)

    assert of_kind(no_birthday, BIRTHDAY) == [] and of_kind(switched_off, BIRTHDAY) == []


def test_a_workspace_can_switch_anniversaries_off() -> None:
    found = celebrations_for(person(birthday=date(1990, 5, 8)), 2024,
                             replace(MONDAY, anniversaries=False), True, False)

    assert [c.kind for c in found] == [BIRTHDAY]


def test_someone_who_opted_out_gets_nothing_even_with_a_birthday_opt_in() -> None:
    hire = person(birthday=date(1990, 5, 8))

    assert celebrations_for(hire, 2024, MONDAY, birthday_opt_in=True, opted_out=True) == []
    assert due_celebrations([(hire, True, True)], utc(2024, 5, 8, 9), MONDAY) == []


def test_someone_inactive_gets_nothing() -> None:
    gone = person(birthday=date(1990, 5, 8), active=False)

    assert celebrations_for(gone, 2024, MONDAY, True, False) == []
    assert due_celebrations([(gone, True, False)], utc(2024, 5, 8, 9), MONDAY) == []


def test_the_first_day_is_not_an_anniversary_but_a_year_later_is() -> None:
    hire = person(start=date(2024, 1, 15))

    assert celebrations_for(hire, 2024, MONDAY, False, False) == []
    assert [c.years for c in celebrations_for(hire, 2025, MONDAY, False, False)] == [1]


def test_a_start_date_in_the_future_gives_nothing_not_even_a_birthday() -> None:
    future = person(start=date(2025, 3, 3), birthday=date(1990, 2, 10))

    assert celebrations_for(future, 2024, MONDAY, True, False) == []
    assert celebrations_for(future, 2025, MONDAY, True, False) == []
    assert [c.kind for c in celebrations_for(future, 2026, MONDAY, True, False)] == [
        ANNIVERSARY, BIRTHDAY]


def test_a_birthday_moved_back_to_before_the_first_day_is_left_out() -> None:
    # Sunday 2 June 2024 birthday would be posted on Friday 31 May; the person starts on Monday.
    starter = person(start=date(2024, 6, 3), birthday=date(1900, 6, 2))

    assert celebrations_for(starter, 2024, FRIDAY, True, False) == []


def test_a_birthdays_placeholder_year_does_not_matter() -> None:
    hire = person(start=date(2020, 1, 6), birthday=date(1900, 8, 14))

    [birthday] = of_kind(celebrations_for(hire, 2024, MONDAY, True, False), BIRTHDAY)

    assert (birthday.occasion, birthday.years) == (date(2024, 8, 14), None)


def test_a_birthday_can_never_carry_an_age_and_an_anniversary_needs_a_year() -> None:
    moment = utc(2024, 1, 15, 9)

    with pytest.raises(ValueError, match="never carries a year count"):
        Celebration("p1", BIRTHDAY, date(2024, 1, 15), date(2024, 1, 15), moment, 34)
    with pytest.raises(ValueError, match="at least one year"):
        Celebration("p1", ANNIVERSARY, date(2024, 1, 15), date(2024, 1, 15), moment, 0)
    with pytest.raises(ValueError, match="timezone-aware"):
        Celebration("p1", ANNIVERSARY, date(2024, 1, 15), date(2024, 1, 15),
                    datetime(2024, 1, 15, 9), 1)


# --- due_celebrations: the window and daylight saving ------------------------------------------

def test_a_celebration_due_exactly_now_is_included_and_one_due_exactly_a_window_ago_is_not() -> None:
    london = person(start=date(2021, 1, 15), zone="Europe/London", pid="lon")
    kolkata = person(start=date(2021, 1, 16), zone="Asia/Kolkata", pid="kol")
    now = utc(2024, 1, 15, 9)  # Mon 15 Jan 09:00 in London
    people = [(london, False, False), (kolkata, False, False)]

    due = due_celebrations(people, now, MONDAY, window=timedelta(hours=24))
    earlier = due_celebrations(people, now - timedelta(seconds=1), MONDAY)
    later = due_celebrations(people, now + timedelta(hours=24), MONDAY)

    assert [c.person_id for c in due] == ["lon"]
    assert [c.person_id for c in earlier] == []
    # Tue 16 Jan 09:00 in Kolkata is 03:30 UTC; London's post is exactly one window old.
    assert [c.person_id for c in later] == ["kol"]


def test_due_celebrations_come_oldest_first() -> None:
    tonga = person(start=date(2021, 1, 15), zone="Pacific/Tongatapu", pid="b")
    honolulu = person(start=date(2021, 1, 15), zone="Pacific/Honolulu", pid="a")

    due = due_celebrations([(honolulu, False, False), (tonga, False, False)],
                           utc(2024, 1, 15, 19), MONDAY, window=timedelta(days=2))

    assert [(c.person_id, c.post_at) for c in due] == [
        ("b", utc(2024, 1, 14, 20)), ("a", utc(2024, 1, 15, 19))]


def test_nine_oclock_stays_nine_oclock_on_both_sides_of_a_weekday_clock_change() -> None:
    # Cairo moved its clocks from UTC+2 to UTC+3 at midnight on Friday 26 April 2024.
    thursday = person(start=date(2023, 4, 25), zone="Africa/Cairo", pid="thu")
    friday = person(start=date(2023, 4, 26), zone="Africa/Cairo", pid="fri")
    people = [(thursday, False, False), (friday, False, False)]
    hour = timedelta(hours=1)

    on_thursday = due_celebrations(people, utc(2024, 4, 25, 7), MONDAY, window=hour)
    on_friday = due_celebrations(people, utc(2024, 4, 26, 6), MONDAY, window=hour)

    assert [(c.person_id, c.post_at) for c in on_thursday] == [("thu", utc(2024, 4, 25, 7))]
    assert [(c.person_id, c.post_at) for c in on_friday] == [("fri", utc(2024, 4, 26, 6))]


def test_a_time_skipped_by_the_clock_change_moves_forward_by_the_jump() -> None:
    hire = person(start=date(2023, 4, 26), zone="Africa/Cairo")

    [found] = celebrations_for(hire, 2024, replace(MONDAY, at=time(0, 30)), False, False)

    assert found.post_at == utc(2024, 4, 25, 22, 30)  # 01:30 local, after the jump


def test_due_celebrations_refuse_a_naive_now_or_an_empty_window() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_celebrations([], datetime(2024, 1, 15, 9), MONDAY)
    with pytest.raises(ValueError, match="window must be positive"):
        due_celebrations([], utc(2024, 1, 15, 9), MONDAY, window=timedelta(0))


# --- Keys ----------------------------------------------------------------------------------------

def test_keys_are_stable_distinct_per_year_and_kind_and_ignore_the_weekend_rule() -> None:
    hire = person(start=date(2020, 3, 30), birthday=date(1900, 3, 30))

    this_year = celebrations_for(hire, 2024, MONDAY, True, False)
    again = celebrations_for(hire, 2024, FRIDAY, True, False)
    next_year = celebrations_for(hire, 2025, MONDAY, True, False)

    assert [c.key for c in this_year] == [
        "celebration:anniversary:p1:2024-03-30", "celebration:birthday:p1:2024-03-30"]
    assert [c.key for c in again] == [c.key for c in this_year]
    assert this_year[0].post_on != again[0].post_on
    assert {c.key for c in next_year}.isdisjoint(c.key for c in this_year)


# --- Messages ------------------------------------------------------------------------------------

def test_the_channel_post_groups_everyone_with_mentions_and_years_at_the_company() -> None:
    three = celebrations_for(person(start=date(2021, 1, 15), pid="a"), 2024, MONDAY, False, False)
    one = celebrations_for(person(start=date(2023, 1, 15), pid="b"), 2024, MONDAY, False, False)
    cake = celebrations_for(person(start=None, birthday=date(1990, 1, 15), pid="c"), 2024,
                            MONDAY, True, False)

    post = celebration_post([*one, *cake, *three])
    body = plain(post)

    assert mentioned_people(post) == {"a", "b", "c"}
    assert "@someone: 3 years at the company. Thank you!" in body
    assert "@someone: 1 year at the company. Thank you!" in body
    assert "Happy birthday, @someone!" in body
    assert body.index("3 years") < body.index("1 year") < body.index("Happy birthday")
    assert post.fallback == "Time to celebrate: work anniversaries and a birthday."
    assert "/teamwell celebrations off" in body


def test_a_moved_celebration_names_its_real_day() -> None:
    hire = person(start=date(2020, 3, 30), birthday=date(1900, 3, 30), pid="a")

    body = plain(celebration_post(celebrations_for(hire, 2024, MONDAY, True, False)))

    assert "@someone: 4 years at the company on Saturday. Thank you!" in body
    assert "Happy birthday for Saturday, @someone!" in body


def test_an_empty_tick_has_no_post() -> None:
    with pytest.raises(ValueError, match="nothing to celebrate"):
        celebration_post([])


@pytest.mark.parametrize("settings", [MONDAY, FRIDAY])
@pytest.mark.parametrize("born", [date(1990, 3, 30), date(1900, 3, 30), date(2000, 1, 17)])
def test_no_birthday_message_ever_shows_an_age_or_a_year(settings: CelebrationSettings,
                                                         born: date) -> None:
    hire = person(start=None, birthday=born)
    birthdays = [c for year in (2024, 2025) for c in celebrations_for(hire, year, settings,
                                                                      True, False)]

    bodies = [plain(celebration_post(birthdays))] + [plain(celebration_dm(c)) for c in birthdays]

    assert len(birthdays) == 2
    assert all(re.search(r"\d", body) is None for body in bodies), bodies


def test_the_anniversary_dm_is_warm_honest_and_explains_how_to_opt_out() -> None:
    [today] = celebrations_for(person(start=date(2021, 1, 15)), 2024, MONDAY, False, False)

    body = plain(celebration_dm(today))

    assert celebration_dm(today).fallback == "Happy work anniversary: 3 years!"
    assert "Today it's 3 years since you joined." in body
    assert "a bot" in body and "/teamwell celebrations off" in body


@pytest.mark.parametrize(("settings", "anniversary", "birthday"), [
    (MONDAY, "Saturday marked 4 years since you joined", "Happy belated birthday for Saturday!"),
    (FRIDAY, "On Saturday it will be 4 years since you joined", "Happy birthday for Saturday!"),
])
def test_a_moved_dm_says_whether_it_is_early_or_late(settings: CelebrationSettings,
                                                     anniversary: str, birthday: str) -> None:
    hire = person(start=date(2020, 3, 30), birthday=date(1900, 3, 30))

    first, second = celebrations_for(hire, 2024, settings, True, False)

    assert anniversary in plain(celebration_dm(first))
    assert birthday in plain(celebration_dm(second))
    assert "/teamwell celebrations off" in plain(celebration_dm(second))
