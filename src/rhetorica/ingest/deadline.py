"""One deadline for a whole network fetch, shared by the feed watcher and the corpus fetcher.

Socket and client timeouts bound each read, not the fetch: a server that drips a byte at a
time never trips them. A :class:`Deadline` shuts down, when it passes, every socket the fetch
registered, which wakes a read blocked on it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from typing import Any


class Deadline:
    """One deadline for a whole fetch. When it passes, every socket the fetch opened is shut
    down: that wakes a read blocked on a server that drips a byte at a time, which a socket
    timeout (per read) never does."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.expired = False
        self._socks: list[Any] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.05, self.end - time.monotonic())

    def watch(self, sock: Any) -> Any:
        with self._lock:
            self._socks.append(sock)
            expired = self.expired
        if expired:
            shut(sock)
        return sock

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            socks = list(self._socks)
        for sock in socks:
            shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def shut(sock: Any) -> None:
    """Shut a socket down both ways, which wakes any read blocked on it."""
    with contextlib.suppress(OSError):  # already closed: nothing left to wake
        sock.shutdown(socket.SHUT_RDWR)
