"""``python -m launcher run`` (make run) and ``python -m launcher demo`` (make demo)."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
from pathlib import Path

from launcher.procfile import read_procfile
from launcher.redis_server import answers, start_redis
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


def demo(env: dict[str, str], state_dir: Path = STATE_DIR) -> int:
    """The whole system against the bundled simulator, with its own Redis and secret."""
    demo_dir = state_dir / "demo"
    secret = demo_dir / "secret"
    ensure_secret_file(secret)
    env.pop("BILIREC_SECRET_KEY", None)
    env["BILIREC_SECRET_KEY_FILE"] = str(secret)
    # A fixed port, the same every run: the demo's Redis keeps the picks, and their
    # covers name the simulator's address (the page's content policy allows only it).
    port = _settings_or_exit(env).sim_publish_port
    if not port_is_free(port):
        raise SystemExit(
            f"bilirec demo: port {port} on 127.0.0.1, where the demo's simulator listens, "
            "is taken (another `make demo`, or `make compose-demo`?). Stop that, or pick "
            f"another port for both runs: BILIREC_SIM_PUBLISH_PORT={port + 10} make demo"
        )
    redis_url, redis_proc = start_redis(demo_dir / "redis")
    sim = subprocess.Popen(
        [sys.executable, "-m", "simulator", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    line = sim.stdout.readline() if sim.stdout else ""
    if not line.startswith("simulator listening on "):
        stop([sim, redis_proc])
        raise SystemExit(f"bilirec demo: the simulator did not start on 127.0.0.1:{port}")
    sim_url = line.split()[-1]
    env.update(
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


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """Whether a server could listen there (as the simulator binds: address reuse on, so
    a previous run's connections in TIME_WAIT do not count)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m launcher")
    parser.add_argument("command", choices=["run", "demo"])
    parser.add_argument("--state-dir", type=Path, default=STATE_DIR,
                        help="where the demo keeps its Redis and secret (default .bilirec)")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    env.setdefault("PYTHONUNBUFFERED", "1")
    # The Procfile names gunicorn and celery: take them from this interpreter's venv.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return run(env) if args.command == "run" else demo(env, args.state_dir)


if __name__ == "__main__":
    raise SystemExit(main())

