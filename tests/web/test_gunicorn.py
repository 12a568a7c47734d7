"""The web as users run it: gunicorn with web/gunicorn_conf.py, spoken to over raw
keep-alive connections the way scripts (Python requests) reuse them."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests

from launcher.redis_server import free_port
from settings import Settings
from tests.support import ROOT, settings_env


@pytest.fixture
def gunicorn(settings: Settings) -> Iterator[str]:
    yield from _gunicorn(settings)


@pytest.fixture
def gunicorn_one_thread(settings: Settings) -> Iterator[str]:
    """As compose runs it, but one thread per worker: one slow request makes a worker full."""
    yield from _gunicorn(settings, "--threads 1")


def _gunicorn(settings: Settings, args: str = "") -> Iterator[str]:
    port = free_port()
    env = settings_env(replace(settings, web_port=port, web_keepalive_s=5.0))
    env["GUNICORN_CMD_ARGS"] = args
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "web/gunicorn_conf.py", "web:create_app()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            requests.get(url + "/healthz", timeout=2)
            break
        except requests.RequestException:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail("gunicorn did not start")
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(10)


def _get(sock: socket.socket, path: str) -> bytes:
    """One whole response (head and body) read off a kept-alive connection."""
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: t\r\n\r\n".encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data  # closed by the server
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def test_an_idle_connection_outlives_a_poll_interval(gunicorn: str):
    port = int(gunicorn.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        assert _get(sock, "/healthz").startswith(b"HTTP/1.1 200")
        time.sleep(2.5)  # the page and README poll every 2 s
        assert _get(sock, "/healthz").startswith(b"HTTP/1.1 200")


def test_a_refused_huge_body_does_not_break_the_next_request(gunicorn: str):
    with requests.Session() as session:
        big = session.post(gunicorn + "/api/feedback", data=b"x" * (1024 * 1024),
                           headers={"Content-Type": "application/json"}, timeout=10)
        assert big.status_code == 413
        assert big.json()["error"]
        after = session.get(gunicorn + "/healthz", timeout=10)
        assert after.status_code == 200


def test_a_full_worker_leaves_new_connections_to_the_other(gunicorn_one_thread: str):
    """A client sending its body slowly holds one worker's only thread. The stock threaded
    worker would still accept about half of the new connections and queue them behind it;
    ours leaves them to the worker that can answer now."""
    port = int(gunicorn_one_thread.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as slow:
        slow.sendall(b"POST /api/feedback HTTP/1.1\r\nHost: t\r\n"
                     b"Content-Type: application/json\r\nContent-Length: 40\r\n\r\n{")
        time.sleep(0.5)  # accepted, and its thread is waiting for the rest of the body
        for _ in range(12):
            with socket.create_connection(("127.0.0.1", port), timeout=3) as sock:
                assert _get(sock, "/healthz").startswith(b"HTTP/1.1 200")
