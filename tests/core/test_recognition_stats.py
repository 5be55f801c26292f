"""Recognition stats: personal counts, quiet reports, fairness, the leaderboard and messages."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from teamwell.core.messages import (
    Context,
    Header,
    Inline,
    Mention,
    Message,
    Section,
    mentioned_people,
    message_from_json,
    to_json,
)
from teamwell.core.people import Person, Team
from teamwell.core.recognition_stats import (
    Fairness,
    KudosRecord,
    PersonStats,
    fairness,
    fairness_message,
    gini,
    leaderboard,
    person_stats,
    stats_message,
    unrecognised,
    unrecognised_prompt,
)
from teamwell.surveys.values import CompanyValue, CompanyValues

UTC_ZONE = ZoneInfo("UTC")
TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9, no DST
TEAMWORK = CompanyValue("teamwork", "Teamwork", "Helps others.", ":handshake:")
OWNERSHIP = CompanyValue("ownership", "Ownership", "Sees things through.")
VALUES = CompanyValues((TEAMWORK, OWNERSHIP))
NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def rec(giver: str, receiver: str, at: datetime = NOW, value: str | None = None) -> KudosRecord:
    return KudosRecord(giver_id=giver, receiver_id=receiver, value_id=value, given_at=at)


def person(pid: str, name: str, team: str | None = None, **kwargs: object) -> Person:
    return Person(pid, "w1", name, team_id=team, **kwargs)  # type: ignore[arg-type]


def fairness_message_for(result: Fairness) -> Message:
    return fairness_message(result, {"t-red": "Red", "t-blue": "Blue"})


def parts(message: Message) -> list[Inline]:
    return [part for block in message.blocks if isinstance(block, Section | Context)
            for part in block.body.parts]


def plain(message: Message, names: dict[str, str] | None = None) -> str:
    lines = [block.title for block in message.blocks if isinstance(block, Header)]
    lines += [block.body.plain(names) for block in message.blocks
              if isinstance(block, Section | Context)]
    return "\n".join(lines)


# --- a person's stats ---


def test_a_record_needs_an_aware_time() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        KudosRecord("a", "b", None, datetime(2026, 1, 1))


def test_stats_count_given_and_received_by_value_most_first() -> None:
    records = [rec("ada", "bo", value="teamwork"), rec("cy", "ada", value="ownership"),
               rec("ada", "cy", value="teamwork"), rec("ada", "cy"), rec("bo", "cy")]

    stats = person_stats("ada", records, UTC_ZONE)

    assert (stats.given, stats.received) == (3, 1)
    assert stats.given_by_value == (("teamwork", 2),)
    assert stats.received_by_value == (("ownership", 1),)


def test_value_ties_are_ordered_by_value_id() -> None:
    records = [rec("bo", "ada", value="teamwork"), rec("cy", "ada", value="ownership")]

    assert person_stats("ada", records, UTC_ZONE).received_by_value == (
        ("ownership", 1), ("teamwork", 1))


def test_months_run_oldest_first_with_empty_months_in_between() -> None:
    records = [rec("bo", "ada", utc(2026, 4, 2)), rec("bo", "ada", utc(2026, 1, 5)),
               rec("ada", "bo", utc(2026, 1, 20)), rec("cy", "ada", utc(2026, 1, 9))]

    stats = person_stats("ada", records, UTC_ZONE)

    assert stats.received_by_month == (("2026-01", 2), ("2026-02", 0), ("2026-03", 0),
                                       ("2026-04", 1))
    assert stats.given_by_month == (("2026-01", 1), ("2026-02", 0), ("2026-03", 0),
                                    ("2026-04", 0))


def test_months_cross_the_new_year() -> None:
    records = [rec("bo", "ada", utc(2025, 11, 30)), rec("bo", "ada", utc(2026, 1, 1))]

    stats = person_stats("ada", records, UTC_ZONE)

    assert [month for month, _ in stats.received_by_month] == ["2025-11", "2025-12", "2026-01"]


def test_a_late_march_evening_in_utc_is_april_in_tokyo() -> None:
    records = [rec("bo", "ada", utc(2026, 3, 31, 23, 30))]

    assert person_stats("ada", records, TOKYO).received_by_month == (("2026-04", 1),)
    assert person_stats("ada", records, UTC_ZONE).received_by_month == (("2026-03", 1),)


def test_no_records_give_empty_stats() -> None:
    assert person_stats("ada", [], UTC_ZONE) == PersonStats(0, 0, (), (), (), ())


def test_a_stray_kudos_to_oneself_is_not_counted() -> None:
    assert person_stats("ada", [rec("ada", "ada")], UTC_ZONE).given == 0


# --- quiet reports ---


ADA = person("ada", "Ada", start_date=date(2020, 1, 1))
BO = person("bo", "bo")
CY = person("cy", "Cy", start_date=date(2024, 5, 1))


def test_people_without_kudos_in_the_window_are_listed_by_name() -> None:
    records = [rec("x", "ada", NOW - timedelta(weeks=7))]

    quiet = unrecognised([CY, ADA, BO], records, NOW)

    assert [p.id for p in quiet] == ["ada", "bo", "cy"]


def test_kudos_exactly_six_weeks_ago_still_count() -> None:
    records = [rec("x", "ada", NOW - timedelta(weeks=6))]

    assert unrecognised([ADA], records, NOW) == []


def test_kudos_a_minute_over_six_weeks_ago_do_not_count() -> None:
    records = [rec("x", "ada", NOW - timedelta(weeks=6, minutes=1))]

    assert unrecognised([ADA], records, NOW) == [ADA]


def test_kudos_after_now_do_not_count() -> None:
    assert unrecognised([ADA], [rec("x", "ada", NOW + timedelta(days=1))], NOW) == [ADA]


def test_someone_who_started_exactly_six_weeks_ago_is_listed_but_a_day_later_starter_is_not(
) -> None:
    six_weeks = (NOW - timedelta(weeks=6)).date()
    veteran = replace(ADA, start_date=six_weeks)
    newcomer = replace(CY, start_date=six_weeks + timedelta(days=1))

    assert unrecognised([veteran, newcomer], [], NOW) == [veteran]


def test_start_dates_are_judged_on_the_persons_own_calendar() -> None:
    # NOW is 16 March in Kiritimati (UTC+14) but still 15 March in Honolulu (UTC-10), so a
    # 2 February start is six weeks back for one and not yet for the other.
    start = date(2026, 2, 2)
    island = person("is", "Isla", start_date=start, timezone="Pacific/Kiritimati")
    honolulu = person("ho", "Hana", start_date=start, timezone="Pacific/Honolulu")

    assert unrecognised([island, honolulu], [], NOW) == [island]


def test_inactive_people_are_not_listed() -> None:
    assert unrecognised([replace(ADA, active=False), BO], [], NOW) == [BO]


def test_a_shorter_window_can_be_chosen() -> None:
    records = [rec("x", "ada", NOW - timedelta(weeks=3))]

    assert unrecognised([ADA], records, NOW, weeks=2) == [ADA]
    assert unrecognised([ADA], records, NOW, weeks=4) == []


def test_a_window_under_a_week_or_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="weeks"):
        unrecognised([ADA], [], NOW, weeks=0)
    with pytest.raises(ValueError, match="timezone-aware"):
        unrecognised([ADA], [], datetime(2026, 3, 15))


# --- fairness ---


SINCE = utc(2026, 1, 1)
TEAMS = [Team("t-red", "w1", "Red"), Team("t-blue", "w1", "Blue"), Team("t-empty", "w1", "Empty")]


def staff(count: int, team: str | None = None) -> list[Person]:
    return [person(f"p{i:02d}", f"Person {i:02d}", team) for i in range(count)]


def test_an_even_spread_has_a_gini_of_zero() -> None:
    people = staff(4)
    records = [rec(people[(i + 1) % 4].id, p.id) for i, p in enumerate(people)]

    result = fairness(people, [], records, SINCE)

    assert result.gini == pytest.approx(0.0)
    assert (result.people, result.receivers, result.kudos) == (4, 4, 4)
    assert result.givers_share == pytest.approx(1.0)


def test_one_person_receiving_everything_gives_a_gini_of_n_minus_one_over_n() -> None:
    people = staff(10)
    records = [rec(p.id, "p00") for p in people[1:]] * 3

    result = fairness(people, [], records, SINCE)

    assert result.gini == pytest.approx(9 / 10)
    assert result.top_share == pytest.approx(1.0)
    assert result.receivers == 1
    assert result.givers_share == pytest.approx(0.9)


def test_gini_matches_the_mean_absolute_difference_definition() -> None:
    counts = [0, 1, 2, 7]
    pairs = sum(abs(a - b) for a in counts for b in counts)

    assert gini(counts) == pytest.approx(pairs / (2 * len(counts) ** 2 * (sum(counts) / 4)))


def test_top_share_is_the_top_tenth_of_people_and_at_least_one() -> None:
    twenty = staff(20)
    records = ([rec("p19", "p00")] * 5 + [rec("p19", "p01")] * 3
               + [rec("p00", p.id) for p in twenty[2:12]])
    three = staff(3)

    assert fairness(twenty, [], records, SINCE).top_share == pytest.approx(8 / 18)
    assert fairness(three, [], [rec("p00", "p01")] * 3 + [rec("p01", "p02")],
                    SINCE).top_share == pytest.approx(3 / 4)


def test_kudos_before_the_period_and_to_leavers_are_left_out() -> None:
    people = [*staff(2), person("gone", "Gone", active=False)]
    records = [rec("p00", "p01", SINCE - timedelta(seconds=1)), rec("p00", "gone"),
               rec("gone", "p01"), rec("p01", "p00", SINCE)]

    result = fairness(people, [], records, SINCE)

    # Thanks from a leaver still reach p01, and thanking a leaver still counts as giving.
    assert (result.people, result.receivers, result.kudos) == (2, 2, 2)
    assert result.givers_share == pytest.approx(1.0)


def test_teams_with_members_and_no_kudos_are_named_by_team_name_order() -> None:
    red, blue = staff(2, "t-red"), [person("b1", "Bea", "t-blue")]
    green = Team("t-green", "w1", "Green")
    people = [*red, *blue, person("g1", "Gil", "t-green")]

    result = fairness(people, [*TEAMS, green], [rec("b1", "p00")], SINCE)

    assert result.teams_without == ("t-blue", "t-green")


def test_a_team_whose_only_members_left_is_not_named() -> None:
    people = [person("b1", "Bea", "t-blue", active=False), person("r1", "Rai", "t-red")]

    assert fairness(people, TEAMS, [], SINCE).teams_without == ("t-red",)


def test_empty_inputs_give_zeros_without_dividing_by_zero() -> None:
    assert fairness([], [], [], SINCE) == Fairness(0, 0, 0, 0.0, 0.0, (), 0.0)
    assert fairness(staff(3), [], [], SINCE).gini == 0.0
    assert gini([]) == 0.0


def test_fairness_refuses_a_naive_start() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        fairness([], [], [], datetime(2026, 1, 1))


# --- leaderboard ---


def test_the_leaderboard_ranks_by_kudos_received_with_ties_by_id() -> None:
    records = [rec("x", "cy"), rec("x", "ada"), rec("x", "bo"), rec("y", "bo"), rec("y", "cy")]

    assert leaderboard(records) == [("bo", 2), ("cy", 2), ("ada", 1)]
    assert leaderboard(records, limit=1) == [("bo", 2)]


def test_the_leaderboard_needs_a_positive_limit() -> None:
    with pytest.raises(ValueError, match="limit"):
        leaderboard([], limit=0)


# --- messages ---


STATS = PersonStats(given=3, received=4,
                    given_by_value=(("teamwork", 2),),
                    received_by_value=(("ownership", 2), ("retired", 1)),
                    received_by_month=(("2026-02", 1), ("2026-03", 3)),
                    given_by_month=(("2026-02", 3), ("2026-03", 0)))


def test_own_stats_show_totals_values_months_and_who_can_see_them() -> None:
    shown = plain(stats_message(STATS, VALUES, for_self=True, name="Ada"))

    assert "You have received 4 kudos and given 3." in shown
    assert "Received by value: Ownership 2, #retired 1, no value 1" in shown
    assert "Given by value: :handshake: Teamwork 2, no value 1" in shown
    assert "Received by month: Feb 2026: 1, Mar 2026: 3" in shown
    assert "Only you and your manager can see these numbers." in shown


def test_a_managers_view_names_the_report_and_says_it_is_private() -> None:
    message = stats_message(STATS, VALUES, for_self=False, name="Ada")

    assert message.blocks[0] == Header("Kudos for Ada")
    assert "Ada has received 4 kudos" in plain(message)
    assert "Only you see this, because you're Ada's manager" in plain(message)


def test_empty_stats_say_so_without_value_or_month_lines() -> None:
    shown = plain(stats_message(PersonStats(0, 0, (), (), (), ()), VALUES, True, "Ada"))

    assert "You have not received or given any kudos yet." in shown
    assert "by value" not in shown and "by month" not in shown


def test_the_prompt_mentions_each_quiet_report_and_gently_suggests_thanks() -> None:
    message = unrecognised_prompt("max", [ADA, BO, CY], weeks=6)

    assert mentioned_people(message) == {"max", "ada", "bo", "cy"}
    shown = plain(message, {"max": "Max", "ada": "Ada", "bo": "Bo", "cy": "Cy"})
    assert "@Ada, @Bo and @Cy haven't received any kudos in the last 6 weeks." in shown
    assert "Maybe worth a word of thanks?" in shown
    assert "Only you see this note; nobody else is told" in shown
    assert "I'm Teamwell, a bot" in shown


def test_the_prompt_about_one_person_in_one_week_reads_naturally() -> None:
    shown = plain(unrecognised_prompt("max", [ADA], weeks=1), {"ada": "Ada"})

    assert "@Ada hasn't received any kudos in the last 1 week." in shown


def test_the_prompt_names_people_only_through_mentions() -> None:
    message = unrecognised_prompt("max", [ADA, CY], weeks=6)

    words = "".join(part for part in parts(message) if isinstance(part, str))
    assert "Ada" not in words and "Cy" not in words
    assert [p for p in parts(message) if isinstance(p, Mention)] == [
        Mention("max"), Mention("ada"), Mention("cy")]


def test_a_prompt_about_nobody_is_refused() -> None:
    with pytest.raises(ValueError, match="nobody"):
        unrecognised_prompt("max", [], weeks=6)


def test_the_fairness_view_gives_numbers_and_explains_them() -> None:
    result = Fairness(people=20, receivers=12, kudos=40, top_share=0.35, gini=0.4123,
                      teams_without=("t-blue", "t-gone"), givers_share=0.55)

    shown = plain(fairness_message_for(result))

    assert "40 kudos went to 12 of 20 active people in this period. 55% of people" in shown
    assert "Top share: 35%." in shown and "the 2 people who received the most" in shown
    assert "it would be about 10%" in shown
    assert "Gini: 0.41. It runs from 0, when everyone received the same number" in shown
    assert "Teams where nobody received kudos: Blue, t-gone." in shown
    assert "Only admins see this." in shown


def test_a_fairness_view_with_no_kudos_skips_the_ratios() -> None:
    shown = plain(fairness_message_for(Fairness(0, 0, 0, 0.0, 0.0, (), 0.0)))

    assert "0 kudos went to 0 of 0 active people" in shown
    assert "Gini" not in shown and "Top share" not in shown
    assert "Every team with active members received kudos." in shown


def test_every_message_survives_the_outbox_and_mentions_nobody_unexpected() -> None:
    messages = [stats_message(STATS, VALUES, True, "Ada"),
                unrecognised_prompt("max", [ADA], 6),
                fairness_message_for(Fairness(5, 1, 2, 1.0, 0.8, ("t-red",), 0.2))]

    for message in messages:
        assert message_from_json(to_json(message)) == message
    assert [mentioned_people(m) for m in messages] == [set(), {"max", "ada"}, set()]
