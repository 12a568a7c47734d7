"""Runs a set of processes in the foreground, as a daemon would: a process that dies is
started again after a back-off, and only one that keeps dying (or Ctrl-C) stops them all."""

from __future__ import annotations

import collections
import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class RestartPolicy:
    max_deaths: int = 5  # this many deaths within window_s: give up and stop everything
    window_s: float = 300.0
    base_delay_s: float = 1.0  # doubled after each death within the window
    max_delay_s: float = 30.0


class _Child:
    def __init__(self, name: str, argv: list[str], env: Mapping[str, str], prefix: str,
                 proc: subprocess.Popen | None = None) -> None:
        self.name, self.argv, self.env, self.prefix = name, argv, dict(env), prefix
        self.proc = proc
        self.deaths: collections.deque[float] = collections.deque()
        self.restart_at: float | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # our Ctrl-C handling stops them in order
        )
        threading.Thread(target=_pump, args=(self.prefix, self.proc), daemon=True).start()

    def died(self, now: float, policy: RestartPolicy) -> bool:
        """Note a death; False when it died too often to try again."""
        self.deaths.append(now)
        while self.deaths and now - self.deaths[0] > policy.window_s:
            self.deaths.popleft()
        if len(self.deaths) >= policy.max_deaths:
            return False
        delay = policy.base_delay_s * 2 ** (len(self.deaths) - 1)
        self.restart_at = now + min(delay, policy.max_delay_s)
        return True


def run_all(
    procs: Mapping[str, str],
    env: Mapping[str, str],
    *,
    adopted: Mapping[str, subprocess.Popen] | None = None,
    policy: RestartPolicy = RestartPolicy(),
    stopping: threading.Event | None = None,
) -> int:
    """Start every process of ``procs`` and watch them with those already started
    (``adopted``, e.g. the Redis the launcher started), restarting the dead ones with
    their own command line. Returns 0 after Ctrl-C/SIGTERM (or ``stopping`` set), 1 when
    one process kept dying."""
    adopted = dict(adopted or {})
    width = max(map(len, [*procs, *adopted]))
    stopping = stopping or threading.Event()
    restore = _on_signals(stopping)
    children = [
        _Child(name, [str(a) for a in proc.args], env, name.ljust(width), proc)
        for name, proc in adopted.items()
    ]
    for name, command in procs.items():
        child = _Child(name, shlex.split(command), env, name.ljust(width))
        child.start()
        children.append(child)
    code = 0
    try:
        code = _watch(children, policy, stopping)
    finally:
        restore()
        stop(c.proc for c in children if c.proc is not None)
    return code


def _watch(children: list[_Child], policy: RestartPolicy, stopping: threading.Event) -> int:
    while not stopping.wait(0.2):
        now = time.monotonic()
        for child in children:
            if child.restart_at is not None:
                if now >= child.restart_at:
                    print(f"bilirec: restarting {child.name}", flush=True)
                    child.restart_at = None
                    child.start()
                continue
            if child.proc is None or child.proc.poll() is None:
                continue
            returncode = child.proc.returncode
            if not child.died(now, policy):
                print(
                    f"bilirec: {child.name} died {policy.max_deaths} times within "
                    f"{policy.window_s:.0f} s (last exit code {returncode}); stopping "
                    "everything. Its output above says why.",
                    flush=True,
                )
                return 1
            wait = child.restart_at - now if child.restart_at else 0.0
            print(f"bilirec: {child.name} exited with {returncode}; restarting in "
                  f"{wait:.0f} s", flush=True)
    return 0


def _on_signals(stopping: threading.Event):  # returns the undo callable
    """Ctrl-C and SIGTERM set ``stopping``; the returned callable puts the old handlers
    back. Signal handlers can only be set from the main thread."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in previous:
        signal.signal(sig, lambda *_: stopping.set())

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def stop(children: Iterable[subprocess.Popen], timeout_s: float = 10.0) -> None:
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
