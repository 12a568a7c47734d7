"""gunicorn's threaded worker, changed in two ways.

Requests are read whole before a thread serves them. The stock worker reads heads and bodies
in its threads on blocking sockets with no deadline, so eight clients that send one byte and
stop hold all eight threads (two workers of four) and the web answers nobody. Here the event
loop buffers each request with non-blocking reads (request_framing says when it is whole) and
a thread gets it only then: a slow or idle client holds a connection, never a thread. The head
must be in ``header_timeout_s`` after the connection opened (on a kept-alive connection, after
the request's first byte), the body ``body_timeout_s`` after the head; past either the
connection is closed (with a 408 when part of a request came). A body the app refuses unread
(413, over 64 KiB) is discarded by the event loop as well, so the client can read the answer
and go on using the connection; a thread writing an answer gives up after ``send_timeout_s``.

A connection is accepted only while one of the worker's threads is free. The stock worker
accepts whenever its listener is readable, so one worker can take every connection of a burst
(a browser's, a load test's 16) while the other sits idle: one interpreter, one GIL, half the
machine. Here a worker whose threads are all busy leaves the new connection in the backlog for
a worker that can serve it now. To keep that, a new connection goes to a thread first, which
waits ``THREAD_WAIT_S`` for the request (clients send it at once) and only then hands a slow
one back to the event loop.

Plain HTTP/1.1 only, as configured in web/gunicorn_conf.py (TLS and HTTP/2 belong to a proxy).
"""

from __future__ import annotations

import errno
import json
import selectors
import socket
import time
from functools import partial

from gunicorn import http
from gunicorn.http.body import LengthReader
from gunicorn.workers.gthread import TConn, ThreadWorker

from web import MAX_BODY
from web.request_framing import judge

# Far over any head our pages and scripts send; gunicorn's own limits check the rest.
MAX_HEAD = 64 * 1024
RECV_SIZE = 64 * 1024
# A refused body up to this size is read off and dropped so the connection can go on;
# past it the connection is closed instead.
DRAIN_CAP = 16 * 1024 * 1024
# How long a thread waits for a request that is not all there yet before handing its
# connection to the event loop; short enough that slow clients cost threads nothing much.
THREAD_WAIT_S = 0.05

# How long and how much a closing connection is still read (see _linger).
LINGER_S = 2.0
LINGER_BYTES = 64 * 1024

_MORE = object()  # a thread hands a connection back: its request is not whole yet
_DRAIN = object()  # ... or its answer is out and the rest of a refused body is to discard

ANSWERS = {
    400: ("Bad Request", "请求格式错误"),
    408: ("Request Timeout", "请求发送超时"),
    413: ("Payload Too Large", "请求体超过 64 KiB"),
    431: ("Request Header Fields Too Large", "请求头过大"),
}


def answer_bytes(status: int) -> bytes:
    """A whole ``Connection: close`` answer with the app's JSON error shape."""
    reason, text = ANSWERS[status]
    body = json.dumps({"error": text}, ensure_ascii=False).encode()
    return (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            ).encode() + body


class _Conn(TConn):
    """A connection, the bytes received of its next request and when they must be in."""

    def __init__(self, *args) -> None:  # TConn's signature
        super().__init__(*args)
        self.inbuf = bytearray()
        self.deadline = 0.0
        self.head_seen = False
        self.continued = False  # a "100 Continue" went out for the request being read
        self.drain_left = 0
        self.lingering = False
        self.lingered = 0


class BalancedThreadWorker(ThreadWorker):
    header_timeout_s = 10.0
    body_timeout_s = 20.0
    send_timeout_s = 5.0

    @classmethod
    def with_timeouts(cls, *, header_s: float, body_s: float, send_s: float) -> type:
        """This worker with the deadlines from settings (web/gunicorn_conf.py)."""
        return type(cls.__name__, (cls,), {
            "header_timeout_s": header_s, "body_timeout_s": body_s, "send_timeout_s": send_s})

    def __init__(self, *args, **kwargs) -> None:  # gunicorn's signature
        self._busy = 0
        self._reading: set[_Conn] = set()
        super().__init__(*args, **kwargs)

    # -- accepting only while a thread is free ----------------------------------------

    # The stock run loop accepts while ``nr_conns < worker_connections``: the limit it reads
    # drops to what is held once every thread is busy.
    @property
    def worker_connections(self) -> int:
        if self._busy >= self.cfg.threads:
            return self.nr_conns
        return self.cfg.worker_connections

    @worker_connections.setter
    def worker_connections(self, _value: int) -> None:
        """Set once by the stock constructor; the property above reads the config instead."""

    def enqueue_req(self, conn) -> None:  # gunicorn's TConn
        self._busy += 1
        super().enqueue_req(conn)

    def accept(self, listener) -> None:  # a listening socket
        try:
            sock, addr = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = _Conn(self.cfg, sock, addr, listener.getsockname())
        conn.deadline = time.monotonic() + self.header_timeout_s
        self.enqueue_req(conn)

    # -- the event loop: reading slow requests, discarding refused bodies -------------

    def on_client_socket_readable(self, conn, client) -> None:  # gunicorn's
        conn.deadline = time.monotonic() + self.header_timeout_s  # a kept-alive one's next
        super().on_client_socket_readable(conn, client)

    def finish_request(self, conn, fs) -> None:  # gunicorn's TConn, Future
        self._busy -= 1
        result = False if fs.cancelled() or fs.exception() else fs.result()
        if result is _MORE and self.alive:
            self._watch(conn, self._on_readable)
        elif result is _DRAIN and self.alive:
            conn.deadline = time.monotonic() + self.body_timeout_s  # the body's, as read
            self._watch(conn, self._on_drain)
        elif result is True and conn.inbuf:
            # The client sent its next request with the last one: no event will say so.
            conn.deadline = time.monotonic() + self.header_timeout_s
            self.enqueue_req(conn)
        elif result is True:
            super().finish_request(conn, fs)  # the stock wait for the next request
        else:
            self._linger(conn)

    def _watch(self, conn: _Conn, callback) -> None:  # a bound method
        conn.sock.setblocking(False)
        self._reading.add(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(callback, conn))

    def _unwatch(self, conn: _Conn) -> None:
        self._reading.discard(conn)
        try:
            self.poller.unregister(conn.sock)
        except (KeyError, ValueError, OSError):
            pass

    def _close(self, conn: _Conn) -> None:
        self.nr_conns -= 1
        conn.close()

    def _linger(self, conn: _Conn) -> None:
        """Close after the client has read what we sent: send FIN and read what it still
        sends until it closes too, for LINGER_S at most. Closed at once, a socket with
        unread bytes sends RST and the client may lose our last answer; the stock worker
        lingers on the event loop's thread, blocking, so a client that never closes
        stopped the whole worker for two seconds."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._close(conn)
            return
        conn.lingering = True
        conn.deadline = time.monotonic() + LINGER_S
        self._watch(conn, self._on_linger)

    def _on_linger(self, conn: _Conn, _sock) -> None:  # the socket
        data = self._recv(conn)
        if data is None:
            return
        conn.lingered += len(data)
        if not data or conn.lingered > LINGER_BYTES:
            self._unwatch(conn)
            self._close(conn)

    def _recv(self, conn: _Conn, size: int = RECV_SIZE) -> bytes | None:
        """What the client sent (b"" once it closed); None when nothing came after all."""
        try:
            return conn.sock.recv(size)
        except (BlockingIOError, InterruptedError):
            return None
        except OSError:
            return b""

    def _on_readable(self, conn: _Conn, _sock) -> None:  # the socket
        data = self._recv(conn)
        if data is None:
            return
        if data:
            conn.inbuf += data
            state = self._judge(conn)
            if state is _MORE:
                return
        self._unwatch(conn)
        if not data:
            self._close(conn)  # the client gave up
        elif state:
            self.enqueue_req(conn)
        else:
            self._linger(conn)  # answered (rejected)

    def _on_drain(self, conn: _Conn, _sock) -> None:  # the socket
        data = self._recv(conn, min(RECV_SIZE, conn.drain_left))
        if data is None:
            return
        conn.drain_left -= len(data)
        if data and conn.drain_left:
            return
        self._unwatch(conn)
        if not data:
            self._close(conn)
            return
        # Whole: back to the stock keep-alive wait for the next request.
        conn.set_timeout()
        self.keepalived_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ,
                             partial(self.on_client_socket_readable, conn))

    def murder_pending(self) -> None:
        """Run by the loop about once a second: end connections past their deadline, and
        once the worker is stopping, every one whose request is not whole yet."""
        super().murder_pending()
        now = time.monotonic()
        for conn in [c for c in self._reading
                     if c.deadline <= now or not (self.alive or c.lingering)]:
            self._unwatch(conn)
            if conn.lingering:
                self._close(conn)
                continue
            if conn.inbuf and self.alive:  # part of a request came, and no answer yet
                self._send_quietly(conn, answer_bytes(408))
            self._linger(conn)

    # -- the threads -------------------------------------------------------------------

    def _judge(self, conn: _Conn) -> object:
        """True: the request is whole; False: answered and to close; _MORE: wait."""
        verdict = judge(conn.inbuf, max_head=MAX_HEAD, max_body=MAX_BODY)
        if verdict.ready:
            return True
        if verdict.reject:
            self._send_quietly(conn, answer_bytes(verdict.reject))
            return False
        if verdict.head_end and not conn.head_seen:
            conn.head_seen = True
            conn.deadline = time.monotonic() + self.body_timeout_s
            if verdict.expects_continue:
                self._send_quietly(conn, b"HTTP/1.1 100 Continue\r\n\r\n")
                conn.continued = True
        return _MORE

    def _send_quietly(self, conn: _Conn, data: bytes) -> None:
        """A short answer that fits a socket buffer; a client gone meanwhile is no error."""
        try:
            conn.sock.send(data)
        except OSError:
            pass

    def handle(self, conn: _Conn) -> object:
        """Runs in a thread: wait briefly for the rest of the request, then serve it."""
        until = min(time.monotonic() + THREAD_WAIT_S, conn.deadline)
        conn.sock.setblocking(False)  # what is there already (a kept-alive request) first
        while not conn.inbuf or (state := self._judge(conn)) is _MORE:
            try:
                data = conn.sock.recv(RECV_SIZE)
            except (BlockingIOError, TimeoutError):
                wait = until - time.monotonic()
                if wait <= 0:
                    return _MORE
                conn.sock.settimeout(wait)
                continue
            except OSError:
                return False
            if not data:
                return False
            conn.inbuf += data
        return self._serve(conn) if state else False

    def _serve(self, conn: _Conn) -> object:
        """The stock HTTP/1 path, the request's bytes all in memory."""
        req = None
        try:
            conn.init()
            conn.sock.settimeout(self.send_timeout_s)
            conn.parser.unreader.unread(bytes(conn.inbuf))
            continued = conn.continued
            conn.inbuf, conn.head_seen, conn.continued = bytearray(), False, False
            req = next(conn.parser)
            if not req:
                return False
            if continued:
                req._expected_100_continue = False  # sent already, once is right
            return self._next_request(conn, self.handle_request(req, conn))
        except (http.errors.NoMoreData, StopIteration):
            pass
        except TimeoutError:
            self.log.debug("A client did not read its answer within %ss", self.send_timeout_s)
        except OSError as exc:
            if exc.errno not in (errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN):
                self.log.exception("Socket error processing request.")
        except Exception as exc:  # gunicorn answers it (400, 500)
            self.handle_error(req, conn.sock, conn.client, exc)
        return False

    def _next_request(self, conn: _Conn, keepalive: bool) -> object:
        """After an answer: whether and how the connection goes on. What the client sent
        beyond this request stays in ``inbuf``; a body the app left unread is discarded
        here when it is all in memory, else by the event loop (_DRAIN), never by a thread
        waiting on the client."""
        if not keepalive:
            return False
        parser = conn.parser
        reader = getattr(parser.mesg.body, "reader", None)
        held = parser.unreader.take_buffered()
        if isinstance(reader, LengthReader) and reader.length > len(held):
            conn.drain_left = reader.length - len(held)
            parser.mesg = None  # its body leaves the socket outside the parser
            return _DRAIN if conn.drain_left <= DRAIN_CAP else False
        parser.unreader.unread(held)
        if not self._keepalive_after(conn, keepalive):
            return False
        conn.inbuf = bytearray(parser.unreader.take_buffered())
        return True
