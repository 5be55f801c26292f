"""What every benchmark server subprocess needs: stop when the parent goes away."""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading


def watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    """Set stop when the parent goes away (its end of our stdin closes)."""
    def read() -> None:
        # os.read, not sys.stdin: a daemon thread must not hold the buffered reader's lock
        # while the interpreter shuts down.
        with contextlib.suppress(OSError):
            while os.read(0, 1024):
                pass
        loop.call_soon_threadsafe(stop.set)
    threading.Thread(target=read, name="stdin-watch", daemon=True).start()
