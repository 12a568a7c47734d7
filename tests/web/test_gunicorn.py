"""The web as users run it: gunicorn with web/gunicorn_conf.py, spoken to over raw
keep-alive connections the way scripts (Python requests) reuse them."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from launcher.redis_server import free_port
from settings import Settings
from tests.support import ROOT, settings_env, wait_for


@pytest.fixture
def gunicorn(settings: Settings) -> Iterator[str]:
    yield from serve_gunicorn(settings)


@pytest.fixture
def gunicorn_one_thread(settings: Settings) -> Iterator[str]:
    """As compose runs it, but one thread per worker: one slow request makes a worker full."""
    yield from serve_gunicorn(settings, "--threads 1")


@pytest.fixture
def gunicorn_logging(settings: Settings, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """With BILIREC_WEB_ACCESS_LOG=1; the access log goes to the file yielded."""
    log = tmp_path / "access.log"
    with log.open("wb") as out:
        for url in serve_gunicorn(settings, stdout=out, web_access_log=True):
            yield url, log


def serve_gunicorn(settings: Settings, args: str = "", stdout=subprocess.DEVNULL,
                   **changes: object) -> Iterator[str]:
    """gunicorn with web/gunicorn_conf.py on a free port (settings ``changes`` applied)."""
    port = free_port()
    env = settings_env(replace(settings, web_port=port, web_keepalive_s=5.0, **changes))
    env["GUNICORN_CMD_ARGS"] = args
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "web/gunicorn_conf.py", "web:create_app()"],
        cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.DEVNULL,
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


def test_the_access_log_redacts_the_secret_feed_path(gunicorn_logging, store):
    """The feed token is a credential: anyone holding it reads the user's picks. The log
    (BILIREC_WEB_ACCESS_LOG=1) shows every request, the feed path redacted."""
    url, log = gunicorn_logging
    token = store.atom.token(4242)
    encoded = "".join(f"%{b:02X}" for b in token.encode())
    for path in (f"/feed/{token}.atom", f"/feed/{token}.atom?list=hot",
                 f"/%66eed/{encoded}.atom", "/healthz"):
        requests.get(url + path, timeout=10)
    wait_for(lambda: log.read_text().count("\n") >= 4, timeout_s=10,
             what="gunicorn to log the four requests")
    text = log.read_text()
    assert text.count("/feed/[redacted]") == 3 and "/healthz" in text, text
    assert token not in text and encoded not in text and token[:8] not in text


def test_the_qr_login_is_bound_to_its_browser_under_gunicorn(gunicorn: str, sim):
    """The binding of test_login_binding.py as users run the web."""
    owner = requests.Session()
    key = owner.post(f"{gunicorn}/api/login/qrcode", timeout=10).json()["qrcode_key"]
    assert sim("POST", "/qr/login", json={"qrcode_key": key,
                                          "mid": sim("GET", "/users").json()[0]["mid"]}).ok
    thief = requests.get(f"{gunicorn}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert thief.json() == {"status": "expired"} and "Set-Cookie" not in thief.headers
    mine = owner.get(f"{gunicorn}/api/login/poll", params={"qrcode_key": key}, timeout=10)
    assert mine.json() == {"status": "success"} and "Set-Cookie" in mine.headers
    assert owner.get(f"{gunicorn}/api/session", timeout=10).json()["logged_in"] is True
    cross = requests.post(f"{gunicorn}/api/login/qrcode", timeout=10,
                          headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
