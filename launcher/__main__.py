"""``python -m launcher run`` (make run) and ``python -m launcher demo`` (make demo)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from launcher.procfile import read_procfile
from launcher.redis_server import answers, free_port, start_redis
from launcher.secret_file import ensure_secret_file
from launcher.supervisor import ROOT, run_all, stop
from settings import Settings, SettingsError

STATE_DIR = ROOT / ".bilirec"


def _settings_or_exit(env: dict[str, str]) -> Settings:
    try:
        return Settings.from_env(env)
    except SettingsError as exc:
        raise SystemExit(f"bilirec: {exc}") from None


def run(env: dict[str, str]) -> int:
    settings = _settings_or_exit(env)
    adopted = {}
    if not answers(settings.redis_url):
        url, adopted["redis"] = start_redis(STATE_DIR / "redis")
        print(f"bilirec: no Redis at {settings.redis_url}; started one at {url}", flush=True)
        env["BILIREC_REDIS_URL"] = url
    print(f"bilirec: open http://{settings.web_host}:{settings.web_port}/", flush=True)
    return run_all(read_procfile(), env, adopted=adopted)


def demo(env: dict[str, str]) -> int:
    """The whole system against the bundled simulator, with its own Redis and secret."""
    demo_dir = STATE_DIR / "demo"
    secret = demo_dir / "secret"
    ensure_secret_file(secret)
    redis_url, redis_proc = start_redis(demo_dir / "redis")
    # A fixed port, so a simulator restarted by the supervisor keeps its address.
    sim = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--host", "127.0.0.1", "--port", str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = sim.stdout.readline() if sim.stdout else ""
    if not line.startswith("simulator listening on "):
        stop([sim, redis_proc])
        raise SystemExit("bilirec: the simulator did not start")
    sim_url = line.split()[-1]
    env.pop("BILIREC_SECRET_KEY", None)
    env.update(
        BILIREC_SECRET_KEY_FILE=str(secret),
        BILIREC_REDIS_URL=redis_url,
        BILIREC_API_BASE=sim_url,
        BILIREC_PASSPORT_BASE=sim_url,
        BILIREC_WWW_BASE=sim_url,
        BILIREC_DEMO="1",
    )
    # The simulator is ours, on loopback: no need to wait a second between requests.
    env.setdefault("BILIREC_BILIBILI_RPS", "50")
    settings = _settings_or_exit(env)
    print(f"bilirec demo: simulator at {sim_url}, Redis at {redis_url}", flush=True)
    address = f"http://{settings.web_host}:{settings.web_port}/"
    print(f"bilirec demo: open {address} and press 模拟扫码", flush=True)
    return run_all(read_procfile(), env, adopted={"redis": redis_proc, "simulator": sim})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher")
    parser.add_argument("command", choices=["run", "demo"])
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # The Procfile names gunicorn and celery: take them from this interpreter's venv.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return run(env) if args.command == "run" else demo(env)


if __name__ == "__main__":
    raise SystemExit(main())

