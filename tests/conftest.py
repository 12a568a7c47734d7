"""Shared fixtures: a private Redis, the simulator over real HTTP, settings, the web app
on loopback and a real Celery worker process. Plain helpers live in ``tests/support.py``.

Redis: ``make test`` starts a private redis-server and exports BILIREC_TEST_REDIS_URL. A
bare ``pytest`` starts one itself when ``redis-server`` is on PATH; with neither, the
tests that need Redis are skipped loudly, except under CI (CI=true), where they fail.

Simulators: ``sim`` is the control API of the one simulator the whole session shares
(``settings`` points at it); ``private_sim`` is the control API of a simulator with a world
of its own, for tests that advance days or break things, and ``private_settings`` points at
that one.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis

from settings import Settings
from store import Store
from tests.support import (
    LEAN,
    TEST_SECRET,
    ServerThread,
    SimControl,
    empty_redis,
    kill_worker,
    missing,
    start_simulator,
    start_worker,
)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    url = os.environ.get("BILIREC_TEST_REDIS_URL")
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if url and worker:  # pytest -n: a database of its own for each further test process
        base, db = url.rsplit("/", 1)
        if db != "0":  # the shared Redis, where only database 15 is the tests' to empty
            pytest.fail(f"{url} is a shared Redis: run its tests in one process (no -n)",
                        pytrace=False)
        url = f"{base}/{worker}"
    proc = None
    if not url:
        binary = shutil.which("redis-server")
        if binary is None:
            missing("Redis", "run `make test` or install redis-server")
        from launcher.redis_server import start_redis

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
    empty_redis(client)


@pytest.fixture
def store(redis_url: str, redis_client: redis.Redis) -> Store:
    return Store.connect(redis_url, TEST_SECRET)


@pytest.fixture(scope="session")
def simulator_url() -> Iterator[str]:
    """The URL of the one simulator the whole session shares (seed 7)."""
    server = start_simulator(seed=7)
    yield server.url
    server.stop()


@pytest.fixture
def sim(simulator_url: str) -> Iterator[SimControl]:
    """The control API of the shared simulator (``sim("POST", "/fault", json=...)``);
    faults and counters are cleared after the test, the world is not."""
    control = SimControl(simulator_url)
    yield control
    control.reset()


@pytest.fixture
def settings(redis_url: str, simulator_url: str, redis_client: redis.Redis) -> Settings:
    """Settings pointing at the test Redis and the shared simulator."""
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


@pytest.fixture
def web(settings: Settings) -> Iterator[ServerThread]:
    from web import create_app

    server = ServerThread(create_app(settings))
    yield server
    server.stop()


@pytest.fixture
def web_factory(settings: Settings) -> Iterator[Callable[..., ServerThread]]:
    """A web app with some settings changed (e.g. allowed mids)."""
    from web import create_app

    servers: list[ServerThread] = []

    def start(**changes) -> ServerThread:
        servers.append(ServerThread(create_app(replace(settings, **changes))))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def celery_worker(fast_settings: Settings) -> Iterator[subprocess.Popen]:
    """A real worker process consuming every queue, as deployed (minus the pool kind)."""
    proc = start_worker(fast_settings)
    yield proc
    kill_worker(proc)


@pytest.fixture
def fast_settings(settings: Settings) -> Settings:
    """Settings that let a whole sync run in seconds against the simulator."""
    return replace(
        settings, bilibili_rps=500.0, retry_base_s=0.01, retry_max_total_s=0.5,
        cooldown_412_min=0.02, cooldown_352_min=0.02, metadata_per_sync=80,
        tag_fetch_per_pool=10,
    )


@pytest.fixture
def lean_settings(fast_settings: Settings) -> Settings:
    """Fast settings that also keep a sync small (``LEAN``)."""
    return replace(fast_settings, **LEAN)


@pytest.fixture
def private_sim() -> Iterator[SimControl]:
    """The control API of a simulator with a fresh world of its own (seed 11), for tests
    that advance days or break things; ``private_settings`` points at it."""
    from worker.context import context_for

    server = start_simulator(seed=11)
    yield SimControl(server.url, timeout_s=10)
    context_for.cache_clear()
    server.stop()


@pytest.fixture
def private_settings(fast_settings: Settings, private_sim: SimControl) -> Settings:
    """Fast settings pointing at ``private_sim``."""
    url = private_sim.url
    return replace(fast_settings, api_base=url, passport_base=url, www_base=url)


