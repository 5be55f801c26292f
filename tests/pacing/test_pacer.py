"""The pacer's token buckets, on a virtual monotonic clock."""

from __future__ import annotations

import pytest

from teamwell.bot.pacing import PRUNE_EVERY, Pacer, pacing, wait_turn
from teamwell.bot.rate_limits import Limits, Rate

from .virtual_time import VirtualTime

ONE_METHOD = Limits(methods={"m": Rate(2.0, burst=3)})
POSTS = Limits(methods={"post": Rate(10.0, burst=10)},
               per_conversation={"post": Rate(1.0, burst=1)})


def _pacer(limits: Limits, time: VirtualTime) -> Pacer:
    return Pacer(limits, clock=time, sleep=time.sleep)


async def _call_at(pacer: Pacer, time: VirtualTime, workspace: str, method: str,
                   conversation: str | None = None) -> float:
    pacer.release(await pacer.wait(workspace, method, conversation))  # answered at once
    return time.now


async def _one_at(pacer: Pacer, time: VirtualTime, workspace: str, method: str,
                  conversation: str | None = None) -> float:
    [moment] = await time.run(_call_at(pacer, time, workspace, method, conversation))
    return float(moment)


async def test_a_bucket_lets_its_burst_through_at_once_then_one_call_per_interval() -> None:
    time = VirtualTime()
    pacer = _pacer(ONE_METHOD, time)

    moments = [await _one_at(pacer, time, "w1", "m") for _ in range(7)]

    assert moments == [0.0, 0.0, 0.0, 0.5, 1.0, 1.5, 2.0]


async def test_a_bucket_refills_while_nobody_calls_but_never_beyond_its_burst() -> None:
    time = VirtualTime()
    pacer = _pacer(ONE_METHOD, time)
    for _ in range(3):
        await _one_at(pacer, time, "w1", "m")
    time.now = 60.0  # a minute idle refills three tokens, not 120

    moments = [await _one_at(pacer, time, "w1", "m") for _ in range(4)]

    assert moments == [60.0, 60.0, 60.0, 60.5]


async def test_each_workspace_and_method_has_buckets_of_its_own() -> None:
    time = VirtualTime()
    limits = Limits(default=Rate(1.0))
    pacer = _pacer(limits, time)

    moments = await time.run(*(_call_at(pacer, time, ws, method)
                               for ws, method in [("w1", "a"), ("w2", "a"), ("w1", "b"),
                                                  ("w1", "a")]))

    assert moments == [0.0, 0.0, 0.0, 1.0]


async def test_one_conversation_waiting_for_its_turn_does_not_hold_up_the_others() -> None:
    time = VirtualTime()
    pacer = _pacer(POSTS, time)

    moments = await time.run(_call_at(pacer, time, "w1", "post", "D1"),
                             _call_at(pacer, time, "w1", "post", "D1"),
                             *(_call_at(pacer, time, "w1", "post", f"D{n}") for n in range(2, 6)))

    assert moments == [0.0, 1.0, 0.0, 0.0, 0.0, 0.0]


async def test_a_call_takes_a_token_from_its_conversation_and_from_its_workspace() -> None:
    time = VirtualTime()
    pacer = _pacer(POSTS, time)

    moments = await time.run(*(_call_at(pacer, time, "w1", "post", f"D{n}") for n in range(12)))

    assert moments == [0.0] * 10 + [0.1, 0.2]


async def test_callers_waiting_for_the_same_bucket_are_served_in_the_order_they_came() -> None:
    time = VirtualTime()
    pacer = _pacer(Limits(default=Rate(1.0)), time)
    served: list[int] = []

    async def caller(n: int) -> None:
        pacer.release(await pacer.wait("w1", "m"))
        served.append(n)

    await time.run(*(caller(n) for n in range(6)))

    assert served == list(range(6))
    assert time.now == 5.0


async def test_a_rate_limited_workspace_waits_out_its_retry_after_and_no_other_does() -> None:
    time = VirtualTime()
    pacer = _pacer(Limits(default=Rate(100.0, burst=100)), time)

    pacer.pause("w1", 5.0)
    moments = await time.run(_call_at(pacer, time, "w1", "m"), _call_at(pacer, time, "w2", "m"))

    assert moments == [5.0, 0.0]


async def test_a_call_still_in_flight_keeps_its_token_from_coming_back() -> None:
    time = VirtualTime()
    pacer = _pacer(Limits(default=Rate(10.0, burst=2)), time)
    held = [await pacer.wait("w1", "m"), await pacer.wait("w1", "m")]

    async def answered_after_a_second() -> None:
        await time.sleep(1.0)
        pacer.release(held[0])

    [moment, _] = await time.run(_call_at(pacer, time, "w1", "m"), answered_after_a_second())

    # Not 0.1: both tokens were out until an answer came back, and only then did refilling
    # into the freed room start (the platform may have counted that call just now).
    assert moment == pytest.approx(1.1)


async def test_buckets_that_are_full_again_are_forgotten() -> None:
    time = VirtualTime()
    pacer = _pacer(POSTS, time)

    for n in range(PRUNE_EVERY):
        await _one_at(pacer, time, "w1", "post", f"D{n}")
        time.now += 0.1

    assert pacer.tracked() < 20  # not one per person ever messaged


async def test_calls_wait_only_inside_a_paced_delivery() -> None:
    time = VirtualTime()
    pacer = _pacer(Limits(default=Rate(1.0)), time)

    await time.run(wait_turn("m"), wait_turn("m"))
    with pacing(pacer, "w1"):
        await time.run(wait_turn("m"), wait_turn("m"))
    with pacing(None, "w1"):
        await time.run(wait_turn("m"))

    assert time.now == 1.0
    assert pacer.waited == 1.0
