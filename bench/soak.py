"""``make soak``: many simulated users through daily cycles on one machine, as deployed
(gunicorn, one sync worker, one ml worker and beat, from the Procfile), with the web
answering ``/api/picks`` at a steady rate meanwhile. Not part of ``make test``/``make bench``.

    python -m bench.soak [--users 500] [--rps 20] [--picks-rps 50]

Round 1 is everyone's first refresh (full history walk); then the simulated world moves on
a day and round 2 is the daily cycle proper. For each round it prints users/hour per queue
(users done over the queue's busy time, from the workers' own task timings), the bound the
rate limit sets (bilibili requests per user; one machine at BILIREC_BILIBILI_RPS=1), the
picks answer's latency under load, and Redis memory per user by key family.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import logging
import os
import re
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import requests

from bench.bench_web import free_port, procfile_command, seed_user
from bench.harness import bench_world, figure
from store import Store
from worker.app import create_celery

ROOT = Path(__file__).resolve().parent.parent
SUCCEEDED = re.compile(r"\] Task (bilirec\.\w+)\[[^\]]+\] succeeded in ([\d.]+)s")
FAMILIES = {"events": ("events",), "model": ("model", "taste"), "picks": ("picks",),
            "pool": ("pool",)}


class Load:
    """GET /api/picks at a fixed rate from a thread pool (open loop: a slow answer does not
    delay the next request), latencies kept."""

    def __init__(self, url: str, cookie: str, rps: float) -> None:
        self._url, self._cookie, self._rps = url, cookie, rps
        self.latencies: list[float] = []
        self.errors = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._local = threading.local()

    def _get(self) -> None:
        http = getattr(self._local, "http", None) or requests.Session()
        self._local.http = http
        start = time.perf_counter()
        try:
            ok = http.get(self._url, headers={"Cookie": self._cookie}, timeout=10).ok
        except requests.RequestException:
            ok = False
        self.latencies.append(time.perf_counter() - start)
        self.errors += not ok

    def _run(self) -> None:
        with cf.ThreadPoolExecutor(16) as pool:
            due = time.monotonic()
            while not self._stop.is_set():
                pool.submit(self._get)
                due += 1 / self._rps
                time.sleep(max(0.0, due - time.monotonic()))

    def __enter__(self) -> Load:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(30)


def _start(name: str, env: dict[str, str], log: Path, *extra: str) -> subprocess.Popen:
    out = log.open("w")
    return subprocess.Popen([*procfile_command(name), *extra], cwd=ROOT, env=env, stdout=out,
                            stderr=subprocess.STDOUT)


def _wait_web(base: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=1).ok:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def _task_seconds(logs: list[Path], offsets: dict[Path, int]) -> dict[str, float]:
    """Busy seconds per task name in the log lines written since ``offsets``."""
    busy: dict[str, float] = {}
    for log in logs:
        text = log.read_text(errors="replace")[offsets.get(log, 0):]
        for name, seconds in SUCCEEDED.findall(text):
            busy[name] = busy.get(name, 0.0) + float(seconds)
        offsets[log] = offsets.get(log, 0) + len(text)
    return busy


def _memory_per_user(store: Store, mids: list[int]) -> dict[str, float]:
    r = store.redis
    totals = dict.fromkeys([*FAMILIES, "other"], 0)
    for mid in mids:
        for key in r.scan_iter(match=f"user:{mid}:*", count=500):
            family = key.decode().split(":")[2]
            name = next((f for f, parts in FAMILIES.items() if family in parts), "other")
            totals[name] += r.memory_usage(key) or 0
    shared = sum(r.memory_usage(k) or 0 for pattern in ("video:*", "hot:*")
                 for k in r.scan_iter(match=pattern, count=500))
    out = {name: total / len(mids) for name, total in totals.items()}
    out["shared_videos_and_hot"] = shared / len(mids)
    return out


def _round(bench, mids: list[int], load_base: str, cookie: str, picks_rps: float,
           logs: list[Path], offsets: dict[Path, int], label: str) -> None:
    store = bench.store
    app = create_celery(bench.settings)
    bench.reset_counters()
    _task_seconds(logs, offsets)  # skip what came before this round
    start = time.time()
    with Load(f"{load_base}/api/picks", cookie, picks_rps) as load:
        app.send_task("bilirec.refresh_all")
        while time.time() - start < 6 * 3600:
            states = [store.status.get(m) for m in mids]
            done = [s for s in states if s and (
                (s.state == "ready" and (s.last_refresh or 0) >= start)
                or (s.state in ("error", "login_expired") and s.updated_at >= start))]
            failed = sum(1 for s in done if s.state != "ready")
            if len(done) >= len(mids):
                break
            time.sleep(2)
    wall = time.time() - start
    busy = _task_seconds(logs, offsets)
    asked = bench.requests_made()
    n = len(mids)
    sync_s = busy.get("bilirec.refresh_user", 0.0)
    ml_s = busy.get("bilirec.train_user", 0.0) + busy.get("bilirec.score_user", 0.0)
    per_user = asked / n
    note = f"{n} users, {label}"
    figure(f"soak_{label}_wall_s", wall, "s", note)
    figure(f"soak_{label}_users_failed", failed, "", note)
    figure(f"soak_{label}_users_per_hour_wall", n / wall * 3600, "users/h",
           f"{note}; whole round, wall clock, sync at {bench.settings.bilibili_rps:g} rps")
    figure(f"soak_{label}_sync_users_per_busy_hour", n / sync_s * 3600 if sync_s else 0.0,
           "users/h", f"{note}; task time summed over the sync worker's 4 threads "
           "(detail backfill runs included), so a lower bound")
    figure(f"soak_{label}_ml_users_per_hour", n / ml_s * 3600 if ml_s else 0.0, "users/h",
           f"{note}; one ml worker, train + score busy time")
    figure(f"soak_{label}_requests_per_user", per_user, "requests", note)
    figure(f"soak_{label}_rate_bound_users_per_hour_at_1rps", 3600 / per_user, "users/h",
           "bilibili requests per user at BILIREC_BILIBILI_RPS=1")
    day_ml = 86400 * n / ml_s if ml_s else float("inf")
    figure(f"soak_{label}_users_per_machine_day_at_1rps", min(86400 / per_user, day_ml),
           "users", "one machine, 24 h of rate-limited sync and one ml worker")
    lat = sorted(load.latencies)
    figure(f"soak_{label}_picks_requests", len(lat), "", f"{picks_rps:g} req/s during the round")
    figure(f"soak_{label}_picks_errors", load.errors, "", "non-2xx or failed")
    figure(f"soak_{label}_picks_p50_ms", statistics.median(lat) * 1000, "ms")
    figure(f"soak_{label}_picks_p99_ms", lat[int(len(lat) * 0.99) - 1] * 1000, "ms",
           "gunicorn as in compose, while the workers use both cores")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--rps", type=float, default=20.0,
                        help="bilibili requests/s for this run (the bound is given at 1)")
    parser.add_argument("--picks-rps", type=float, default=50.0)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the simulator's access log
    with bench_world(n_users=args.users, bilibili_rps=args.rps, retry_poll_s=5.0,
                     cooldown_412_min=0.1, cooldown_352_min=0.1) as bench:
        mids = [u["mid"] for u in bench.control("GET", "/users").json()][: args.users]
        for mid in mids:
            bench.log_in(mid)
        reader = 4242  # a reader with picks already, for the web load
        cookie = f"bilirec_session={seed_user(bench.store, reader)}"
        port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("BILIREC_")}
        env.update(bench.settings.to_env())
        env.update(BILIREC_WEB_HOST="127.0.0.1", BILIREC_WEB_PORT=str(port),
                   PYTHONPATH=str(ROOT), TF_CPP_MIN_LOG_LEVEL="2")
        logs_dir = Path(tempfile.mkdtemp(prefix="bilirec-soak-"))
        logs = [logs_dir / "worker-sync.log", logs_dir / "worker-ml.log"]
        beat_schedule = logs_dir / "beat-schedule"
        procs = [_start("web", env, logs_dir / "web.log"),
                 _start("worker-sync", env, logs[0]), _start("worker-ml", env, logs[1]),
                 _start("beat", env, logs_dir / "beat.log", "--schedule", str(beat_schedule))]
        offsets: dict[Path, int] = {}
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_web(base)
            create_celery(bench.settings).send_task("bilirec.refresh_hot")
            _round(bench, mids, base, cookie, args.picks_rps, logs, offsets, "first")
            bench.control("POST", "/advance_day", json={"days": 1})
            _round(bench, mids, base, cookie, args.picks_rps, logs, offsets, "daily")
            for name, value in _memory_per_user(bench.store, mids).items():
                figure(f"soak_redis_bytes_per_user_{name}", value, "bytes",
                       "MEMORY USAGE summed per key family, averaged over users")
            figure("soak_redis_used_memory_mb",
                   bench.store.redis.info("memory")["used_memory"] / 2**20, "MiB",
                   f"{len(mids)} users")
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                try:
                    proc.wait(20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            print(f"# logs in {logs_dir}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
