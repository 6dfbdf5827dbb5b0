"""A bandwidth-limiting TCP proxy for the tests: it listens on 127.0.0.1 only and forwards every connection to one
loopback server (the ``live`` app), at most ``mbps`` megabits a second in each direction, shared by all its
connections as a school's uplink is. It stops by itself after ``lifetime`` seconds, or when its block ends.

    with Throttle(live, mbps=2) as slow:     # slow.url: the same app, behind a 2 Mbit/s line
        page.goto(slow.url + "/connectivity/measure")
"""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

PIECE = 4096  # bytes forwarded at a time: 16 ms at 2 Mbit/s, fine enough for pacing


class Pace:
    """One direction's line: each piece waits for its turn at ``mbps``."""

    def __init__(self, mbps: float):
        self.bytes_per_second = mbps * 1e6 / 8
        self.lock = threading.Lock()
        self.free_at = time.monotonic()

    def wait(self, n: int) -> None:
        with self.lock:
            start = max(time.monotonic(), self.free_at)
            self.free_at = start + n / self.bytes_per_second
            until = self.free_at
        delay = until - time.monotonic()
        if delay > 0:
            time.sleep(delay)


class Throttle:
    """The proxy in front of ``target`` (``http://127.0.0.1:PORT``); ``url`` is its own address."""

    def __init__(self, target: str, mbps: float = 2.0, lifetime: float = 300.0):
        parts = urlsplit(target)
        self.target = (parts.hostname, parts.port)
        self.down, self.up = Pace(mbps), Pace(mbps)
        self.lifetime = lifetime
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        self.stopped = threading.Event()

    def __enter__(self) -> Throttle:
        threading.Thread(target=self._accept, daemon=True).start()
        timer = threading.Timer(self.lifetime, self.stop)
        timer.daemon = True
        timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopped.set()
        self.listener.close()
        with self.lock:
            for s in self.sockets:
                _close(s)
            self.sockets.clear()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                _close(client)
                continue
            with self.lock:
                self.sockets.update((client, server))
            threading.Thread(target=self._pump, args=(client, server, self.up), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, self.down), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, pace: Pace) -> None:
        """Forward ``source`` to ``sink`` at the line's pace until either ends; then both are closed."""
        try:
            source.settimeout(None)
            while not self.stopped.is_set():
                data = source.recv(PIECE)
                if not data:
                    break
                pace.wait(len(data))
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                _close(s)
            with self.lock:
                self.sockets.difference_update((source, sink))


def _close(s: socket.socket) -> None:
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()
