"""The launcher behaves like a daemon: a dead process comes back, one that keeps dying
stops everything with a clear message, and Ctrl-C stops all children."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

from launcher.supervisor import RestartPolicy, run_all

FAST = RestartPolicy(max_deaths=3, window_s=60, base_delay_s=0.05, max_delay_s=0.2)


def _py(code: str) -> str:
    return f"{sys.executable} -c '{code}'"


def _run_in_thread(procs, stopping, **kw):
    result: dict[str, int] = {}
    thread = threading.Thread(
        target=lambda: result.setdefault("code", run_all(procs, {}, stopping=stopping, **kw)))
    thread.start()
    return thread, result


def test_a_process_that_keeps_dying_stops_everything(capsys):
    started = time.monotonic()
    code = run_all({"crasher": _py("import sys; sys.exit(3)"),
                    "sleeper": _py("import time; time.sleep(60)")}, {}, policy=FAST)
    out = capsys.readouterr().out
    assert code == 1
    assert "crasher died 3 times" in out and "last exit code 3" in out
    assert out.count("bilirec: restarting crasher") == 2
    assert time.monotonic() - started < 30  # the sleeper was stopped, not waited for


def test_a_killed_process_is_restarted(tmp_path: Path):
    starts = tmp_path / "starts"
    # Each start appends a line; the first run exits at once, the next ones stay up.
    code = (
        f"import time, pathlib; p = pathlib.Path(\"{starts}\"); "
        "n = len(p.read_text().splitlines()) if p.exists() else 0; "
        "p.write_text(\"x\\n\" * (n + 1)); time.sleep(0 if n == 0 else 60)"
    )
    stopping = threading.Event()
    thread, result = _run_in_thread({"worker": _py(code)}, stopping, policy=FAST)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if starts.exists() and len(starts.read_text().splitlines()) >= 2:
            break
        time.sleep(0.05)
    stopping.set()
    thread.join(20)
    assert len(starts.read_text().splitlines()) == 2
    assert result["code"] == 0


def test_adopted_processes_are_restarted_with_their_command_line(tmp_path: Path):
    marker = tmp_path / "marker"
    argv = [sys.executable, "-c", f"import pathlib; pathlib.Path(\"{marker}\").touch()"]
    first = subprocess.Popen(argv)
    first.wait()
    marker.unlink()
    stopping = threading.Event()
    thread, result = _run_in_thread({}, stopping, adopted={"redis": first}, policy=FAST)
    deadline = time.monotonic() + 20
    while not marker.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    stopping.set()
    thread.join(20)
    assert marker.exists(), "the adopted process was not started again"


def test_stopping_ends_every_child(tmp_path: Path):
    stopping = threading.Event()
    pidfile = tmp_path / "pid"
    code = (f"import os, time, pathlib; pathlib.Path(\"{pidfile}\")"
            ".write_text(str(os.getpid())); time.sleep(60)")
    thread, result = _run_in_thread({"sleeper": _py(code)}, stopping, policy=FAST)
    deadline = time.monotonic() + 20
    while not pidfile.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    stopping.set()
    thread.join(20)
    assert result["code"] == 0
    assert not Path(f"/proc/{pid}").exists(), "the child outlived the supervisor"
