"""The guarded transport of push messages: one HTTP exchange with a webhook the user
typed, so nothing about the other end is trusted.

- Where: the host is resolved once and every address checked (``store.push_address``);
  the connection goes to a checked address, while the Host header, TLS SNI and the
  certificate check keep the name from the URL. No second lookup can answer otherwise.
- How long: one deadline for the whole exchange, resolution and connect to last byte.
  ``requests``' own timeout is per socket read, so a server sending a byte every few
  seconds would hold a worker thread for ever; a timer shuts the socket down at the
  deadline instead, whatever the exchange is doing (TLS handshake, headers, body).
- How much: at most ``MAX_ANSWER_BYTES`` of the answer are read, undecoded.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import NewConnectionError

from store.push_address import AddressRefused, ResolveFailed, host_and_port, vet

MAX_ANSWER_BYTES = 4096  # enough for any service's JSON envelope


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes  # the first MAX_ANSWER_BYTES at most; empty unless asked for


class Refused(Exception):
    """The URL's host is, or resolves to, an address push may not reach."""


class TimedOut(Exception):
    """The exchange did not finish within the deadline."""


class Unreachable(Exception):
    """No connection, or no well-formed answer (reason: an exception type name)."""


class Deadline:
    """One deadline for an exchange: the time left for each blocking step, and a timer
    that shuts down every socket of the exchange when it passes."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._watched: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        remaining = self.at - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("push deadline passed")
        return remaining

    def passed(self) -> bool:
        return self.expired or time.monotonic() >= self.at

    def watch(self, sock: socket.socket) -> None:
        # A duplicate descriptor of the same socket: shutting it down ends reads on the
        # original too, even after TLS has wrapped (and detached) the original object.
        dup = sock.dup()
        with self._lock:
            self._watched.append(dup)
            if self.expired:
                _shutdown(dup)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._watched:
                _shutdown(sock)

    def close(self) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._watched:
                sock.close()
            self._watched.clear()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the other end


class _Pin:
    """The checked addresses of one host and the exchange's deadline."""

    def __init__(self, addresses: tuple[str, ...], deadline: Deadline) -> None:
        self.addresses = addresses
        self.deadline = deadline

    def connect(self, port: int) -> socket.socket:
        last: OSError = OSError("no address")
        for address in self.addresses:
            try:
                sock = socket.create_connection((address, port), timeout=self.deadline.left())
            except OSError as exc:
                last = exc
                continue
            self.deadline.watch(sock)
            return sock
        raise last


class _PinnedHTTPConnection(HTTPConnection):
    def __init__(self, *args, pin: _Pin, **kwargs) -> None:
        self._pin = pin
        super().__init__(*args, **kwargs)

    def _new_conn(self) -> socket.socket:
        try:
            return self._pin.connect(self.port)
        except OSError as exc:
            raise NewConnectionError(self, type(exc).__name__) from exc


class _PinnedHTTPSConnection(HTTPSConnection):
    # TLS is set up by urllib3 on the socket returned here, with server_hostname and the
    # certificate match taken from the URL's host (self.host), not from the address.
    def __init__(self, *args, pin: _Pin, **kwargs) -> None:
        self._pin = pin
        super().__init__(*args, **kwargs)

    _new_conn = _PinnedHTTPConnection._new_conn


class _PinnedPool(HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedTlsPool(HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


class _PinnedAdapter(HTTPAdapter):
    """requests' adapter with a pool of its own per exchange, connecting only through
    the pin (no proxies, no pooling across exchanges)."""

    def __init__(self, pin: _Pin) -> None:
        super().__init__(max_retries=0)
        self._pin = pin
        self._pools: list[HTTPConnectionPool] = []

    def get_connection_with_tls_context(self, request, verify, proxies=None,
                                        cert=None) -> HTTPConnectionPool:
        parts = urlsplit(request.url)
        cls = _PinnedTlsPool if parts.scheme == "https" else _PinnedPool
        pool = cls(parts.hostname, parts.port, maxsize=1, block=False, pin=self._pin)
        self._pools.append(pool)
        return pool

    def close(self) -> None:
        super().close()
        for pool in self._pools:
            pool.close()


def exchange(prepared: requests.PreparedRequest, *, timeout_s: float, allow_private: bool,
             read_body: bool) -> Answer:
    """Send one request and read the answer's status (and, when ``read_body``, its first
    bytes), all within ``timeout_s``. Raises Refused, TimedOut or Unreachable; none of
    their messages holds the URL."""
    deadline = Deadline(timeout_s)
    adapter: _PinnedAdapter | None = None
    try:
        host, port = host_and_port(prepared.url or "")
        addresses = vet(host, port, allow_private=allow_private, timeout_s=deadline.left())
        adapter = _PinnedAdapter(_Pin(addresses, deadline))
        resp = adapter.send(prepared, stream=True, timeout=deadline.left(), verify=True,
                            proxies={})
        try:
            body = b""
            if read_body:
                body = resp.raw.read(MAX_ANSWER_BYTES, decode_content=False) or b""
            if deadline.expired:  # the answer was cut off by the deadline
                raise TimedOut()
            return Answer(resp.status_code, body[:MAX_ANSWER_BYTES])
        finally:
            resp.close()
    except AddressRefused as exc:
        raise Refused(str(exc)) from None
    except ResolveFailed as exc:
        if exc.timed_out or deadline.passed():
            raise TimedOut() from None
        raise Unreachable("ResolveFailed") from None
    except (requests.RequestException, urllib3.exceptions.HTTPError,
            http.client.HTTPException, OSError, ValueError) as exc:
        # Whatever the deadline's shutdown made of the exchange, it was the deadline.
        if deadline.passed():
            raise TimedOut() from None
        raise Unreachable(type(exc).__name__) from None
    finally:
        deadline.close()
        if adapter is not None:
            adapter.close()
