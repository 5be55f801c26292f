"""The one database thread of a process on SQLite, whose queue serves urgent work first.

SQLite takes one writer at a time, so a serving process on SQLite does all its database work
in one thread (wiring.running). In a burst of Slack clicks that queue fills with the handling
of stored clicks (several queries each), and every new click's store-then-ack would wait
behind them: acks, which Slack wants within 3 seconds, would pay for work that can wait.
`urgently` puts work at the head of the queue instead; everything else keeps its order.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import threading
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
_Item = tuple["Future[Any]", Callable[..., Any], tuple[Any, ...], dict[str, Any]]
_BY_LOOP: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, DatabaseThread] = (
    weakref.WeakKeyDictionary())


class DatabaseThread(ThreadPoolExecutor):
    """An executor of one thread with two queues: urgent work first, then the rest in order.

    A ThreadPoolExecutor subclass because asyncio's default executor must be one; none of the
    base class's own threads is ever started.
    """

    def __init__(self, name: str = "teamwell-db") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._queues: tuple[deque[_Item], deque[_Item]] = (deque(), deque())
        self._ready = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue fn behind everything already queued."""
        return self._put(1, fn, args, kwargs)

    def submit_urgent(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        """Queue fn ahead of all but other urgent work."""
        return self._put(0, fn, args, kwargs)

    def _put(self, lane: int, fn: Callable[..., T], args: tuple[Any, ...],
             kwargs: dict[str, Any]) -> Future[T]:
        future: Future[T] = Future()
        with self._ready:
            if self._closed:
                raise RuntimeError("cannot schedule new futures after shutdown")
            self._queues[lane].append((future, fn, args, kwargs))
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=f"{self._name}_0",
                                                daemon=True)
                self._thread.start()
            self._ready.notify()
        return future

    def _next(self) -> _Item | None:
        with self._ready:
            while not (self._queues[0] or self._queues[1] or self._closed):
                self._ready.wait()
            for queue in self._queues:
                if queue:
                    return queue.popleft()
            return None  # closed and empty

    def _work(self) -> None:
        while (item := self._next()) is not None:
            future, fn, args, kwargs = item
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as exc:  # noqa: BLE001 - handed to whoever waits on it
                future.set_exception(exc)
            else:
                future.set_result(result)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Take no more work; finish (or, with cancel_futures, cancel) what is queued."""
        with self._ready:
            self._closed = True
            if cancel_futures:
                for queue in self._queues:
                    while queue:
                        queue.popleft()[0].cancel()
            self._ready.notify_all()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        super().shutdown(wait=wait, cancel_futures=cancel_futures)


def use_database_thread(loop: asyncio.AbstractEventLoop) -> DatabaseThread:
    """Make a DatabaseThread the loop's default executor (asyncio.to_thread runs there)."""
    executor = DatabaseThread()
    loop.set_default_executor(executor)
    _BY_LOOP[loop] = executor
    return executor


async def urgently(fn: Callable[..., T], /, *args: Any) -> T:
    """asyncio.to_thread, but ahead of queued work where the loop has a DatabaseThread."""
    loop = asyncio.get_running_loop()
    executor = _BY_LOOP.get(loop)
    if executor is None:
        return await asyncio.to_thread(fn, *args)
    call = functools.partial(contextvars.copy_context().run, fn, *args)
    return await asyncio.wrap_future(executor.submit_urgent(call), loop=loop)
