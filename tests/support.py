"""What the tests share besides fixtures: the repository root, the test secret, a WSGI app
served on loopback, the simulator's control API, a real Celery worker process, waiting on
a condition and logging a simulated user in without the web. ``tests/conftest.py`` builds
its fixtures from these; tests import them from here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
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

# What keeps a sync small (few pages, details and tags), for tests that need refreshes to
# happen, not their volume.
LEAN = {
    "first_sync_metadata": 10, "metadata_per_sync": 10, "hot_pool_cap": 30,
    "tag_fetch_per_pool": 2, "user_tag_fetch": 1, "first_user_tag_fetch": 2,
    "related_seeds": 0, "feed_pages": 1, "ranking_rids": (0,),
}


# Celery's queue bindings: the per-test cleanup keeps them (routing needs them) and empties
# everything else, queued tasks included, so no test inherits another's work.
KEEP_PREFIXES = (b"_kombu.binding",)


def empty_redis(client: redis.Redis) -> None:
    """Delete every key but Celery's queue bindings."""
    doomed = [k for k in client.scan_iter() if not k.startswith(KEEP_PREFIXES)]
    if doomed:
        client.delete(*doomed)


def page_settings(redis_url: str, sim_url: str, **changes: object) -> Settings:
    """A module's whole stack against its own simulator, for the page's browser tests:
    demo on, bilibili as fast as the simulator allows, retries and cool-downs short."""
    return Settings(
        secret_key=TEST_SECRET, redis_url=redis_url, api_base=sim_url, passport_base=sim_url,
        www_base=sim_url, demo=True, http_timeout_s=3.0, refresh_min_interval_s=0.0,
        bilibili_rps=500.0, retry_base_s=0.01, retry_max_total_s=0.5, cooldown_412_min=0.02,
        cooldown_352_min=0.02, **changes,
    )


def missing(what: str, how: str) -> None:
    """Skip loudly outside CI, fail under CI: CI must run every test."""
    message = f"{what} is not available: {how}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def wait_for(predicate: Callable[[], object], timeout_s: float = 20.0, what: str = "") -> object:
    """``predicate()``'s first truthy value, polled every 0.1 s; fails the test at the end
    of ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what or predicate}")


class ServerThread:
    """A WSGI app served on 127.0.0.1 (real HTTP) until stopped."""

    def __init__(self, app) -> None:  # any WSGI app
        self._server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        # stop() waits for serve_forever to look at its flag: every 0.5 s by default,
        # half a second of teardown for each of the hundred tests with a web app.
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


class SimControl:
    """The control API (``/_sim/...``) of the simulator at ``url``:
    ``control("POST", "/fault", json=...)`` answers the simulator's response."""

    def __init__(self, url: str, timeout_s: float = 5.0) -> None:
        self.url = url
        self._timeout_s = timeout_s

    def __call__(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.url}/_sim{path}", timeout=self._timeout_s,
                                **kwargs)

    def reset(self) -> None:
        """Faults and counters back to none (the world itself is left as it is)."""
        self("DELETE", "/fault")
        self("POST", "/counters/reset")


def start_simulator(seed: int) -> ServerThread:
    """A simulator with a world of its own, built before the first test's request (whose
    timeout is short)."""
    from simulator.app import create_app

    server = ServerThread(create_app(seed=seed))
    requests.get(f"{server.url}/_sim/world", timeout=60).raise_for_status()
    return server


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process build the same settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("BILIREC_")}
    env.update(settings.to_env())
    env["PYTHONPATH"] = str(ROOT)
    return env


def start_worker(
    settings: Settings, queues: str = "sync_first,sync,push,ml", loglevel: str = "INFO",
    *, beat: bool = False, extra_env: dict[str, str] | None = None, threads: int = 0,
) -> subprocess.Popen:
    """A real worker process with these settings (solo pool), once it says it is ready.
    ``beat``: with beat embedded (its own fresh schedule file), for tests whose refreshes
    wait for a retry (beat's retry tick, every ``retry_poll_s``, requeues them).
    ``extra_env`` is laid over the settings' environment (fault injection). ``threads``:
    a thread pool of that many, as the Procfile deploys the sync worker."""
    embedded = []
    if beat:
        schedule = Path(tempfile.mkdtemp()) / "beat-schedule"
        embedded = ["--beat", "--schedule", str(schedule)]
    proc = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "scheduler" if beat else "worker", "worker",
         "--queues", queues, *embedded,
         *(["--pool", "threads", "--concurrency", str(threads)] if threads
           else ["--pool", "solo"]),
         "--hostname", f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
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
    """A warm shutdown: the task under way runs to its end first (tests that read what it
    wrote after the stop rely on that)."""
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # embedded beat included
        proc.wait(10)


def kill_worker(proc: subprocess.Popen) -> None:
    """kill -9 the worker (and its embedded beat) once its test is over: a warm stop would
    first finish whatever refresh the test left running, seconds nobody reads. Whatever
    it left in Redis goes with the per-test cleanup."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(10)


def log_in_directly(
    settings: Settings, control: Callable[..., requests.Response], store: Store,
    mid: int | None = None,
) -> int:
    """Log a simulated user in through the QR flow (no web) and store them as the web does."""
    from bilibili.http import Hosts, Transport
    from bilibili.login import LoginClient
    from store import UserProfile

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


def in_one_minute(store: Store, calls: Callable[[], object]) -> object:
    """Run ``calls`` inside one rate-limit window (limits count per minute): when a
    minute boundary fell in between, the counters are emptied and it runs again."""
    while True:
        window = time.time() // 60
        result = calls()
        if time.time() // 60 == window:
            return result
        store.redis.delete(*store.redis.keys("rate:*"))


def compose_mounts(service: dict) -> dict[str, str]:
    """Container path → volume name (1.29 writes "name:/path:rw", v2 a mapping)."""
    found = {}
    for volume in service.get("volumes", []):
        if isinstance(volume, str):
            source, target = volume.split(":")[:2]
        else:
            source, target = volume["source"], volume["target"]
        found[target] = source
    return found
