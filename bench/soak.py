"""``make soak``: many simulated users through daily cycles on one machine, as deployed
(gunicorn, one sync worker, one ml worker and beat, from the Procfile), with the web
answering ``/api/picks`` at a steady rate meanwhile. Not part of ``make test``/``make bench``.

    python -m bench.soak [--users 500] [--first-rps 300] [--rps 20] [--history-scale 1]

Round 1 is everyone's first refresh (full history walk); then the simulated world moves on
a day and round 2 is the daily cycle proper, the figure that matters. For each round it
prints users/hour per queue (users done over the queue's busy time, from the workers' own
task timings), the bound the rate limit sets (bilibili requests per user; one machine at
BILIREC_BILIBILI_RPS=1), the picks answer's latency under load, and Redis memory per user
by key family.

Shortened, so 500 users fit in well under an hour on a 2-core machine: round 1 (setup, every
user's first sync) runs sync at ``--first-rps``; at 1 rps it would take a day. Optionally
the users' histories are ``--history-scale`` of a real one's (500-1,000 items; not needed
for 500 users: the whole soak takes about 12 minutes). The daily round is real: the same
workers (sync restarted at ``--rps``), the simulator over HTTP, the task beat's daily tick
sends (``refresh_all``; the tick itself claims the date once, tested in test_ticks).

The load generator runs in its own process: in the simulator's process it would wait on
the simulator's GIL and measure that.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import logging
import multiprocessing as mp
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


def _load_main(url: str, cookie: str, rps: float, stop, out: str) -> None:
    """GET ``url`` at a fixed rate from a thread pool (open loop: a slow answer does not
    delay the next request) until ``stop`` is set; latencies and errors to ``out``."""
    latencies: list[float] = []
    errors = [0]
    local = threading.local()

    def get() -> None:
        http = getattr(local, "http", None) or requests.Session()
        local.http = http
        begin = time.perf_counter()
        try:
            ok = http.get(url, headers={"Cookie": cookie}, timeout=10).ok
        except requests.RequestException:
            ok = False
        latencies.append(time.perf_counter() - begin)
        errors[0] += not ok

    with cf.ThreadPoolExecutor(16) as pool:
        due = time.monotonic()
        while not stop.is_set():
            pool.submit(get)
            due += 1 / rps
            time.sleep(max(0.0, due - time.monotonic()))
    Path(out).write_text(json.dumps({"latencies": latencies, "errors": errors[0]}))


class Load:
    """``_load_main`` in a process of its own (spawned: this one runs threads)."""

    def __init__(self, url: str, cookie: str, rps: float) -> None:
        ctx = mp.get_context("spawn")
        self._stop = ctx.Event()
        self._out = tempfile.mktemp(prefix="bilirec-load-", suffix=".json")
        self._proc = ctx.Process(target=_load_main, args=(url, cookie, rps, self._stop,
                                                          self._out), daemon=True)
        self.latencies: list[float] = []
        self.errors = 0

    def __enter__(self) -> Load:
        self._proc.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._proc.join(60)
        result = json.loads(Path(self._out).read_text())
        Path(self._out).unlink()
        self.latencies, self.errors = result["latencies"], result["errors"]


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


STAMP = re.compile(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)[,.](\d+)")


def _task_seconds(logs: list[Path], offsets: dict[Path, int]) -> tuple[dict[str, float],
                                                                        dict[str, float]]:
    """Busy seconds per task name in the log lines written since ``offsets``, and the
    time (epoch s) of the last such line per task name."""
    busy: dict[str, float] = {}
    last: dict[str, float] = {}
    for log in logs:
        text = log.read_text(errors="replace")[offsets.get(log, 0):]
        for line in text.splitlines():
            found = SUCCEEDED.search(line)
            if not found:
                continue
            name, seconds = found.groups()
            busy[name] = busy.get(name, 0.0) + float(seconds)
            stamp = STAMP.match(line)
            if stamp:
                when = time.mktime(time.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S"))
                last[name] = max(last.get(name, 0.0), when + float(f"0.{stamp.group(2)}"))
        offsets[log] = offsets.get(log, 0) + len(text)
    return busy, last


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


def _wait_round(store: Store, mids: list[int], start: float, limit_s: float) -> int:
    """Until every user's refresh begun after ``start`` has ended, and no user's lock is
    held (a first refresh queues its detail backfill as one more refresh, whose requests
    belong to the round); the number that failed."""
    failed = 0
    while time.time() - start < limit_s:
        states = [store.status.get(m) for m in mids]
        done = [s for s in states if s and (
            (s.state == "ready" and (s.last_refresh or 0) >= start)
            or (s.state in ("error", "login_expired") and s.updated_at >= start))]
        failed = sum(1 for s in done if s.state != "ready")
        if len(done) >= len(mids) and not any(store.locks.held(m) for m in mids):
            return failed
        time.sleep(5)
    raise SystemExit(f"round not done after {limit_s:.0f} s")


def _round(bench, mids: list[int], load: tuple[str, str, float], logs: list[Path],
           offsets: dict[Path, int], label: str, rps: float, limit_s: float) -> dict:
    """One refresh of every user (the task beat's daily tick sends), its figures printed."""
    app = create_celery(bench.settings)
    bench.reset_counters()
    _task_seconds(logs, offsets)  # skip what came before this round
    start = time.time()
    url, cookie, picks_rps = load
    with Load(url, cookie, picks_rps) as loader:
        app.send_task("bilirec.refresh_all")
        failed = _wait_round(bench.store, mids, start, limit_s)
    wall = time.time() - start
    busy, last = _task_seconds(logs, offsets)
    n = len(mids)
    counters = bench.control("GET", "/counters").json()
    per_user = counters["total"] / n
    by_path = sorted(counters["by_path"].items(), key=lambda kv: -kv[1])
    print(f"# {label}: bilibili requests per user by path: " + ", ".join(
        f"{path} {count / n:.1f}" for path, count in by_path), flush=True)
    details = sum(c for path, c in by_path if path.endswith(("/view", "/view/detail")))
    sync_span = last.get("bilirec.refresh_user", start + wall) - start
    ml_s = busy.get("bilirec.train_user", 0.0) + busy.get("bilirec.score_user", 0.0)
    ml_per_h = n / ml_s * 3600 if ml_s else float("inf")
    note = f"{n} users, {label}"
    figure(f"soak_{label}_wall_s", wall, "s", f"{note}; sync at {rps:g} rps")
    figure(f"soak_{label}_users_failed", failed, "", note)
    figure(f"soak_{label}_users_per_hour_wall", n / wall * 3600, "users/h",
           f"{note}; whole round, wall clock, sync at {rps:g} rps")
    figure(f"soak_{label}_sync_users_per_hour", n / sync_span * 3600, "users/h",
           f"{note}; sync queue: round start to its last refresh_user, at {rps:g} rps")
    figure(f"soak_{label}_ml_users_per_hour", ml_per_h, "users/h",
           f"{note}; one ml worker: users over train + score busy time")
    figure(f"soak_{label}_ml_users_per_hour_wall", n / (last.get(
        "bilirec.score_user", start + wall) - start) * 3600, "users/h",
        f"{note}; ml queue: round start to its last score_user (waits on sync)")
    figure(f"soak_{label}_requests_per_user", per_user, "requests", note)
    figure(f"soak_{label}_detail_requests_per_user", details / n, "requests",
           f"{note}; video details (view, view/detail), one per video no user had "
           "fetched: few when many users share the simulator's 6,000-video catalogue")
    figure(f"soak_{label}_rate_bound_users_per_hour_at_1rps", 3600 / per_user, "users/h",
           "bilibili requests per user at BILIREC_BILIBILI_RPS=1")
    figure(f"soak_{label}_rate_bound_users_per_day_at_1rps", 86400 / per_user, "users/day",
           "bilibili requests per user at BILIREC_BILIBILI_RPS=1")
    lat = sorted(loader.latencies)
    figure(f"soak_{label}_picks_requests", len(lat), "", f"{picks_rps:g} req/s during the round")
    figure(f"soak_{label}_picks_errors", loader.errors, "", "non-2xx or failed")
    figure(f"soak_{label}_picks_p50_ms", statistics.median(lat) * 1000, "ms")
    figure(f"soak_{label}_picks_p99_ms", lat[int(len(lat) * 0.99) - 1] * 1000, "ms",
           "gunicorn as the Procfile starts it, while the workers run")
    return {"per_user": per_user, "ml_per_h": ml_per_h}


def _capacity(daily: dict) -> None:
    """Users one machine serves a day at 1 rps, and what a second machine adds."""
    bili_day = 86400 / daily["per_user"]
    ml_day = 24 * daily["ml_per_h"]
    one = min(bili_day, ml_day)
    figure("soak_ml_bound_users_per_day_one_worker", ml_day, "users/day",
           "24 h of one ml worker at the daily round's busy rate")
    figure("soak_users_per_machine_at_1rps", one, "users/day",
           "daily refreshes one machine serves: min(rate-limit bound, ml bound)")
    figure("soak_second_machine_adds_users", min(bili_day, 2 * ml_day) - one, "users/day",
           "one more sync + ml worker on the same Redis: the token bucket is shared, so "
           "only the ml bound doubles")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--first-rps", type=float, default=300.0,
                        help="bilibili requests/s for the first (setup) round")
    parser.add_argument("--rps", type=float, default=20.0,
                        help="bilibili requests/s for the daily round (the bound is given at 1)")
    parser.add_argument("--history-scale", type=float, default=1.0,
                        help="simulated histories are this share of a real one's length")
    parser.add_argument("--picks-rps", type=float, default=50.0)
    parser.add_argument("--ml-nice", type=int, default=10,
                        help="BILIREC_ML_NICE for the ml worker (0: as fast as the web)")
    parser.add_argument("--round-limit-min", type=float, default=120.0)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the simulator's access log
    histories = (f", histories {args.history_scale:g} x a real one's length"
                 if args.history_scale != 1 else "")
    print(f"# shortened: first round (setup) at {args.first_rps:g} rps{histories} (at 1 rps "
          f"500 first syncs take a day or more); daily round real, sync at {args.rps:g} rps, "
          "figures scaled to 1 rps", flush=True)
    with bench_world(n_users=args.users, bilibili_rps=args.first_rps, retry_poll_s=5.0,
                     cooldown_412_min=0.1, cooldown_352_min=0.1,
                     ml_nice=args.ml_nice, history_scale=args.history_scale) as bench:
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
        procs = {"web": _start("web", env, logs_dir / "web.log"),
                 "sync": _start("worker-sync", env, logs[0]),
                 "ml": _start("worker-ml", env, logs[1]),
                 "beat": _start("beat", env, logs_dir / "beat.log", "--schedule",
                                str(beat_schedule))}
        offsets: dict[Path, int] = {}
        limit_s = args.round_limit_min * 60
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_web(base)
            load = (f"{base}/api/picks", cookie, args.picks_rps)
            create_celery(bench.settings).send_task("bilirec.refresh_hot")
            _round(bench, mids, load, logs, offsets, "first", args.first_rps, limit_s)
            # The daily round's sync worker at the daily rate (read once, at start).
            _stop(procs.pop("sync"))
            env["BILIREC_BILIBILI_RPS"] = str(args.rps)
            logs[0] = logs_dir / "worker-sync-daily.log"
            procs["sync"] = _start("worker-sync", env, logs[0])
            bench.control("POST", "/advance_day", json={"days": 1})
            daily = _round(bench, mids, load, logs, offsets, "daily", args.rps, limit_s)
            _capacity(daily)
            memory = _memory_per_user(bench.store, mids)
            for name, value in memory.items():
                figure(f"soak_redis_bytes_per_user_{name}", value, "bytes",
                       "MEMORY USAGE summed per key family, averaged over users")
            if args.history_scale != 1:
                figure("soak_redis_bytes_per_user_events_full_history",
                       memory["events"] / args.history_scale, "bytes",
                       f"events scaled by 1/{args.history_scale:g} to a real history's length")
            figure("soak_redis_used_memory_mb",
                   bench.store.redis.info("memory")["used_memory"] / 2**20, "MiB",
                   f"{len(mids)} users")
        finally:
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                _stop(proc)
            print(f"# logs in {logs_dir}", flush=True)
    return 0


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


if __name__ == "__main__":
    raise SystemExit(main())
