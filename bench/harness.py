"""What the benchmarks share: a private Redis, an in-process simulator over real HTTP on
loopback, settings pointing at both, and simulated users logged in."""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import requests
from werkzeug.serving import make_server

from launcher.redis_server import start_redis
from settings import Settings
from store import Store, UserProfile

SECRET = "bench-secret-for-bilirec-benchmarks-only-012345"


@dataclass
class Bench:
    settings: Settings
    store: Store
    sim_url: str

    def control(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.sim_url}/_sim{path}", timeout=30, **kwargs)

    def requests_made(self) -> int:
        return int(self.control("GET", "/counters").json()["total"])

    def reset_counters(self) -> None:
        self.control("POST", "/counters/reset")

    def log_in(self, mid: int) -> None:
        from bilibili.http import Hosts, Transport
        from bilibili.login import LoginClient

        s = self.settings
        client = LoginClient(Transport(Hosts(s.api_base, s.passport_base, s.www_base)))
        device = self.store.device.get() or client.device_ids()
        self.store.device.save(device)
        qr = client.generate(device)
        self.control("POST", "/qr/login", json={"qrcode_key": qr.qrcode_key, "mid": mid})
        creds = client.poll(qr.qrcode_key, device).credentials
        self.store.credentials.save(mid, creds.cookies, creds.refresh_token)
        self.store.users.activate(UserProfile(mid, str(mid)))


@contextlib.contextmanager
def bench_world(*, n_users: int = 5, seed: int = 11, history_scale: float = 1.0,
                taste: str = "topic", **changes) -> Iterator[Bench]:
    from simulator.app import create_app

    data = Path(tempfile.mkdtemp(prefix="bilirec-bench-"))
    redis_url, redis_proc = start_redis(data, persist=False)
    server = make_server("127.0.0.1", 0, create_app(seed=seed, n_users=n_users,
                                                        history_scale=history_scale,
                                                        taste=taste), threaded=True)
    import threading

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"
    settings = replace(
        Settings(secret_key=SECRET, redis_url=redis_url, api_base=url, passport_base=url,
                 www_base=url),
        **changes,
    )
    try:
        yield Bench(settings, Store.from_settings(settings), url)
    finally:
        server.shutdown()
        redis_proc.terminate()
        redis_proc.wait()
        shutil.rmtree(data, ignore_errors=True)


def figure(name: str, value: float, unit: str = "", note: str = "") -> None:
    """One ``name: value unit`` line (a comment after ``#`` says how it was measured)."""
    text = f"{value:.3g}" if isinstance(value, float) else str(value)
    line = f"{name}: {text}" + (f" {unit}" if unit else "")
    print(line + (f"  # {note}" if note else ""), flush=True)
