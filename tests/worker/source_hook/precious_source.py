"""A test-only candidate source: 入站必刷 (``popular/precious``), per user, one request a
refresh. Nothing in the project knows it; tests/worker/test_sources.py registers it (in
its own process, and in a worker through this directory's sitecustomize)."""

from __future__ import annotations

from store import VideoRecord
from worker.convert import record_from_list
from worker.sources import Fetch, Source

NAME = "precious"
PATH = "/x/web-interface/popular/precious"


def fetch(f: Fetch) -> list[VideoRecord]:
    return [record_from_list(v, NAME) for v in f.client.precious()]


SOURCE = Source(name=NAME, shared=False, budget=None, fetch=fetch)
