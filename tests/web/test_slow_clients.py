"""Slow and idle clients hold no thread of the web (issue 15.4): through real gunicorn with
web/gunicorn_conf.py, as compose runs it, with deadlines shortened to seconds."""

from __future__ import annotations

import selectors
import socket
import threading
import time
from collections.abc import Iterator

import pytest
import requests

from settings import Settings
from store import Store
from tests.web.test_gunicorn import serve_gunicorn

HEADER_S, BODY_S = 2.0, 3.0
# The worker checks deadlines about once a second.
SLACK_S = 2.0
MID = 4711
PICKS = {"date": "2026-11-29", "generated_at": "2026-11-29T06:00:00+08:00",
         "hot": [{"bvid": "BV1AAAAAAAAA", "title": "慢连接也挡不住的推荐"}], "explore": []}


@pytest.fixture
def web_url(settings: Settings) -> Iterator[str]:
    yield from serve_gunicorn(settings, web_header_timeout_s=HEADER_S,
                              web_body_timeout_s=BODY_S)


def _port(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


class SlowClients:
    """Connections that send one byte and stop, and ones that trickle a large body (one
    byte per connection every 0.1 s); notes when the server ends each."""

    def __init__(self, port: int, silent: int, trickling: int, body_length: int) -> None:
        self.opened = time.monotonic()
        self.closed_after: dict[str, float] = {}
        self.answers: dict[str, bytes] = {}
        self._socks: dict[str, socket.socket] = {}
        self._trickling: list[str] = []
        head = (f"POST /api/feedback HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                f"Content-Length: {body_length}\r\n\r\n").encode()
        for i in range(silent):
            self._open(f"silent{i}", port, b"G")
        for i in range(trickling):
            self._open(f"trickle{i}", port, head + b"[")
            self._trickling.append(f"trickle{i}")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _open(self, name: str, port: int, first: bytes) -> None:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(first)
        sock.setblocking(False)
        self._socks[name] = sock
        self.answers[name] = b""

    def _run(self) -> None:
        sel = selectors.DefaultSelector()
        for name, sock in self._socks.items():
            sel.register(sock, selectors.EVENT_READ, name)
        while len(self.closed_after) < len(self._socks):
            if time.monotonic() - self.opened > 30:
                break
            for name in self._trickling:
                if name not in self.closed_after:
                    try:
                        self._socks[name].send(b"1")
                    except OSError:
                        pass  # closed: the read below says so
            for key, _ in sel.select(0.1):
                name = key.data
                try:
                    data = key.fileobj.recv(65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    self.answers[name] += data
                else:
                    self.closed_after[name] = time.monotonic() - self.opened
                    sel.unregister(key.fileobj)
        sel.close()

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def close(self) -> None:
        self._thread.join(35)
        for sock in self._socks.values():
            sock.close()


def _probe(url: str, cookie: str) -> float:
    """The slowest of /healthz and /api/picks, each on a new connection; fails past 1 s."""
    slowest = 0.0
    for path, headers in (("/healthz", {}), ("/api/picks", {"Cookie": cookie})):
        started = time.monotonic()
        resp = requests.get(url + path, headers=headers, timeout=1.0)
        assert resp.status_code == 200, (path, resp.text)
        slowest = max(slowest, time.monotonic() - started)
    return slowest


@pytest.mark.parametrize("body_length", [60_000, 1024 * 1024],
                         ids=["body-the-app-reads", "body-refused-unread"])
def test_slow_clients_never_stall_the_web(web_url: str, store: Store, body_length: int):
    store.picks.save(MID, PICKS["date"], PICKS)
    cookie = f"bilirec_session={store.sessions.create(MID).sid}"
    slow = SlowClients(_port(web_url), silent=16, trickling=16, body_length=body_length)
    try:
        slowest = 0.0
        probes = 0
        while slow.running:
            slowest = max(slowest, _probe(web_url, cookie))
            probes += 1
            time.sleep(0.1)
    finally:
        slow.close()
    assert probes >= 10 and slowest < 1.0
    # Each slow connection was ended by the server, at its deadline.
    assert len(slow.closed_after) == 32, sorted(slow.answers)
    for name, after in slow.closed_after.items():
        limit = HEADER_S if name.startswith("silent") else BODY_S
        assert after < limit + SLACK_S, (name, after)
        assert after > limit - 0.5, (name, after)  # ... and not before
        if name.startswith("trickle") and body_length > 64 * 1024:
            # Refused at once from the head, then its body was discarded until the deadline.
            assert slow.answers[name].startswith(b"HTTP/1.1 413 "), slow.answers[name][:80]
        else:
            assert slow.answers[name].startswith(b"HTTP/1.1 408 "), slow.answers[name][:80]


def test_clients_that_never_close_do_not_block_the_web(web_url: str, store: Store):
    """Each asks for ``Connection: close``, then keeps its end open and never reads. The
    stock worker waited on its event loop for each to close, two seconds apiece."""
    store.picks.save(MID, PICKS["date"], PICKS)
    cookie = f"bilirec_session={store.sessions.create(MID).sid}"
    socks = [socket.create_connection(("127.0.0.1", _port(web_url)), timeout=5)
             for _ in range(16)]
    try:
        for sock in socks:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        ends = time.monotonic() + 4
        probes = 0
        while time.monotonic() < ends:
            assert _probe(web_url, cookie) < 1.0
            probes += 1
        assert probes >= 4
        for sock in socks:  # each was answered, then closed by the server
            sock.settimeout(5)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
            assert data.startswith(b"HTTP/1.1 200 "), data[:80]
    finally:
        for sock in socks:
            sock.close()


def test_stopping_does_not_wait_for_slow_clients(settings: Settings):
    """docker compose stop gives the web 10 s before SIGKILL: requests not yet whole are
    dropped at once, not waited for until their deadline."""
    server = serve_gunicorn(settings, web_header_timeout_s=30.0, web_body_timeout_s=30.0)
    url = next(server)
    socks = [socket.create_connection(("127.0.0.1", _port(url)), timeout=5) for _ in range(8)]
    try:
        for sock in socks:
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        assert requests.get(url + "/healthz", timeout=1).status_code == 200
        started = time.monotonic()
        next(server, None)  # SIGTERM, then waits for gunicorn to exit (at most 10 s)
        assert time.monotonic() - started < 5
    finally:
        for sock in socks:
            sock.close()


def _exchange(port: int, pieces: list[bytes], gap_s: float = 0.3) -> bytes:
    """Sends ``pieces`` with a pause between them; everything answered until the server
    closes (each request here asks it to)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        for piece in pieces:
            sock.sendall(piece)
            time.sleep(gap_s)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
        return data


def test_a_request_sent_in_pieces_within_the_deadlines_is_served(web_url: str):
    body = b'{"bvid": "BV1xx411c7mD", "kind": "like"}'
    head = (b"POST /api/feedback HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
    answer = _exchange(_port(web_url), [head[:10], head[10:40], head[40:], body[:5], body[5:]])
    # Not logged in: the app read the whole request and answered it.
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:80]
    assert b'"error"' in answer


def test_pipelined_requests_are_each_answered(web_url: str):
    get = b"GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
    answer = _exchange(_port(web_url), [get + get + get.replace(b"\r\n\r\n",
                                                               b"\r\nConnection: close\r\n\r\n")])
    assert answer.count(b"HTTP/1.1 200 ") == 3


def test_expect_100_continue_is_told_once_to_go_on(web_url: str):
    body = b'{"bvid": "BV1xx411c7mD", "kind": "like"}'
    head = (b"POST /api/feedback HTTP/1.1\r\nHost: t\r\nConnection: close\r\nExpect: 100-continue"
            b"\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
    with socket.create_connection(("127.0.0.1", _port(web_url)), timeout=5) as sock:
        sock.sendall(head)
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 401 "), answer[:80]


def test_chunked_bodies_are_read_whole_or_refused(web_url: str):
    head = (b"POST /api/feedback HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
    small = _exchange(_port(web_url), [head, b"5\r\n{\"bvi\r\n", b"3;x=1\r\nd\":\r\n0\r\n\r\n"])
    assert small.startswith(b"HTTP/1.1 401 "), small[:80]
    # 64 KiB and one byte: refused once the last size line is in.
    over = b"".join([b"8000\r\n" + b"x" * 0x8000 + b"\r\n"] * 2) + b"1\r\nx\r\n0\r\n\r\n"
    big = _exchange(_port(web_url), [head + over])
    assert big.startswith(b"HTTP/1.1 413 ") and b'"error"' in big, big[:80]
    bad = _exchange(_port(web_url), [head, b"zz\r\n"])
    assert bad.startswith(b"HTTP/1.1 400 "), bad[:80]


def test_a_huge_head_is_refused(web_url: str):
    # Just over 64 KiB and no end of head: refused once all of it is read.
    head = b"GET /healthz HTTP/1.1\r\nHost: t\r\n" + b"X-Filler: " + b"y" * 65_600
    answer = _exchange(_port(web_url), [head])
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:80]
