"""Creates a secret key file once, atomically: compose's containers start together and
must all end up with the same key. ``python -m launcher.secret_file PATH``."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def ensure_secret_file(path: Path) -> bool:
    """Write a new random secret to ``path`` unless one is there; True when created."""
    if path.exists() and path.read_text(encoding="utf-8").strip():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(48) + "\n")
    try:
        os.link(tmp, path)  # atomic; fails if another process won the race
        created = True
    except FileExistsError:
        created = False
    finally:
        tmp.unlink()
    return created


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python -m launcher.secret_file PATH")
    if ensure_secret_file(Path(sys.argv[1])):
        print(f"bilirec: created a new secret key in {sys.argv[1]}", flush=True)
