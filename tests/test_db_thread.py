"""The database thread of a SQLite process: urgent work first, the rest in order, nothing lost."""

from __future__ import annotations

import asyncio
import threading

import pytest

from teamwell.bot.db_thread import DatabaseThread, urgently, use_database_thread


def test_urgent_work_runs_before_work_queued_earlier_and_the_rest_keeps_its_order() -> None:
    executor = DatabaseThread()
    ran: list[str] = []
    gate = threading.Event()
    first = executor.submit(gate.wait)  # holds the thread while the queue fills
    later = [executor.submit(ran.append, f"normal-{n}") for n in range(3)]
    urgent = executor.submit_urgent(ran.append, "urgent")

    gate.set()
    for future in [first, *later, urgent]:
        future.result(timeout=5)
    executor.shutdown()

    assert ran == ["urgent", "normal-0", "normal-1", "normal-2"]


def test_a_failure_reaches_its_caller_and_the_thread_goes_on() -> None:
    executor = DatabaseThread()

    failed = executor.submit(int, "not a number")
    fine = executor.submit(int, "7")

    with pytest.raises(ValueError):
        failed.result(timeout=5)
    assert fine.result(timeout=5) == 7
    executor.shutdown()


def test_shutdown_finishes_queued_work_and_refuses_new_work() -> None:
    executor = DatabaseThread()
    gate = threading.Event()
    executor.submit(gate.wait)
    queued = executor.submit(sum, [1, 2, 3])
    gate.set()

    executor.shutdown(wait=True)

    assert queued.result(timeout=0) == 6
    with pytest.raises(RuntimeError):
        executor.submit(sum, [1])


async def test_as_the_loops_default_executor_it_runs_to_thread_and_urgent_calls_in_one_thread(
) -> None:
    loop = asyncio.get_running_loop()
    use_database_thread(loop)
    threads = await asyncio.gather(asyncio.to_thread(threading.current_thread),
                                   urgently(threading.current_thread))

    assert threads[0] is threads[1]
    assert threads[0] is not threading.current_thread()
    assert threads[0].name.startswith("teamwell-db")


async def test_urgently_without_a_database_thread_is_plain_to_thread() -> None:
    assert await urgently(sum, [1, 2]) == 3
