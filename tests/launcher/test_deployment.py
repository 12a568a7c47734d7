"""Compose and `make run` start the same processes with the same commands."""

import shutil
import subprocess

import yaml

from launcher.procfile import read_procfile
from tests.conftest import ROOT, missing


def test_procfile_lists_the_four_processes():
    assert list(read_procfile()) == ["web", "worker-sync", "worker-ml", "beat"]


def _compose_config() -> dict:
    if shutil.which("docker-compose") is None:
        missing("docker-compose", "sudo apt-get install -y docker-compose")
    out = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)


def test_compose_file_is_valid():
    if shutil.which("docker-compose") is None:
        missing("docker-compose", "sudo apt-get install -y docker-compose")
    out = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert out.returncode == 0, out.stderr


def test_compose_runs_the_procfile_commands():
    services = _compose_config()["services"]
    procs = read_procfile()
    assert set(services) == {"redis", *procs}
    for name, command in procs.items():
        got = services[name]["command"]
        got = " ".join(got) if isinstance(got, list) else got
        assert got == command, name


def test_compose_publishes_web_on_loopback_by_default_and_persists_redis():
    config = _compose_config()
    web = config["services"]["web"]
    ports = web["ports"][0]
    published = ports if isinstance(ports, str) else f"{ports['host_ip']}:{ports['published']}"
    assert published.startswith("127.0.0.1:8345")
    assert "--appendonly yes" in config["services"]["redis"]["command"]
    assert "redis-data" in config["volumes"] and "secret" in config["volumes"]
    for name in read_procfile():
        env = config["services"][name]["environment"]
        assert env["BILIREC_SECRET_KEY_FILE"] == "/secret/key"


def test_worker_commands_consume_the_app_queues():
    from worker.app import ML_QUEUE, SYNC_FIRST_QUEUE, SYNC_QUEUE  # noqa: PLC0415

    procs = read_procfile()
    queues = {}
    for name in ("worker-sync", "worker-ml"):
        args = procs[name].split()
        queues[name] = args[args.index("--queues") + 1]
    assert queues == {"worker-sync": f"{SYNC_FIRST_QUEUE},{SYNC_QUEUE}", "worker-ml": ML_QUEUE}
    # TensorFlow in a prefork parent hangs its children: the ml worker runs solo.
    assert "--pool solo" in procs["worker-ml"]
