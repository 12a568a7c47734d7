"""``make bench``: runs every ``bench/bench_*.py`` in its own process (TensorFlow's memory
and threads stay out of the others' figures) and prints their ``name: value unit`` lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    modules = sorted(p.stem for p in HERE.glob("bench_*.py"))
    if not modules:
        print("no benchmarks yet")
        return 0
    failed = 0
    for name in modules:
        print(f"# {name}", flush=True)
        code = subprocess.call([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
        failed += code != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
