"""Videos related to the user's strong positives, per user: those the sync's detail
requests brought for free, then ``archive/related`` for at most ``related_seeds`` seeds a
run, each seed asked once (the seeds used are remembered)."""

from __future__ import annotations

from bilibili import errors
from store import VideoRecord
from worker.convert import record_from_list
from worker.sources.base import Fetch, Source

USED_KEY = "related_seeds"  # cursor: the seeds already asked
USED_KEPT = 500


def fetch(f: Fetch) -> list[VideoRecord]:
    user = f.for_user
    records = list(user.sync.related)
    used = set(f.store.cursors.get_text(user.mid, USED_KEY).split())
    seeds = [s for s in dict.fromkeys(user.sync.strong_positives) if s not in used]
    for bvid in seeds[: f.budget]:
        try:
            records += [record_from_list(v, SOURCE.name) for v in f.client.related(bvid)]
        except errors.NotFound:
            pass
        used.add(bvid)
    f.store.cursors.set_text(user.mid, USED_KEY, " ".join(sorted(used)[-USED_KEPT:]))
    return records


SOURCE = Source(name="related", shared=False, budget="related_seeds", fetch=fetch)
