"""A webhook receiver on loopback for push tests: records every request and answers as
the service of its path would (``/serverchan/…`` code 0, ``/pushplus/…`` and ``/bark/…``
code 200); ``/fail/…`` answers 500, ``/refuse/…`` a service error with text of its own.
``Trickler``: a receiver that answers too slowly or too much."""

from __future__ import annotations

import json
import select
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class Receiver:
    def __init__(self) -> None:
        self.received: list[Received] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                outer.received.append(Received(self.path, dict(self.headers.items()), body))
                status, answer = 200, {}
                if self.path.startswith("/fail"):
                    status = 500
                elif self.path.startswith("/refuse"):
                    answer = {"code": 40001, "message": "ANSWER-TEXT <a href=x>y</a>"}
                elif self.path.startswith("/serverchan"):
                    answer = {"code": 0, "message": "", "data": {}}
                elif self.path.startswith(("/pushplus", "/bark")):
                    answer = {"code": 200, "msg": "ok"}
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:  # quiet
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        # a short poll: stop() waits for serve_forever to notice (0.5 s by default)
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def on(self, prefix: str) -> list[Received]:
        return [r for r in self.received if r.path.startswith(prefix)]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class Connection:
    accepted_at: float
    closed_at: float | None = None  # when the client hung up (None: still open, or we did)
    sent: int = 0


class Trickler:
    """A loopback HTTP server that answers as slowly, or as much, as an attacker would:

    - ``headers``: the status line and then header lines, one byte every ``every_s``;
    - ``body``: whole headers at once (Content-Length 1 MB), then the body byte by byte;
    - ``flood``: whole headers, then 64 MB of body as fast as the client takes it.

    Each connection gives up after ``lasts_s``; ``connections`` records when each was
    accepted and when the client hung up, so a test sees how long a client stayed."""

    def __init__(self, mode: str = "headers", *, every_s: float = 0.3,
                 lasts_s: float = 15.0) -> None:
        self.mode, self.every_s, self.lasts_s = mode, every_s, lasts_s
        self.connections: list[Connection] = []
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._stopped = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            record = Connection(time.monotonic())
            self.connections.append(record)
            threading.Thread(target=self._serve, args=(conn, record), daemon=True).start()

    def _serve(self, conn: socket.socket, record: Connection) -> None:
        head = (b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                + (b"X-Pad: " + b"a" * 4000 + b"\r\n") * 50)
        if self.mode == "body":
            head = b"HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\n"
        elif self.mode == "flood":
            head = b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
        end = time.monotonic() + self.lasts_s
        try:
            conn.settimeout(1)
            conn.recv(65536)  # the request (small): read so the client is not blocked
            if self.mode != "headers":
                conn.sendall(head)
                head = b"x" * 64_000_000 if self.mode == "flood" else b"{" + b" " * 999_999
            step = 65536 if self.mode == "flood" else 1
            for i in range(0, len(head), step):
                if time.monotonic() > end or self._stopped.is_set():
                    break
                if self.mode != "flood" and self._hung_up(conn):
                    record.closed_at = time.monotonic()
                    break
                conn.sendall(head[i:i + step])
                record.sent += step
        except OSError:
            record.closed_at = time.monotonic()
        finally:
            conn.close()

    def _hung_up(self, conn: socket.socket) -> bool:
        """Waits ``every_s``; True when the client closed meanwhile."""
        readable, _, _ = select.select([conn], [], [], self.every_s)
        if not readable:
            return False
        try:
            return conn.recv(65536) == b""
        except OSError:
            return True

    def stop(self) -> None:
        self._stopped.set()
        self._sock.close()
