"""How ``fleet serve`` meets its clients: gunicorn's threaded worker, made safe for slow ones.

gunicorn's gthread worker hands a connection to one of its threads as soon as a byte arrives;
the thread then blocks until the whole request head has come, and the application's thread until
the whole body has. Eight stalled clients (2 workers × 4 threads) made the service unreachable.
Here the worker's own event loop — the poller that already watches kept-alive connections —
receives each request whole before a thread is given to it, as a buffering proxy would:

- the head within ``header_timeout`` seconds of the connection (or of a kept-alive connection's
  next request), and at most 64 KiB; else 408 or 431;
- the body by its Content-Length, pausing no longer than ``body_timeout`` seconds at a time
  (else 408); kept in memory up to 64 KiB and in a temporary file beyond. A body over
  ``max_body`` (the app's own limit) is not waited for: the app answers 413 on the length alone
  and the connection closes. A body of unknown length (Transfer-Encoding) is refused: 411;
- a connection that ends lingers for the client's last bytes in the loop, not in gunicorn's
  blocking graceful close (which held the whole worker up to 2 s per client that never closed);
- a thread that still waits on a client (a pipelined request, a client that does not read its
  answer) gives up after ``body_timeout`` (SO_RCVTIMEO, SO_SNDTIMEO).

gunicorn's own error answers (400, 414, 431, and 408, 411 from here) carry the app's security
headers (``fleet.app.SECURITY_HEADERS``), and no response says ``Server: gunicorn``.

This subclasses gunicorn's ThreadWorker and leans on its internals (TConn, the poller,
``finish_request``, ``handle_request``, ``util.write_error``, ``http.wsgi.Response``), so
pyproject.toml pins gunicorn below its next major version; tests/fleet/test_serving.py runs the
real ``fleet serve``. docs/decisions/0002-serving-slow-clients.md says why this and not another
worker class or a proxy.
"""

from __future__ import annotations

import contextlib
import errno
import html
import io
import selectors
import socket
import struct
import tempfile
import time
from functools import partial

from gunicorn import util
from gunicorn.errors import ConfigError
from gunicorn.http import wsgi
from gunicorn.http.errors import NoMoreData
from gunicorn.workers import gthread

from fleet.app import SECURITY_HEADERS

MAX_HEAD = 64 * 1024  # a request head larger than this is refused (431)
BODY_IN_MEMORY = 64 * 1024  # a body's bytes beyond this wait in a temporary file
RECV_SIZE = 64 * 1024
LINGER_SECONDS = 2.0  # as gunicorn's graceful close: wait this long for the client to close
LINGER_BYTES = 64 * 1024  # … and read at most this much of what it still sends


def worker_class(max_body: int, header_timeout: float = 10.0, body_timeout: float = 20.0) -> type:
    """The worker for ``fleet serve``: ``max_body`` is the app's MAX_CONTENT_LENGTH."""
    return type("FleetWorker", (BufferingWorker,),
                {"max_body": max_body, "header_timeout": header_timeout, "body_timeout": body_timeout})


def error_response(status: int, reason: str, message: str = "") -> bytes:
    """A complete HTTP/1.1 error answer that closes the connection, with the app's security headers."""
    body = (f"<!doctype html>\n<title>{status} {reason}</title>\n<h1>{reason}</h1>\n"
            f"<p>{html.escape(message)}</p>\n").encode()
    head = [f"HTTP/1.1 {status} {reason}", "Connection: close", "Content-Type: text/html; charset=utf-8",
            f"Content-Length: {len(body)}", *(f"{name}: {value}" for name, value in SECURITY_HEADERS.items())]
    return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body


def write_error(sock, status_int, reason, mesg) -> None:
    """gunicorn's ``util.write_error`` (its 400/414/431/… pages) with the app's security headers."""
    util.write_nonblock(sock, error_response(status_int, reason, mesg))


class QuietResponse(wsgi.Response):
    """gunicorn's response without the ``Server: gunicorn`` header."""

    def default_headers(self):
        return [line for line in super().default_headers() if not line.startswith("Server:")]


class _Received:
    """The connection as the request parser reads it: first the request the worker's loop has
    received, then the socket itself (for what follows a pipelined or over-long request)."""

    def __init__(self, sock: socket.socket, body_timeout: float):
        self.sock, self.body_timeout, self.held = sock, body_timeout, None

    def hold(self, received) -> None:
        received.seek(0)
        self.held = received

    def recv(self, size: int) -> bytes:
        if self.held is not None:
            if data := self.held.read(size):
                return data
            self.discard()
        try:
            return self.sock.recv(size)
        except BlockingIOError:  # SO_RCVTIMEO: the client sent nothing for body_timeout seconds
            raise NoMoreData(f"nothing from the client for {self.body_timeout:g} s") from None

    def rest(self) -> bytes:
        """What is held and not yet read (the start of a pipelined request)."""
        data = self.held.read() if self.held is not None else b""
        self.discard()
        return data

    def discard(self) -> None:
        if self.held is not None:
            self.held.close()
            self.held = None

    def gettimeout(self):  # the parser bounds its drain of an unread body through these
        return self.sock.gettimeout()

    def settimeout(self, timeout) -> None:
        self.sock.settimeout(timeout)


class _Arriving:
    """A request on its way in: the head until it is complete, then head and body in a spool."""

    __slots__ = ("head", "spool", "received", "needed", "deadline")

    def __init__(self, first: bytes, deadline: float):
        self.head, self.spool, self.received, self.needed, self.deadline = bytearray(first), None, 0, 0, deadline

    @property
    def started(self) -> bool:
        return bool(self.head) or self.spool is not None


class _Conn(gthread.TConn):
    def __init__(self, worker: BufferingWorker, sock, client, server):
        super().__init__(worker.cfg, sock, client, server)
        self.worker = worker
        self.source = _Received(sock, worker.body_timeout)
        self.arriving: _Arriving | None = None
        self.whole = True  # the request's body was received whole (else close after answering)
        self.continued = False  # the loop has answered "100 Continue"

    def init(self):
        super().init()
        self.parser.unreader.sock = self.source

    def close(self, graceful=False):
        self.source.discard()
        if graceful:
            self.worker.linger(self)
        else:
            util.close(self.sock)


class BufferingWorker(gthread.ThreadWorker):
    """gthread, but a connection gets a thread only when its request has arrived whole."""

    max_body = 16 * 1024 * 1024
    header_timeout = 10.0
    body_timeout = 20.0

    @classmethod
    def check_config(cls, cfg, log):
        super().check_config(cfg, log)
        if cfg.is_ssl or "h2" in cfg.http_protocols:
            raise ConfigError("fleet's worker receives requests as plain HTTP/1.1: terminate TLS in front of it")

    def init_process(self):
        util.write_error = write_error  # this process is Fleet's worker: gunicorn's pages carry its headers
        wsgi.Response = QuietResponse
        self.arriving: set[_Conn] = set()
        self.lingering: dict[_Conn, list] = {}  # conn → [deadline, bytes read]
        super().init_process()

    # --- receiving a request in the loop ----------------------------------------------------------

    def accept(self, listener):
        try:
            sock, client = listener.accept()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        seconds = struct.pack("ll", int(self.body_timeout), int(self.body_timeout % 1 * 1e6))
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, seconds)  # a thread's blocking read or
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, seconds)  # write gives up after this
        conn = _Conn(self, sock, client, listener.getsockname())
        self._receive(conn)
        self._on_readable(conn, sock)  # the request often came with the connection: read it now

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection's next request is coming."""
        self.keepalived_conns.remove(conn)
        self.poller.unregister(client)
        self._receive(conn)
        self._on_readable(conn, client)

    def _receive(self, conn: _Conn, first: bytes = b"") -> None:
        conn.arriving = _Arriving(first, time.monotonic() + self.header_timeout)
        conn.whole, conn.continued = True, False
        conn.sock.setblocking(False)
        self.arriving.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_readable, conn))
        self._guarded(conn, self._advance, conn, b"")  # a pipelined request may be here whole already

    def _on_readable(self, conn: _Conn, sock) -> None:
        data = _read(sock)
        if data is None:
            return
        if not data:  # gone (or half-closed) before its request was whole
            self._end(conn)
        else:
            self._guarded(conn, self._advance, conn, data)

    def _guarded(self, conn: _Conn, step, *args) -> None:
        try:
            step(*args)
        except Exception:  # a bug here must cost this connection, not the worker
            self.log.exception("Error receiving a request")
            if conn in self.arriving:
                self._end(conn)

    def _advance(self, conn: _Conn, data: bytes) -> None:
        a = conn.arriving
        if a.spool is None:
            a.head += data
            end = _head_end(a.head)
            if (len(a.head) if end is None else end) > MAX_HEAD:
                self._end(conn, error_response(431, "Request Header Fields Too Large"))
                return
            if end is None:
                return
            length = _body_length(a.head[:end])
            if length is None:
                self._end(conn, error_response(411, "Length Required", "a request body needs a Content-Length"))
                return
            a.needed, a.received = end + max(length, 0), len(a.head)
            if length > self.max_body:  # the app refuses it on its length: do not wait for it
                a.spool = io.BytesIO(bytes(a.head))
                self._dispatch(conn, whole=False)
                return
            if a.received >= a.needed:  # the usual case: all of it in the first read
                a.spool = io.BytesIO(bytes(a.head))
            else:
                a.spool = tempfile.SpooledTemporaryFile(BODY_IN_MEMORY, dir=self.cfg.tmp_upload_dir)
                a.spool.write(a.head)
                if _expects_continue(a.head[:end]):
                    self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
                    conn.continued = True
            a.head = None
        elif data:
            a.spool.write(data)
            a.received += len(data)
        if a.received >= a.needed:
            self._dispatch(conn, whole=True)
        else:  # the body is on its way: it may pause for body_timeout at a time
            a.deadline = time.monotonic() + self.body_timeout

    def _dispatch(self, conn: _Conn, whole: bool) -> None:
        self.poller.unregister(conn.sock)
        self.arriving.discard(conn)
        conn.source.hold(conn.arriving.spool)
        conn.arriving, conn.whole, conn.data_ready = None, whole, True
        self.enqueue_req(conn)

    def _end(self, conn: _Conn, answer: bytes | None = None) -> None:
        """Close a connection whose request did not arrive, answering it first when given."""
        with contextlib.suppress(KeyError, ValueError):
            self.poller.unregister(conn.sock)
        self.arriving.discard(conn)
        if conn.arriving.spool is not None:
            conn.arriving.spool.close()
        conn.arriving = None
        self.nr_conns -= 1
        if answer is None:
            util.close(conn.sock)
        else:
            self._send(conn, answer)
            self.linger(conn)

    @staticmethod
    def _send(conn: _Conn, data: bytes) -> None:
        try:
            conn.sock.send(data)  # small, into an empty send buffer: a non-blocking send takes it whole
        except OSError:
            pass

    # --- after the answer ------------------------------------------------------------------------------

    def handle_request(self, req, conn):
        if conn.continued:
            req._expected_100_continue = False  # the loop already said "100 Continue"
        if not conn.whole:
            req.must_close = True  # its body was never received: answer "Connection: close", do not read it
        return super().handle_request(req, conn)

    def finish_request(self, conn, fs):
        if self.alive and not fs.cancelled() and fs.exception() is None and fs.result() is True:
            rest = conn.parser.unreader.take_buffered() + conn.source.rest()
            if rest:  # a pipelined request: received in the loop like any other
                self._receive(conn, rest)
                return
        super().finish_request(conn, fs)

    def linger(self, conn: _Conn) -> None:
        """gunicorn's graceful close (RFC 9112 §9.6) without blocking the loop: send FIN, read what
        the client still sends until it closes, for LINGER_SECONDS at most."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
            conn.sock.setblocking(False)
            self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_lingering, conn))
        except (OSError, ValueError, KeyError):
            util.close(conn.sock)
            return
        self.lingering[conn] = [time.monotonic() + LINGER_SECONDS, 0]

    def _on_lingering(self, conn: _Conn, sock) -> None:
        data = _read(sock)
        if data is None:
            return
        state = self.lingering[conn]
        state[1] += len(data)
        if not data or state[1] >= LINGER_BYTES:
            self._close_lingering(conn)

    def _close_lingering(self, conn: _Conn) -> None:
        del self.lingering[conn]
        with contextlib.suppress(KeyError, ValueError):
            self.poller.unregister(conn.sock)
        util.close(conn.sock)

    def murder_pending(self):
        """Every second or so: time out requests that stopped arriving, and lingering closes."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self.arriving if not self.alive or c.arriving.deadline <= now]:
            timed_out = self.alive and conn.arriving.started
            self._end(conn, error_response(408, "Request Timeout") if timed_out else None)
        for conn in [c for c, (deadline, _) in self.lingering.items() if deadline <= now]:
            self._close_lingering(conn)


def _read(sock) -> bytes | None:
    """What a readable non-blocking socket has: None when nothing after all, b"" when it is gone."""
    try:
        return sock.recv(RECV_SIZE)
    except BlockingIOError:
        return None
    except OSError:
        return b""


def _head_end(data: bytearray) -> int | None:
    """Where the request head ends (after its blank line; empty lines before it are skipped)."""
    start = len(data) - len(data.lstrip(b"\r\n"))
    if start == len(data):
        return None
    ends = [i + n for i, n in ((data.find(b"\r\n\r\n", start), 4), (data.find(b"\n\n", start), 2)) if i >= 0]
    return min(ends) if ends else None


def _body_length(head: bytes) -> int | None:
    """The body's length by the head: 0 without Content-Length, None when it is unknown
    (Transfer-Encoding), -1 when Content-Length is malformed (the parser will answer 400)."""
    lengths = set()
    for line in head.split(b"\n")[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            continue
        name = name.strip().lower()
        if name == b"transfer-encoding":
            return None
        if name == b"content-length":
            value = value.strip()
            if not value.isdigit():
                return -1
            lengths.add(int(value))
    if len(lengths) > 1:
        return -1
    return lengths.pop() if lengths else 0


def _expects_continue(head: bytes) -> bool:
    first, _, rest = head.partition(b"\n")
    if not first.rstrip().endswith(b"HTTP/1.1"):
        return False
    return any(name.strip().lower() == b"expect" and value.strip().lower() == b"100-continue"
               for name, colon, value in (line.partition(b":") for line in rest.split(b"\n")) if colon)
