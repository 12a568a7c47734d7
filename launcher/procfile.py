"""The Procfile: one list of processes shared by ``make run`` and docker-compose."""

from __future__ import annotations

import re
from pathlib import Path

PROCFILE = Path(__file__).resolve().parent.parent / "Procfile"

_LINE = re.compile(r"^([A-Za-z0-9_-]+):\s*(.+)$")


def read_procfile(path: Path = PROCFILE) -> dict[str, str]:
    """Process name → command line, in file order."""
    procs: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = _LINE.match(line)
        if not match:
            raise ValueError(f"{path}:{number}: expected 'name: command'")
        procs[match[1]] = match[2].strip()
    return procs
