"""Kudos rules: tags, who may be thanked, the daily allowance in local time, and safe messages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from teamwell.core.errors import InvalidInput, NotAllowed, TeamwellError, UnknownPerson
from teamwell.core.kudos import (
    KUDOS_MAX_LENGTH,
    Kudos,
    KudosSettings,
    channel_post,
    check_kudos,
    local_day_bounds,
    manager_notice,
    private_receipt,
    receiver_dm,
    split_value_tags,
    unique_receivers,
    unknown_mention_message,
)
from teamwell.core.messages import (
    Bold,
    Context,
    Inline,
    Link,
    Mention,
    Message,
    Section,
    mentioned_people,
    message_from_json,
    to_json,
)
from teamwell.core.people import Person
from teamwell.surveys.values import CompanyValue, CompanyValues

TEAMWORK = CompanyValue("teamwork", "Teamwork", "Helps others.", ":handshake:")
OWNERSHIP = CompanyValue("ownership", "Ownership", "Sees things through.")
VALUES = CompanyValues((TEAMWORK, OWNERSHIP))
DEFAULT = KudosSettings()

BO = Person("p-bo", "w1", "Bo", timezone="Pacific/Honolulu")
ADA = Person("p-ada", "w1", "Ada", manager_id="p-max")
CY = Person("p-cy", "w1", "Cy")

HONOLULU = ZoneInfo("Pacific/Honolulu")  # UTC-10, no DST
AUCKLAND = ZoneInfo("Pacific/Auckland")  # UTC+13 in January (summer time)
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")  # UTC+14
NEW_YORK = ZoneInfo("America/New_York")
HAVANA = ZoneInfo("America/Havana")  # springs forward at midnight: 00:00 never happens

MARKUP = ("<!channel> <!here> <@U123|fake> <http://x|y> *bold* <!subteam^S123> "
          "&lt;b&gt; _it_ ~st~ `code`")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def check(receivers: Sequence[Person] = (ADA,), message: str = "thanks for the fix",
          tags: Sequence[str] = (), given_today: int = 0,
          settings: KudosSettings = DEFAULT, giver: Person = BO) -> str | None:
    return check_kudos(giver, receivers, message, tags, VALUES, given_today, settings)


def refusal(kind: type[TeamwellError], **kwargs: object) -> str:
    with pytest.raises(kind) as caught:
        check(**kwargs)  # type: ignore[arg-type]
    return caught.value.user_message


def kudos(message: str = "thanks for the fix", public: bool = True,
          receivers: tuple[str, ...] = ("p-ada",)) -> Kudos:
    return Kudos(id="k1", workspace_id="w1", giver_id="p-bo", receiver_ids=receivers,
                 message=message, value_id="teamwork", public=public,
                 given_at=utc(2026, 1, 15, 12))


def parts(message: Message) -> list[Inline]:
    return [part for block in message.blocks if isinstance(block, Section | Context)
            for part in block.body.parts]


def plain(message: Message) -> str:
    names = {"p-bo": "Bo", "p-ada": "Ada", "p-cy": "Cy"}
    return "\n".join(block.body.plain(names) for block in message.blocks
                     if isinstance(block, Section | Context))


# --- splitting #tags from the message ---


def test_a_tag_at_the_end_is_split_from_the_message() -> None:
    assert split_value_tags("thanks for the fix #teamwork") == ("thanks for the fix", ["teamwork"])


def test_a_tag_at_the_start_is_split_without_leaving_a_space() -> None:
    assert split_value_tags("#teamwork great pairing") == ("great pairing", ["teamwork"])


def test_tags_are_lowercased_kept_in_order_and_counted_once() -> None:
    message, tags = split_value_tags("you  #Ownership rock #teamwork #ownership today")

    assert message == "you rock today"
    assert tags == ["ownership", "teamwork"]


def test_punctuation_after_a_tag_stays_with_the_sentence() -> None:
    assert split_value_tags("great job #teamwork!") == ("great job!", ["teamwork"])


@pytest.mark.parametrize("typed", [
    "switched us to C# and F#",
    "see https://example.com/docs#setup for the fix",
    "the fix in https://example.com/#/route",
    "fixed #1234 and became our #1 reviewer",
    "(#teamwork) in brackets",
    "a lone # sign, a #- and a #_",
    "teamwork#inside a word",
])
def test_hashes_that_are_not_standalone_words_with_a_letter_stay_in_the_message(
        typed: str) -> None:
    assert split_value_tags(typed) == (typed, [])


def test_a_url_fragment_is_kept_while_a_real_tag_is_split() -> None:
    message, tags = split_value_tags("docs at https://x.io/a#b #curiosity")

    assert (message, tags) == ("docs at https://x.io/a#b", ["curiosity"])


def test_unicode_around_tags_is_kept_and_non_ascii_hashtags_are_not_tags() -> None:
    message, tags = split_value_tags("merci à l'équipe 🎉 #teamwork #équipe — 谢谢")

    assert message == "merci à l'équipe 🎉 #équipe — 谢谢"
    assert tags == ["teamwork"]


def test_a_line_of_only_tags_goes_but_blank_lines_the_giver_typed_stay() -> None:
    message, tags = split_value_tags("first\n\nsecond\n#teamwork\nthird")

    assert message == "first\n\nsecond\nthird"
    assert tags == ["teamwork"]


def test_a_message_of_only_tags_leaves_nothing() -> None:
    assert split_value_tags("  #teamwork  ") == ("", ["teamwork"])


# --- the rules ---


def test_good_kudos_return_the_tagged_value() -> None:
    assert check(tags=["teamwork"]) == "teamwork"
    assert check(tags=["#TeamWork"]) == "teamwork"


def test_kudos_without_a_tag_have_no_value_unless_one_is_required() -> None:
    assert check() is None


def test_kudos_for_nobody_ask_who_they_are_for() -> None:
    message = refusal(InvalidInput, receivers=[])

    assert message == "Who is it for? Mention someone: /kudos @name thanks for ..."


def test_kudos_to_yourself_are_refused_even_among_others() -> None:
    message = refusal(NotAllowed, receivers=[ADA, BO])

    assert message.startswith("Kudos are for other people — ")


def test_an_inactive_receiver_is_named() -> None:
    message = refusal(NotAllowed, receivers=[CY, replace(ADA, active=False)])

    assert message.startswith("Ada is no longer active in the directory, so no kudos were given")


def test_several_inactive_receivers_are_all_named() -> None:
    gone = [replace(ADA, active=False), replace(CY, active=False)]

    assert refusal(NotAllowed, receivers=gone).startswith("Ada and Cy are no longer active")


def test_a_receiver_from_another_workspace_is_unknown_here() -> None:
    message = refusal(UnknownPerson, receivers=[replace(CY, workspace_id="w2")])

    assert message == "Cy isn't in this workspace, so no kudos were given."


def test_unknown_mentions_are_named_and_the_reply_says_who_kudos_are_for() -> None:
    message = unknown_mention_message(["ghost", "@bot"])

    assert message.startswith("I can't find @ghost and @bot in this workspace's directory")
    assert "not bots or people outside the workspace" in message
    assert "someone you mentioned" in unknown_mention_message([])


def test_a_person_mentioned_twice_is_thanked_once() -> None:
    assert unique_receivers([ADA, CY, ADA]) == [ADA, CY]
    # Counted once against the allowance, too: 4 given + Ada = 5.
    assert check(receivers=[ADA, ADA], given_today=4) is None


@pytest.mark.parametrize("typed", ["", "   ", "\n\t"])
def test_an_empty_message_asks_what_the_thanks_are_for(typed: str) -> None:
    message = refusal(InvalidInput, message=typed)

    assert message == ("Add a few words about what you're thanking them for: "
                       "/kudos @name thanks for ...")


def test_a_message_over_the_limit_names_its_length_and_the_limit() -> None:
    message = refusal(InvalidInput, message="x" * 1001)

    assert "is 1,001 characters long; kudos can be at most 1,000" in message
    assert KUDOS_MAX_LENGTH == 1000


def test_a_message_at_the_limit_is_fine() -> None:
    assert check(message="x" * KUDOS_MAX_LENGTH) is None


def test_more_than_one_value_tag_is_refused_listing_them() -> None:
    message = refusal(InvalidInput, tags=["teamwork", "ownership"])

    assert message == "Pick one company value per kudos; you tagged #teamwork and #ownership."


def test_an_unknown_tag_lists_the_known_ones() -> None:
    message = refusal(InvalidInput, tags=["synergy"])

    assert message == ("#synergy isn't one of our company values. Use one of #teamwork, "
                       "#ownership, or leave the tag out.")


def test_a_required_value_that_is_missing_lists_the_known_tags() -> None:
    message = refusal(InvalidInput, settings=KudosSettings(value_required=True))

    assert message == ("Add one company value as a tag, such as #teamwork. The values are "
                       "#teamwork, #ownership.")


def test_when_a_value_is_required_an_unknown_tag_cannot_be_left_out() -> None:
    message = refusal(InvalidInput, tags=["synergy"], settings=KudosSettings(value_required=True))

    assert "leave the tag out" not in message
    assert "#teamwork, #ownership" in message


def test_a_used_up_allowance_says_when_it_resets() -> None:
    message = refusal(NotAllowed, given_today=5)

    assert message == ("You've given today's 5 kudos already, which is the daily limit. You can "
                       "give more after midnight your time.")


def test_thanking_more_people_than_are_left_says_how_many_are_left() -> None:
    message = refusal(NotAllowed, receivers=[ADA, CY], given_today=4)

    assert message.startswith("You can thank 1 more person today (the daily limit is 5), and "
                              "this would thank 2.")
    assert "after midnight your time" in message


def test_the_allowance_comes_from_the_settings() -> None:
    three = KudosSettings(daily_allowance=3)

    assert check(given_today=2, settings=three) is None
    assert "the daily limit is 3" in refusal(NotAllowed, receivers=[ADA, CY], given_today=2,
                                             settings=three)


def test_the_allowance_is_checked_after_everything_else() -> None:
    message = refusal(InvalidInput, message="", given_today=5)

    assert message.startswith("Add a few words")


@pytest.mark.parametrize("allowance", [0, -1, 51, True])
def test_an_allowance_outside_1_to_50_is_a_programming_error(allowance: int) -> None:
    with pytest.raises(ValueError, match="daily_allowance"):
        KudosSettings(daily_allowance=allowance)


def test_settings_default_to_five_a_day_optional_values_and_public_posts() -> None:
    assert (DEFAULT.daily_allowance, DEFAULT.value_required, DEFAULT.public_by_default) == (
        5, False, True)
    assert KudosSettings(daily_allowance=50).daily_allowance == 50


@pytest.mark.parametrize("change", [
    {"given_at": datetime(2026, 1, 15, 12)},
    {"receiver_ids": ()},
    {"receiver_ids": ("p-ada", "p-ada")},
    {"receiver_ids": ("p-ada", "p-bo")},
    {"message": " "},
    {"message": "x" * 1001},
    {"id": ""},
])
def test_kudos_that_break_the_rules_cannot_be_built(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        replace(kudos(), **change)  # type: ignore[arg-type]


# --- the giver's local day ---


def given_today(history: Sequence[datetime], now: datetime, zone: ZoneInfo) -> int:
    start, end = local_day_bounds(now, zone)
    return sum(start <= at < end for at in history)


def test_in_honolulu_the_allowance_resets_at_local_midnight_not_utc_midnight() -> None:
    # 09:00 UTC on the 15th is 23:00 on the 14th in Honolulu.
    history = [utc(2026, 1, 15, 9)] * 5

    before = given_today(history, utc(2026, 1, 15, 9, 59), HONOLULU)
    after = given_today(history, utc(2026, 1, 15, 10, 0), HONOLULU)

    assert (before, after) == (5, 0)
    assert check(given_today=after) is None
    assert "after midnight your time" in refusal(NotAllowed, given_today=before)


def test_in_auckland_the_day_ends_while_it_is_still_the_same_utc_date() -> None:
    # 10:30 UTC on the 15th is 23:30 on the 15th in Auckland (UTC+13 in summer).
    history = [utc(2026, 1, 15, 10, 30)] * 5

    assert given_today(history, utc(2026, 1, 15, 10, 59), AUCKLAND) == 5
    assert given_today(history, utc(2026, 1, 15, 11, 0), AUCKLAND) == 0


def test_in_kiritimati_the_local_day_runs_from_10_00_to_10_00_utc() -> None:
    start, end = local_day_bounds(utc(2026, 1, 15, 9, 30), KIRITIMATI)

    assert (start, end) == (utc(2026, 1, 14, 10), utc(2026, 1, 15, 10))
    assert local_day_bounds(utc(2026, 1, 15, 10), KIRITIMATI)[0] == utc(2026, 1, 15, 10)


def test_a_spring_forward_day_in_new_york_is_23_hours_long() -> None:
    start, end = local_day_bounds(utc(2026, 3, 8, 12), NEW_YORK)

    assert (start, end) == (utc(2026, 3, 8, 5), utc(2026, 3, 9, 4))
    assert end - start == timedelta(hours=23)


def test_a_fall_back_day_in_new_york_is_25_hours_long() -> None:
    start, end = local_day_bounds(utc(2026, 11, 1, 12), NEW_YORK)

    assert (start, end) == (utc(2026, 11, 1, 4), utc(2026, 11, 2, 5))


def test_a_day_whose_midnight_is_skipped_starts_when_the_clocks_jump() -> None:
    # Havana goes from 23:59:59 CST straight to 01:00 CDT on 8 March 2026.
    start, end = local_day_bounds(utc(2026, 3, 8, 12), HAVANA)

    assert (start, end) == (utc(2026, 3, 8, 5), utc(2026, 3, 9, 4))


@pytest.mark.parametrize("zone", [HONOLULU, AUCKLAND, KIRITIMATI, NEW_YORK, HAVANA])
def test_every_moment_of_a_dst_season_falls_in_its_own_local_day(zone: ZoneInfo) -> None:
    for month, day in ((3, 7), (4, 4), (10, 31), (11, 1)):
        for quarter in range(3 * 24 * 4):
            now = utc(2026, month, day) + timedelta(minutes=15 * quarter)

            start, end = local_day_bounds(now, zone)

            assert start <= now < end
            assert start.astimezone(zone).date() == now.astimezone(zone).date()
            assert timedelta(hours=22) <= end - start <= timedelta(hours=26)


def test_a_naive_now_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        local_day_bounds(datetime(2026, 1, 15, 12), HONOLULU)


# --- messages ---


def all_builders(given: Kudos) -> list[Message]:
    return [channel_post(given, TEAMWORK), receiver_dm(given, TEAMWORK),
            manager_notice(given, TEAMWORK, "p-ada"), private_receipt(given, TEAMWORK),
            channel_post(given, None), receiver_dm(given, None)]


@pytest.mark.parametrize("public", [True, False])
def test_text_that_looks_like_markup_stays_a_plain_string_in_every_message(public: bool) -> None:
    given = kudos(message=MARKUP, public=public, receivers=("p-ada", "p-cy"))

    for message in all_builders(given):
        found = parts(message)
        marked = [p for p in found if isinstance(p, Bold | Link | Mention)]
        assert all(isinstance(p, Mention) for p in marked), message
        assert mentioned_people(message) <= {"p-bo", "p-ada", "p-cy"}
        assert all(MARKUP not in str(p) or p == MARKUP for p in found)
        assert "<!" not in message.fallback


def test_the_givers_words_appear_exactly_as_typed_in_every_message_that_shows_them() -> None:
    given = kudos(message=MARKUP)

    shown = [m for m in all_builders(given) if MARKUP in parts(m)]

    assert len(shown) == len(all_builders(given))


def test_the_channel_post_mentions_giver_and_receivers_and_names_the_value() -> None:
    post = channel_post(kudos(receivers=("p-ada", "p-cy")), TEAMWORK)

    assert mentioned_people(post) == {"p-bo", "p-ada", "p-cy"}
    assert plain(post).startswith("@Bo gave kudos to @Ada and @Cy for :handshake: Teamwork:\n"
                                  "thanks for the fix\n")
    assert "/kudos @name" in plain(post)


def test_the_channel_post_notification_uses_names_when_given() -> None:
    given = kudos()

    named = channel_post(given, TEAMWORK, {"p-bo": "Bo", "p-ada": "Ada"})
    unnamed = channel_post(given, None)

    assert named.fallback == "Kudos from Bo to Ada for :handshake: Teamwork"
    assert unnamed.fallback == "Kudos from a colleague to a colleague"


def test_the_receiver_hears_whether_the_kudos_were_public_and_about_manager_notes() -> None:
    public = plain(receiver_dm(kudos(), TEAMWORK))
    private = plain(receiver_dm(kudos(public=False), None))

    assert public.startswith("@Bo sent kudos to @Ada for :handshake: Teamwork:\n")
    assert "posted in the recognition channel" in public
    assert "sent privately and isn't posted in any channel" in private
    assert "/teamwell kudos-notices off" in public


def test_the_manager_sees_public_kudos_and_how_the_receiver_turns_notes_off() -> None:
    note = manager_notice(kudos(), TEAMWORK, "p-ada")

    assert plain(note).startswith("@Ada received kudos from @Bo for :handshake: Teamwork:\n"
                                  "thanks for the fix\n")
    assert "@Ada can turn these notes off with /teamwell kudos-notices off." in plain(note)


def test_the_manager_is_not_shown_the_words_of_private_kudos() -> None:
    note = manager_notice(kudos(message="a private thank-you", public=False), None, "p-ada")

    assert "a private thank-you" not in plain(note)
    assert plain(note).startswith("@Ada received kudos from @Bo.")
    assert "were private" in plain(note)


def test_the_giver_gets_a_private_receipt_naming_who_it_went_to() -> None:
    receipt = private_receipt(kudos(public=False, receivers=("p-ada", "p-cy")))

    assert plain(receipt).startswith("You sent kudos privately to @Ada and @Cy:\n"
                                     "thanks for the fix\n")
    assert "aren't posted in any channel" in plain(receipt)


def test_every_kudos_message_survives_the_outbox_json_round_trip() -> None:
    for message in all_builders(kudos(message=MARKUP)):
        assert message_from_json(to_json(message)) == message
