"""Runs a set of processes in the foreground; Ctrl-C (or one dying) stops them all."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_all(procs: Mapping[str, str], env: Mapping[str, str]) -> int:
    """Start every process, stream its output with a name prefix, stop all on the first exit."""
    children: dict[str, subprocess.Popen] = {}
    width = max(map(len, procs))
    stopping = threading.Event()

    def _stop(*_: object) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    for name, command in procs.items():
        child = subprocess.Popen(
            shlex.split(command),
            cwd=ROOT,
            env=dict(env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our Ctrl-C handling stops them in order
        )
        children[name] = child
        threading.Thread(target=_pump, args=(name.ljust(width), child), daemon=True).start()
    code = 0
    while not stopping.is_set():
        for name, child in children.items():
            if child.poll() is not None:
                print(f"bilirec: {name} exited with {child.returncode}; stopping", flush=True)
                code = child.returncode or 1
                stopping.set()
                break
        time.sleep(0.2)
    stop(children.values())
    return code


def stop(children, timeout_s: float = 10.0) -> None:  # noqa: ANN001 - any Popen iterable
    children = [c for c in children if c.poll() is None]
    for child in children:
        _signal(child, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    for child in children:
        try:
            child.wait(max(deadline - time.monotonic(), 0.1))
        except subprocess.TimeoutExpired:
            _signal(child, signal.SIGKILL)
            child.wait()


def _signal(child: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        pass


def _pump(prefix: str, child: subprocess.Popen) -> None:
    assert child.stdout is not None
    for raw in child.stdout:
        sys.stdout.write(f"{prefix} | {raw.decode(errors='replace')}")
        sys.stdout.flush()
