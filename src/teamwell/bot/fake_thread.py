"""Run a local fake server (Slack Web API, Bot Framework connector) on a thread of its own.

For synchronous tests and tests of subprocesses: the fake keeps answering while the test's own
thread blocks, and outlives any client process the test kills.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from typing import Any, Generic, Protocol, Self, TypeVar

from aiohttp import web


async def serve_on_loopback(app: web.Application,
                            ssl_context: ssl.SSLContext | None = None) -> tuple[web.AppRunner, int]:
    """Serve app on a free port of 127.0.0.1 (no access log); the runner and the port."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    await web.SockSite(runner, sock, ssl_context=ssl_context).start()
    return runner, int(sock.getsockname()[1])


class Served(Protocol):
    """What a fake server offers for hosting."""

    latency: float

    async def start(self) -> str:
        """Start serving; the base URL."""
        ...

    async def stop(self) -> None:
        """Stop serving."""
        ...


S = TypeVar("S", bound=Served)


class ServedInThread(Generic[S]):
    """Hosts one fake server on its own event loop thread; other attributes are the server's."""

    def __init__(self, server: S, name: str) -> None:
        self.server = server
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> str:
        """Start serving and return the base URL."""
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._thread = threading.Thread(target=loop.run_forever, name=self._name, daemon=True)
        self._thread.start()
        return asyncio.run_coroutine_threadsafe(self.server.start(), loop).result(timeout=10)

    def stop(self) -> None:
        """Stop serving and end the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        asyncio.run_coroutine_threadsafe(self.server.stop(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    @property
    def latency(self) -> float:
        """Seconds added to every call."""
        return self.server.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.server.latency = seconds

    def __getattr__(self, name: str) -> Any:
        # Everything else (calls, fail_next, add_user, texts_to...) is the server's.
        if name == "server":
            raise AttributeError(name)
        return getattr(self.server, name)
