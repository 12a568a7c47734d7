"""Compose passes every BILIREC_* of .env to every service (issue 15.9), and its Redis
requires a password generated into the `secret` volume and caps its memory with
noeviction (issue 15.5); the services reach it through BILIREC_REDIS_PASSWORD_FILE."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import redis
import yaml
from kombu import Connection

from launcher.procfile import read_procfile
from launcher.redis_server import free_port, server_binary
from settings import Settings, SettingsError
from store import Store
from tests.support import ROOT, TEST_SECRET, compose_mounts, missing, wait_for

FILES = {"real": ["docker-compose.yml"], "demo": ["docker-compose.yml", "docker-compose.demo.yml"]}


def _config(files: list[str], env_file: Path) -> dict:
    """``docker-compose config`` as a user with ``env_file`` as their .env gets it."""
    if shutil.which("docker-compose") is None:
        missing("docker-compose", "sudo apt-get install -y docker-compose")
    args = ["docker-compose", "--env-file", str(env_file)]
    for name in files:
        args += ["-f", str(ROOT / name)]
    out = subprocess.run([*args, "config"], cwd=ROOT, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    return yaml.safe_load(out.stdout)


@pytest.mark.parametrize("stack", ["real", "demo"])
def test_every_setting_of_dot_env_reaches_every_service(tmp_path, stack):
    dot_env = tmp_path / ".env"
    example = (ROOT / ".env.example").read_text()
    # A user's .env: the example's first line, a setting compose never named, one it
    # did, and one that tries to rewire the stack (the stack's own wiring wins).
    assert example.splitlines()[0] == "BILIREC_ENV_FILE=.env"
    dot_env.write_text(example.replace("BILIREC_ENV_FILE=.env", f"BILIREC_ENV_FILE={dot_env}")
                       + "BILIREC_FOLLOWING_REQUESTS_PER_DAY=7\nBILIREC_TIMEZONE=Europe/Berlin\n"
                       "BILIREC_A_SETTING_OF_TOMORROW=yes\nBILIREC_REDIS_URL=redis://elsewhere/0\n")
    services = _config(FILES[stack], dot_env)["services"]
    for name in read_procfile():
        env = services[name]["environment"]
        assert env["BILIREC_FOLLOWING_REQUESTS_PER_DAY"] == "7", name
        assert env["BILIREC_TIMEZONE"] == "Europe/Berlin", name
        assert env["BILIREC_A_SETTING_OF_TOMORROW"] == "yes", name
        assert env["BILIREC_REDIS_URL"] == "redis://redis:6379/0", name


def test_without_a_dot_env_compose_starts_with_the_defaults(tmp_path):
    """Both compose versions refuse a missing env_file: .env.example stands in for it."""
    nothing = tmp_path / "empty"
    nothing.write_text("")
    services = _config(FILES["real"], nothing)["services"]
    for name in read_procfile():
        settings = {k for k in services[name]["environment"] if k.startswith("BILIREC_")}
        assert settings <= {"BILIREC_ENV_FILE", "BILIREC_REDIS_URL", "BILIREC_SECRET_KEY_FILE",
                            "BILIREC_REDIS_PASSWORD_FILE", "BILIREC_WEB_HOST",
                            "BILIREC_WEB_PORT"}, name


@pytest.mark.parametrize("stack", ["real", "demo"])
def test_redis_requires_a_generated_password_that_every_service_reads(tmp_path, stack):
    nothing = tmp_path / "empty"
    nothing.write_text("")
    services = _config(FILES[stack], nothing)["services"]
    redis_service = services["redis"]
    command = redis_service["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert re.search(r"--maxmemory \d+[kmg]b", command)
    assert "--maxmemory-policy noeviction" in command
    start = " ".join(redis_service["entrypoint"])
    # Generated once into /secret; given to redis-server in a config file, never as an
    # argument (`ps` shows those to every user of the host).
    assert "if [ ! -s" in start and "/dev/urandom" in start and "requirepass" in start
    assert "--requirepass" not in command + start
    assert "redis-password" in " ".join(redis_service["healthcheck"]["test"])
    # /secret goes to the app image's user, who writes the secret key there.
    uid = re.search(r"useradd [^\n]*--uid (\d+)", (ROOT / "Dockerfile").read_text())[1]
    assert f"chown {uid} /secret" in start
    for name in read_procfile():
        env = services[name]["environment"]
        assert env["BILIREC_REDIS_PASSWORD_FILE"] == "/secret/redis-password", name
        secret = compose_mounts(redis_service)["/secret"]
        assert compose_mounts(services[name])["/secret"] == secret, name


@pytest.fixture
def redis_with_password(tmp_path):
    binary = server_binary()
    if binary is None:
        missing("redis-server", "sudo apt-get install -y redis-server")
    password = "s3cret" * 6
    port = free_port()
    proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
                             "--requirepass", password], stdout=subprocess.DEVNULL)
    wait_for(lambda: redis.Redis(port=port, password=password).ping(), 10, "redis-server")
    (tmp_path / "redis-password").write_text(password + "\n")
    yield f"redis://127.0.0.1:{port}/0", tmp_path / "redis-password"
    proc.terminate()
    proc.wait(10)


def test_services_reach_redis_with_the_password_file(redis_with_password):
    url, password_file = redis_with_password
    env = {"BILIREC_SECRET_KEY": TEST_SECRET, "BILIREC_REDIS_URL": url}
    with pytest.raises(redis.AuthenticationError):
        Store.from_settings(Settings.from_env(env)).redis.ping()
    settings = Settings.from_env({**env, "BILIREC_REDIS_PASSWORD_FILE": str(password_file)})
    assert Store.from_settings(settings).redis.ping()
    with Connection(settings.redis_url) as broker:  # what Celery's workers and beat use
        broker.ensure_connection(max_retries=1)
        broker.default_channel.client.ping()


def test_an_unreadable_password_file_is_a_clear_error(tmp_path):
    env = {"BILIREC_SECRET_KEY": TEST_SECRET,
           "BILIREC_REDIS_PASSWORD_FILE": str(tmp_path / "missing")}
    with pytest.raises(SettingsError, match="BILIREC_REDIS_PASSWORD_FILE"):
        Settings.from_env(env)
