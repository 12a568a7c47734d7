"""Compose and `make run` start the same processes with the same commands; the demo
overlay adds only the simulator and keeps its data apart from the real stack's."""

import re
import shutil
import subprocess

import pytest
import yaml

from launcher.procfile import read_procfile
from tests.support import ROOT, compose_mounts, missing

DEMO_FILES = ["docker-compose.yml", "docker-compose.demo.yml"]


def test_procfile_lists_the_five_processes():
    assert list(read_procfile()) == ["web", "worker-sync", "worker-push", "worker-ml", "beat"]


def _compose(*files: str, quiet: bool = False) -> dict:
    if shutil.which("docker-compose") is None:
        missing("docker-compose", "sudo apt-get install -y docker-compose")
    args = ["docker-compose"]
    for name in files:
        args += ["-f", str(ROOT / name)]
    args += ["config", "-q"] if quiet else ["config"]
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return {} if quiet else yaml.safe_load(out.stdout)


@pytest.fixture(scope="module")
def real() -> dict:
    return _compose("docker-compose.yml")


@pytest.fixture(scope="module")
def demo() -> dict:
    return _compose(*DEMO_FILES)


def test_compose_files_are_valid():
    _compose("docker-compose.yml", quiet=True)
    _compose(*DEMO_FILES, quiet=True)


def _command(service: dict) -> str:
    got = service["command"]
    return " ".join(got) if isinstance(got, list) else got


def test_compose_runs_the_procfile_commands(real, demo):
    procs = read_procfile()
    assert set(real["services"]) == {"redis", *procs}
    # The demo-only simulator is the one service without a Procfile line.
    assert set(demo["services"]) == {"redis", "simulator", *procs}
    for config in (real, demo):
        for name, command in procs.items():
            assert _command(config["services"][name]) == command, name


def test_compose_publishes_web_on_loopback_by_default_and_persists_redis(real):
    web = real["services"]["web"]
    ports = web["ports"][0]
    published = ports if isinstance(ports, str) else f"{ports['host_ip']}:{ports['published']}"
    assert published.startswith("127.0.0.1:8345")
    assert "--appendonly yes" in real["services"]["redis"]["command"]
    assert "redis-data" in real["volumes"] and "secret" in real["volumes"]
    for name in read_procfile():
        env = real["services"][name]["environment"]
        assert env["BILIREC_SECRET_KEY_FILE"] == "/secret/key"
        assert "BILIREC_DEMO" not in env and "BILIREC_API_BASE" not in env


def test_demo_talks_to_the_simulator_with_its_own_redis_and_secret(demo):
    services = demo["services"]
    assert compose_mounts(services["redis"]) == {"/data": "demo-redis-data",
                                                 "/secret": "demo-secret"}
    for name in read_procfile():
        env = services[name]["environment"]
        assert env["BILIREC_DEMO"] == "1", name
        for base in ("API", "PASSPORT", "WWW"):
            assert env[f"BILIREC_{base}_BASE"] == "http://simulator:8346", name
        assert float(env["BILIREC_BILIBILI_RPS"]) >= 10, name
        assert compose_mounts(services[name]) == {"/secret": "demo-secret"}, name
        assert "simulator" in services[name]["depends_on"], name
    ports = services["simulator"]["ports"][0]
    published = ports if isinstance(ports, str) else f"{ports['host_ip']}:{ports['published']}"
    assert published.startswith("127.0.0.1:")
    assert "--host 0.0.0.0 --port 8346" in _command(services["simulator"])


def test_only_worker_ml_gets_the_tensorflow_image(demo):
    for name, service in demo["services"].items():
        if name == "redis":
            continue
        want = "ml" if name == "worker-ml" else "app"
        assert service["build"]["target"] == want, name
        assert service["image"] == f"bilibili-recommender:{want}", name
    web_requirements = (ROOT / "requirements-web.txt").read_text().lower().splitlines()
    assert not [line for line in web_requirements if line.startswith("tensorflow")]


def test_every_service_has_a_healthcheck_and_restarts(demo):
    for name, service in demo["services"].items():
        assert service["healthcheck"]["test"], name
        assert service["restart"] == "unless-stopped", name


def _stages() -> dict[str, str]:
    """Dockerfile stage name → its instructions."""
    stages: dict[str, str] = {}
    name = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        match = re.match(r"FROM \S+ AS (\S+)", line)
        if match:
            name = match[1]
            stages[name] = ""
        elif name:
            stages[name] += line + "\n"
    return stages


def test_dockerfile_app_stage_has_no_tensorflow_and_runs_unprivileged():
    stages = _stages()
    assert {"base", "app", "ml"} <= set(stages)
    assert "requirements.txt" not in stages["base"] + stages["app"]
    assert "requirements.txt" in stages["ml"]
    for target in ("app", "ml"):
        assert "USER bilirec" in stages[target]
        assert 'ENTRYPOINT ["/app/docker/entrypoint.sh"]' in stages[target]


def test_build_context_leaves_out_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {".venv", ".git", ".bilirec", ".env", ".pytest_cache"} <= set(ignored)


def test_make_compose_demo_and_the_check_use_the_same_files():
    files = " ".join(f"-f {name}" for name in DEMO_FILES)
    assert files in (ROOT / "Makefile").read_text()
    assert files in (ROOT / "scripts" / "compose_check.sh").read_text()


def test_worker_commands_consume_the_app_queues():
    from worker.app import (
        ML_QUEUE,
        PUSH_QUEUE,
        SYNC_FIRST_QUEUE,
        SYNC_QUEUE,
        TASK_ROUTES,
        create_celery,
    )

    procs = read_procfile()
    queues = {}
    for name in ("worker-sync", "worker-push", "worker-ml"):
        args = procs[name].split()
        queues[name] = args[args.index("--queues") + 1]
    assert queues == {"worker-sync": f"{SYNC_FIRST_QUEUE},{SYNC_QUEUE}",
                      "worker-push": PUSH_QUEUE, "worker-ml": ML_QUEUE}
    # Every routed task is consumed by a worker; push tasks by worker-push alone.
    consumed = {q for qs in queues.values() for q in qs.split(",")}
    assert {route["queue"] for route in TASK_ROUTES.values()} <= consumed
    push_tasks = {name for name, route in TASK_ROUTES.items() if route["queue"] == PUSH_QUEUE}
    assert push_tasks == {"bilirec.push_test", "bilirec.push_picks",
                          "bilirec.push_login_expired"}
    from settings import Settings

    app = create_celery(Settings(secret_key="x" * 40))
    assert {q.name for q in app.conf.task_queues} == consumed
    # TensorFlow in a prefork parent hangs its children: the ml worker runs solo.
    assert "--pool solo" in procs["worker-ml"]
