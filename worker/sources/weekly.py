"""每周必看, shared: the newest issue (two requests a run, the issue list and the issue)."""

from __future__ import annotations

from store import VideoRecord
from worker.convert import record_from_list
from worker.sources.base import Fetch, Source


def fetch(f: Fetch) -> list[VideoRecord]:
    issues = f.client.weekly_issues()
    if not issues:
        return []
    newest = max(issues, key=lambda issue: issue.number)
    return [record_from_list(v, SOURCE.name) for v in f.client.weekly(newest.number)]


SOURCE = Source(name="weekly", shared=True, budget=None, fetch=fetch)
