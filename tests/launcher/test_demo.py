"""`make demo`, stop it, `make demo` again (issue 17.4): the simulator comes back on the
same port, so the covers the demo's Redis kept still load under the page's content policy,
and 模拟扫码 logs in again although the demo's Redis holds the first run's QR records."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from launcher.redis_server import free_port, server_binary
from tests.support import ROOT, missing, wait_for


class Demo:
    """``python -m launcher demo`` as `make demo` runs it, with its state in a temporary
    folder and its two ports chosen by the test."""

    def __init__(self, state_dir: Path, web_port: int, sim_port: int) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("BILIREC_")}
        env.update(BILIREC_WEB_PORT=str(web_port), BILIREC_SIM_PUBLISH_PORT=str(sim_port),
                   PYTHONUNBUFFERED="1")
        self.url = f"http://127.0.0.1:{web_port}"
        self.sim_url = f"http://127.0.0.1:{sim_port}"
        self.output: list[str] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "launcher", "demo", "--state-dir", str(state_dir)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.output.append(line)

    def wait_ready(self) -> None:
        def web_answers() -> bool:
            assert self.proc.poll() is None, "".join(self.output[-30:])
            try:
                return requests.get(self.url + "/healthz", timeout=2).ok
            except requests.RequestException:
                return False
        wait_for(web_answers, 90, "the demo's web")

    def wait(self, timeout_s: float) -> int:
        try:
            code = self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            raise
        self._reader.join(10)
        return code

    def stop(self) -> int:
        """Ctrl-C, as a user stops it."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGINT)
        return self.wait(40)


def _log_in_by_demo_scan(url: str) -> dict:
    """What the page's 模拟扫码 does: a QR code, the simulated scan, polls until done."""
    http = requests.Session()
    qr = http.post(url + "/api/login/qrcode", timeout=10)
    assert qr.status_code == 200, qr.text
    key = qr.json()["qrcode_key"]
    scan = http.post(url + "/api/demo/scan", json={"qrcode_key": key, "mid": None}, timeout=10)
    assert scan.status_code == 204, scan.text

    def polled() -> str | None:
        status = http.get(url + "/api/login/poll", params={"qrcode_key": key},
                          timeout=10).json()["status"]
        assert status != "expired", "模拟扫码 ended in 二维码已过期"
        return status if status == "success" else None
    wait_for(polled, 20, "the login")
    session = http.get(url + "/api/session", timeout=10).json()
    assert session["logged_in"], session
    return {"key": key, "mid": session["mid"]}


def _a_cover(sim_url: str) -> str:
    listing = requests.get(sim_url + "/x/web-interface/popular", params={"ps": 1, "pn": 1},
                           timeout=10).json()
    return listing["data"]["list"][0]["pic"]


def _allowed_image_origins(url: str) -> list[str]:
    policy = requests.get(url + "/", timeout=10).headers["Content-Security-Policy"]
    img = next(part for part in policy.split(";") if part.strip().startswith("img-src"))
    return img.split()[1:]


@pytest.fixture
def ports() -> tuple[int, int]:
    if server_binary() is None:
        missing("redis-server", "sudo apt-get install -y redis-server")
    return free_port(), free_port()


def test_demo_twice_in_a_row_logs_in_both_times_and_keeps_its_covers(tmp_path, ports):
    web_port, sim_port = ports
    logins, covers = [], []
    for run in range(2):
        demo = Demo(tmp_path, web_port, sim_port)
        try:
            demo.wait_ready()
            logins.append(_log_in_by_demo_scan(demo.url))
            if run == 0:
                covers.append(_a_cover(demo.sim_url))
            # The first run's cover (as stored in that run's picks) loads in this run too.
            cover = covers[0]
            origin = "{0.scheme}://{0.netloc}".format(urlsplit(cover))
            assert origin in _allowed_image_origins(demo.url)
            assert requests.get(cover, timeout=10).status_code == 200
        finally:
            assert demo.stop() == 0, "".join(demo.output[-30:])
    assert logins[0]["key"] != logins[1]["key"]  # the simulator's keys never repeat


def test_demo_says_clearly_when_the_simulator_port_is_taken(tmp_path, ports):
    web_port, sim_port = ports
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", sim_port))
        taken.listen()
        demo = Demo(tmp_path, web_port, sim_port)
        started = time.monotonic()
        code = demo.wait(30)
    assert code != 0 and time.monotonic() - started < 30
    output = "".join(demo.output)
    assert f"port {sim_port}" in output and "BILIREC_SIM_PUBLISH_PORT" in output, output


def _first_qr_key_of_a_new_simulator() -> str:
    sim = subprocess.Popen([sys.executable, "-m", "simulator", "--port", "0", "--quiet"],
                           cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert sim.stdout is not None
        url = sim.stdout.readline().split()[-1]
        answer = requests.get(url + "/x/passport-login/web/qrcode/generate", timeout=10)
        return answer.json()["data"]["qrcode_key"]
    finally:
        sim.terminate()
        sim.wait(10)


def test_a_restarted_simulator_never_hands_out_the_same_qr_key():
    """Same seed, same world, but new keys: the demo's Redis remembers the last run's."""
    assert _first_qr_key_of_a_new_simulator() != _first_qr_key_of_a_new_simulator()
