"""Reading what people type to the bot on Teams: commands, the bot's mention, kudos receivers."""

from __future__ import annotations

from typing import Any

from botbuilder.schema import Activity

from teamwell.bot.teams import simulate
from teamwell.bot.teams.text_commands import (
    is_forget_me,
    is_kudos_giving,
    kudos_message,
    read_typed,
)

ADA = simulate.TeamsUser.make("Ada Lovelace")
BEN = simulate.TeamsUser.make("Ben Okafor")
CY = simulate.TeamsUser.make("Cy Tan")
TEAM = simulate.TeamsTeam.make("Platform")


def _channel(text: str, *mentions: simulate.TeamsUser) -> Activity:
    raw: dict[str, Any] = simulate.channel_message_with_mention(ADA, text, team=TEAM,
                                                                mentions=mentions)
    return Activity().deserialize(raw)


def _personal(text: str) -> Activity:
    return Activity().deserialize(simulate.personal_message(ADA, text))


def test_the_bots_own_mention_is_removed_from_a_channel_command() -> None:
    typed = read_typed(_channel("help"))

    assert typed.bot_mentioned
    assert typed.words == ["help"]
    assert typed.mentions == ()


def test_people_mentioned_after_kudos_are_its_receivers_in_order() -> None:
    typed = read_typed(_channel("kudos <at>Ben Okafor</at> and <at>Cy Tan</at> for the fix",
                                BEN, CY))

    assert is_kudos_giving(typed)
    assert [m.user_id for m in typed.mentions] == [BEN.id, CY.id]
    assert kudos_message(typed) == ("for the fix", False)


def test_a_mention_inside_the_kudos_message_stays_as_a_name_and_private_is_read() -> None:
    typed = read_typed(_channel("kudos <at>Ben Okafor</at> helped <at>Cy Tan</at> a lot "
                                "#teamwork private", BEN, CY))

    assert kudos_message(typed) == ("helped @Cy Tan a lot #teamwork", True)


def test_a_message_starting_with_a_word_like_andrew_keeps_that_word() -> None:
    typed = read_typed(_channel("kudos <at>Ben Okafor</at> andrew says thanks", BEN))

    assert kudos_message(typed)[0] == "andrew says thanks"


def test_a_command_copied_with_the_slack_prefix_still_reads_as_the_command() -> None:
    typed = read_typed(_personal("/teamwell pulse off"))

    assert typed.words == ["pulse", "off"]


def test_kudos_alone_and_kudos_team_are_lists_not_giving() -> None:
    mine = read_typed(_personal("kudos"))
    team = read_typed(_personal("Kudos team"))

    assert not is_kudos_giving(mine)
    assert not is_kudos_giving(team)


def test_forget_me_is_recognised_in_any_case() -> None:
    typed = read_typed(_personal("Forget me"))

    assert is_forget_me(typed)
