"""The web under load: gunicorn started as compose starts it (web/gunicorn_conf.py, the
Procfile's command), a private Redis, a logged-in user with 20 + 20 picks, and ``wrk``
(Debian's package, installed here when missing) with 16 connections for 10 s per URL.

    python -m bench.bench_web

web_picks_rps / web_picks_p99_ms: ``GET /api/picks`` with the session cookie;
web_page_rps: the HTML picks page; web_healthz_rps: ``GET /healthz`` (the cost of
answering at all, the yardstick for the others). web_*_cpu_ms: the app's own CPU per
request in process, with and without the cached picks answer.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench.harness import bench_world, figure
from store import Store

ROOT = Path(__file__).resolve().parent.parent
CONNECTIONS, SECONDS, THREADS = 16, 10, 2


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    subprocess.run([*sudo, "apt-get", "install", "-y", "-q", "wrk"], check=True,
                   stdout=subprocess.DEVNULL)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is not installed and apt-get could not install it")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile_command(name: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(name + ":"):
            cmd = shlex.split(line.split(":", 1)[1])
            # `make bench` runs the venv's python without the venv on PATH.
            cmd[0] = shutil.which(cmd[0], path=str(Path(sys.executable).parent)) or cmd[0]
            return cmd
    raise SystemExit(f"Procfile has no {name} line")


def pick(n: int, source: str) -> dict:
    bvid = "BV1" + "".join("123456789ABCDEFGHJKLMNPQRSTUVWXYZ"[(n * 7 + i) % 33]
                           for i in range(9))
    return {
        "bvid": bvid, "title": f"第{n}期：一次认真的数码评测，结果出乎意料", "source": source,
        "cover": f"http://i0.hdslb.com/bfs/archive/{n:040x}.jpg",
        "author": {"mid": 1000 + n, "name": f"测评UP主{n}"}, "duration": 600 + n,
        "stats": {"view": 123456 + n, "like": 2345, "coin": 345, "favorite": 456},
        "rating": 90 - n, "reasons": ["你常看的标签：数码", "你收藏过该UP主的视频"],
    }


def seed_user(store: Store, mid: int) -> str:
    """A logged-in session for a user with today's picks and some feedback."""
    doc = {"date": "2026-11-30", "generated_at": "2026-11-30T06:00:12.000+08:00",
           "hot": [pick(n, "hot") for n in range(20)],
           "explore": [pick(n, "related") for n in range(20, 40)]}
    store.picks.save(mid, "2026-11-30", doc)
    store.feedback.set(mid, doc["hot"][3]["bvid"], "like")
    store.status.set(mid, "ready", progress=1.0, picks_date="2026-11-30", refreshed=True)
    return store.sessions.create(mid).sid


def wrk(binary: str, url: str, cookie: str | None = None) -> tuple[float, float]:
    """Requests per second and the 99th percentile latency in ms."""
    cmd = [binary, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--latency"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run([*cmd, url], check=True, capture_output=True, text=True).stdout
    if re.search(r"Non-2xx or 3xx responses", out):
        raise SystemExit(f"wrk saw error answers from {url}:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99_ms = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    return rps, p99_ms


def cpu_ms_per_request(settings, sid: str, path: str, *, cached: bool = True, n: int = 2000
                       ) -> float:
    """This process's CPU time per request through the Flask app (no server, no wrk): less
    sensitive than req/s to other load on a shared machine."""
    from web import create_app

    app = create_app(settings)
    client = app.test_client()
    client.set_cookie("bilirec_session", sid)
    rendered = app.extensions["bilirec"].store.rendered
    if not cached:  # render every time, as before the cache
        read = rendered.get_for_session
        rendered.get_for_session = lambda sid, day: (read(sid, day)[0], None, "0")
    for _ in range(50):
        client.get(path)
    start = time.process_time()
    for _ in range(n):
        assert client.get(path).status_code == 200
    return (time.process_time() - start) / n * 1000


def main() -> None:
    binary = ensure_wrk()
    with bench_world() as bench:
        port = free_port()
        settings = bench.settings
        sid = seed_user(bench.store, 4242)
        env = {k: v for k, v in os.environ.items() if not k.startswith("BILIREC_")}
        env.update(BILIREC_REDIS_URL=settings.redis_url, BILIREC_SECRET_KEY=settings.secret_key,
                   BILIREC_API_BASE=settings.api_base, BILIREC_WEB_HOST="127.0.0.1",
                   BILIREC_WEB_PORT=str(port), PYTHONPATH=str(ROOT))
        proc = subprocess.Popen(procfile_command("web"), cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if requests.get(f"{base}/healthz", timeout=1).ok:
                        break
                except requests.RequestException:
                    pass
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("gunicorn did not start")
                time.sleep(0.2)
            cookie = f"bilirec_session={sid}"
            answer = requests.get(f"{base}/api/picks", headers={"Cookie": cookie}, timeout=5)
            assert answer.status_code == 200 and len(answer.json()["hot"]) == 20, answer.text
            healthz, _ = wrk(binary, f"{base}/healthz")
            picks, picks_p99 = wrk(binary, f"{base}/api/picks", cookie)
            page, _ = wrk(binary, f"{base}/", cookie)
        finally:
            proc.terminate()
            proc.wait(10)
        cpu = {name: cpu_ms_per_request(settings, sid, path, cached=cached)
               for name, path, cached in (("healthz", "/healthz", True),
                                          ("picks", "/api/picks", True),
                                          ("picks_uncached", "/api/picks", False))}
    note = f"wrk {CONNECTIONS} connections {SECONDS} s, gunicorn as in compose"
    figure("web_healthz_rps", healthz, "req/s", note)
    figure("web_picks_rps", picks, "req/s", f"{note}; {picks / healthz:.0%} of healthz")
    figure("web_picks_p99_ms", picks_p99, "ms", note)
    figure("web_page_rps", page, "req/s", note)
    in_process = "CPU of the Flask app per request, in process"
    figure("web_healthz_cpu_ms", cpu["healthz"], "ms", in_process)
    figure("web_picks_cpu_ms", cpu["picks"], "ms", in_process + ", cached answer")
    figure("web_picks_uncached_cpu_ms", cpu["picks_uncached"], "ms",
           in_process + ", rendered from the picks document every time")


if __name__ == "__main__":
    sys.exit(main())
