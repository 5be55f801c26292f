"""The limits we keep to, as data: Slack's tiers, Teams' windows, scaling, the least time."""

from __future__ import annotations

import pytest

from teamwell.bot.rate_limits import WHOLE_WORKSPACE, Limits, Rate, minimum_seconds
from teamwell.bot.slack.rate_limits import SLACK_LIMITS
from teamwell.bot.teams.rate_limits import (
    CREATE,
    PER_CONVERSATION,
    PER_TENANT,
    SEND,
    TEAMS_LIMITS,
    UPDATE,
    connector_call,
)


def _per_minute(limits: Limits, method: str) -> float:
    [(_, rate), *_] = limits.buckets(method)
    return round(rate.per_second * 60, 6)


def test_every_slack_method_the_sender_calls_keeps_to_its_published_tier() -> None:
    published = {"chat.update": 50, "conversations.open": 50, "conversations.history": 50,
                 "users.lookupByEmail": 50, "files.getUploadURLExternal": 100,
                 "files.completeUploadExternal": 100, "some.otherMethod": 20}

    kept = {method: _per_minute(SLACK_LIMITS, method) for method in published}

    assert kept == published


def test_slack_posts_go_one_a_second_per_channel_within_a_workspace_allowance() -> None:
    [(channel_key, channel), (method_key, workspace)] = SLACK_LIMITS.buckets(
        "chat.postMessage", "D123")

    assert (channel_key, method_key) == (("chat.postMessage", "D123"), ("chat.postMessage",))
    assert (channel.per_second, channel.burst) == (1.0, 1)
    assert workspace.per_second * 60 == pytest.approx(300)


def test_teams_limits_stay_inside_every_window_microsoft_publishes() -> None:
    conversation_windows = {1: 7, 2: 8, 30: 60, 3600: 1800}

    assert PER_TENANT.most_in(1) <= 50
    for seconds, most in conversation_windows.items():
        assert PER_CONVERSATION.most_in(seconds) <= most, f"{seconds} s window"


def test_a_teams_call_counts_against_its_conversation_and_its_tenant() -> None:
    keys = [key for key, _ in TEAMS_LIMITS.buckets(SEND, "a:1")]

    assert keys == [(SEND, "a:1"), WHOLE_WORKSPACE]
    assert [key for key, _ in TEAMS_LIMITS.buckets(CREATE)] == [WHOLE_WORKSPACE]


@pytest.mark.parametrize(("method", "url", "call"), [
    ("POST", "https://smba.example/amer/v3/conversations", (CREATE, None)),
    ("POST", "https://smba.example/v3/conversations/a%3A1%40thread/activities", (SEND, "a:1@thread")),
    ("PUT", "http://127.0.0.1:9/v3/conversations/a%3A1/activities/42", (UPDATE, "a:1")),
])
def test_a_connector_request_is_named_by_its_kind_and_conversation(
    method: str, url: str, call: tuple[str, str | None]
) -> None:
    assert connector_call(method, url) == call


def test_scaled_limits_refill_faster_and_keep_their_bursts() -> None:
    limits = Limits(methods={"m": Rate(2.0, burst=4)}, workspace=Rate(10.0, burst=5))

    fast = limits.scaled(10)

    assert [r for _, r in fast.buckets("m")] == [Rate(20.0, burst=4), Rate(100.0, burst=5)]


def test_the_least_time_is_set_by_the_slowest_bucket_beyond_its_burst() -> None:
    limits = Limits(methods={"post": Rate(5.0, burst=10), "open": Rate(1.0, burst=5)})

    least = minimum_seconds(limits, {("post",): 110, ("open",): 8, ("unknown",): 1000})

    assert least == 20.0  # 100 posts beyond the burst at 5 a second; opens need only 3 s


def test_a_rate_must_refill_and_let_at_least_one_call_through() -> None:
    with pytest.raises(ValueError, match="per_second"):
        Rate(0.0)
    with pytest.raises(ValueError, match="burst"):
        Rate(1.0, burst=0)
