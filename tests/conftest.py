"""Shared fixtures: a private Redis, the simulator over real HTTP, settings, the web app
on loopback and a real Celery worker process.

Redis: ``make test`` starts a private redis-server and exports BILIREC_TEST_REDIS_URL. A
bare ``pytest`` starts one itself when ``redis-server`` is on PATH; with neither, the
tests that need Redis are skipped loudly, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
import requests
from werkzeug.serving import make_server

from settings import Settings
from store import Store

ROOT = Path(__file__).resolve().parent.parent
TEST_SECRET = "test-secret-for-bilirec-tests-only-0123456789"
IN_CI = os.environ.get("CI", "").lower() == "true"
# Celery's queue bindings: the per-test cleanup keeps them (routing needs them) and empties
# everything else, queued tasks included, so no test inherits another's work.
_KEEP_PREFIXES = (b"_kombu.binding",)


def missing(what: str, how: str) -> None:
    """Skip loudly outside CI, fail under CI: CI must run every test."""
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("BILIREC_TEST_REDIS_URL")
    proc = None
    if not url:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("Redis", "run `make test` or install redis-server")
        from launcher.redis_server import start_redis  # noqa: PLC0415

        url, proc = start_redis(Path(tempfile.mkdtemp()), persist=False)
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        missing("Redis", f"nothing answers at {url}")
    yield url
    if proc is not None:
        proc.terminate()
        proc.wait()


@pytest.fixture
def redis_client(redis_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url)
    yield client
    doomed = [k for k in client.scan_iter() if not k.startswith(_KEEP_PREFIXES)]
    if doomed:
        client.delete(*doomed)


@pytest.fixture
def store(redis_url: str, redis_client: redis.Redis) -> Store:
    return Store.connect(redis_url, TEST_SECRET)


class ServerThread:
    """A WSGI app served on 127.0.0.1 (real HTTP) until stopped."""

    def __init__(self, app) -> None:  # noqa: ANN001 - any WSGI app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    from simulator.app import create_app  # noqa: PLC0415

    server = ServerThread(create_app(seed=7))
    # Build the world now, not inside the first test's request (its timeout is short).
    requests.get(f"{server.url}/_sim/world", timeout=60).raise_for_status()
    yield server.url
    server.stop()


@pytest.fixture
def sim(simulator_url: str) -> Iterator[Callable[..., requests.Response]]:
    """Calls the simulator's control API; clears faults and counters after the test."""

    def control(method: str, path: str, **kwargs) -> requests.Response:
        resp = requests.request(method, f"{simulator_url}/_sim{path}", timeout=5, **kwargs)
        return resp

    yield control
    requests.delete(f"{simulator_url}/_sim/fault", timeout=5)
    requests.post(f"{simulator_url}/_sim/counters/reset", timeout=5)


@pytest.fixture
def settings(redis_url: str, simulator_url: str, redis_client: redis.Redis) -> Settings:
    return Settings(
        secret_key=TEST_SECRET,
        redis_url=redis_url,
        api_base=simulator_url,
        passport_base=simulator_url,
        www_base=simulator_url,
        demo=True,
        http_timeout_s=3.0,
        refresh_min_interval_s=0.0,
        retry_poll_s=1.0,
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process build the same settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILIREC_")}
    env.update(settings.to_env())
    env["PYTHONPATH"] = str(ROOT)
    return env


@pytest.fixture
def web(settings: Settings) -> Iterator[ServerThread]:
    from web import create_app  # noqa: PLC0415

    server = ServerThread(create_app(settings))
    yield server
    server.stop()


@pytest.fixture
def web_factory(settings: Settings) -> Iterator[Callable[..., ServerThread]]:
    """A web app with some settings changed (e.g. allowed mids)."""
    from web import create_app  # noqa: PLC0415

    servers: list[ServerThread] = []

    def start(**changes) -> ServerThread:
        servers.append(ServerThread(create_app(replace(settings, **changes))))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


def start_worker(
    settings: Settings, queues: str = "sync_first,sync,push,ml", loglevel: str = "INFO",
    *, beat: bool = False, extra_env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """A real worker process with these settings (solo pool), once it says it is ready.
    ``beat``: with beat embedded (its own fresh schedule file), for tests whose refreshes
    wait for a retry (beat's retry tick, every ``retry_poll_s``, requeues them).
    ``extra_env`` is laid over the settings' environment (fault injection)."""
    embedded = []
    if beat:
        schedule = Path(tempfile.mkdtemp()) / "beat-schedule"
        embedded = ["--beat", "--schedule", str(schedule)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "scheduler" if beat else "worker", "worker",
         "--queues", queues, *embedded,
         "--pool", "solo", "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
         "--loglevel", loglevel, "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=ROOT,
        env={**settings_env(settings), **(extra_env or {})},
        start_new_session=True,  # a process group of its own, so a kill reaches beat too
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    ready = threading.Event()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.append(line)
            if " ready." in line:
                ready.set()

    threading.Thread(target=pump, daemon=True).start()
    if not ready.wait(60):
        proc.kill()
        pytest.fail("celery worker did not start:\n" + "".join(lines[-40:]))
    proc.output = lines  # type: ignore[attr-defined]
    return proc


def stop_worker(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # embedded beat included
        proc.wait(10)


@pytest.fixture
def celery_worker(fast_settings: Settings) -> Iterator[subprocess.Popen]:
    """A real worker process consuming every queue, as deployed (minus the pool kind)."""
    proc = start_worker(fast_settings)
    yield proc
    stop_worker(proc)


def wait_for(predicate: Callable[[], object], timeout_s: float = 20.0, what: str = "") -> object:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what or predicate}")


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    """Settings that let a whole sync run in seconds against the simulator."""
    return replace(
        settings, bilibili_rps=500.0, retry_base_s=0.01, retry_max_total_s=0.5,
        cooldown_412_min=0.02, cooldown_352_min=0.02, metadata_per_sync=80,
        tag_fetch_per_pool=10,
    )


# What keeps a sync small (few pages, details and tags), for tests that need refreshes to
# happen, not their volume.
LEAN = {
    "first_sync_metadata": 10, "metadata_per_sync": 10, "hot_pool_cap": 30,
    "tag_fetch_per_pool": 2, "user_tag_fetch": 1, "first_user_tag_fetch": 2,
    "related_seeds": 0, "feed_pages": 1, "ranking_rids": (0,),
}


@pytest.fixture
def lean_settings(fast_settings: Settings) -> Settings:
    """Fast settings that also keep a sync small (``LEAN``)."""
    return replace(fast_settings, **LEAN)


@pytest.fixture
def world(fast_settings: Settings) -> Iterator[tuple[Settings, Callable[..., requests.Response]]]:
    """A fresh simulated world of its own (tests that advance days or break things), with
    settings pointing at it and a function calling its control API."""
    from simulator.app import create_app  # noqa: PLC0415
    from worker.context import context_for  # noqa: PLC0415

    server = ServerThread(create_app(seed=11))
    requests.get(f"{server.url}/_sim/world", timeout=60).raise_for_status()
    settings = replace(fast_settings, api_base=server.url, passport_base=server.url,
                       www_base=server.url)

    def control(method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{server.url}/_sim{path}", timeout=10, **kwargs)

    yield settings, control
    context_for.cache_clear()
    server.stop()


def log_in_directly(settings: Settings, control, store: Store, mid: int | None = None) -> int:
    """Log a simulated user in through the QR flow (no web) and store them as the web does."""
    from bilibili.http import Hosts, Transport  # noqa: PLC0415
    from bilibili.login import LoginClient  # noqa: PLC0415
    from store import UserProfile  # noqa: PLC0415

    client = LoginClient(Transport(
        Hosts(settings.api_base, settings.passport_base, settings.www_base), timeout_s=5
    ))
    device = store.device.get() or client.device_ids()
    store.device.save(device)
    qr = client.generate(device)
    mid = mid or control("GET", "/users").json()[0]["mid"]
    assert control("POST", "/qr/login", json={"qrcode_key": qr.qrcode_key, "mid": mid}).ok
    creds = client.poll(qr.qrcode_key, device).credentials
    store.credentials.save(mid, creds.cookies, creds.refresh_token)
    store.users.activate(UserProfile(mid, str(mid)))
    return mid
