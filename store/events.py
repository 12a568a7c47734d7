"""Each user's behaviour log: typed events appended exactly once.

An event's id says what it is (``watch:BV…:view_at``, ``like:BV…``, ``fav:BV…:folder``),
so re-running a sync adds nothing twice. Events are ordered by an insertion sequence, so
"new since the last training" is a range query however old the event's own time is.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass

import redis

from store import keys

KINDS = ("watch", "like", "coin", "fav", "feedback_like", "feedback_dislike", "shown")

# HSETNX decides "new"; only new ids get a sequence number. ARGV holds triples
# (id, json, bvid-or-empty); a non-empty bvid joins the set of videos the user touched.
_APPEND = """
local added = 0
for i = 1, #ARGV, 3 do
  if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then
    local seq = redis.call('INCR', KEYS[3])
    redis.call('ZADD', KEYS[1], seq, ARGV[i])
    if ARGV[i + 2] ~= '' then redis.call('SADD', KEYS[4], ARGV[i + 2]) end
    added = added + 1
  end
end
return added
"""

# The records at the given ranks (ARGV) of the sequence, in one round trip: the replay
# sample of every training run (200 ZRANGE calls were a fifth of a whole cycle).
_AT_RANKS = """
local ids = {}
for i = 1, #ARGV do
  local found = redis.call('ZRANGE', KEYS[1], ARGV[i], ARGV[i])
  if found[1] then ids[#ids + 1] = found[1] end
end
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))
"""

# The records added after a sequence number, oldest first, in one round trip (HMGET in
# chunks: Lua's unpack has a bounded stack).
_SINCE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'LIMIT', 0, ARGV[2])
local out = {}
for start = 1, #ids, 1000 do
  local chunk = redis.call('HMGET', KEYS[2], unpack(ids, start, math.min(start + 999, #ids)))
  for i = 1, #chunk do out[#out + 1] = chunk[i] end
end
return out
"""


@dataclass(frozen=True)
class BehaviourEvent:
    kind: str
    bvid: str
    at: int  # Unix seconds of the action (0 when bilibili does not say)
    progress: int = 0  # seconds watched; -1 = finished (watch events)
    duration: int = 0
    source: str = ""  # favourite folder id, feedback origin, …

    @property
    def id(self) -> str:
        if self.kind == "watch":
            return f"watch:{self.bvid}:{self.at}"
        if self.kind in ("fav", "coin"):
            return f"{self.kind}:{self.bvid}:{self.source}"
        if self.kind == "shown":
            return f"shown:{self.bvid}:{self.source}"
        return f"{self.kind}:{self.bvid}"


class EventLog:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._append = r.register_script(_APPEND)
        self._at_ranks = r.register_script(_AT_RANKS)
        self._since = r.register_script(_SINCE)

    def append(self, mid: int, events: list[BehaviourEvent]) -> int:
        """Add the events not seen before; returns how many were new."""
        if not events:
            return 0
        args: list[str] = []
        for event in events:
            if event.kind not in KINDS:
                raise ValueError(f"unknown event kind {event.kind!r}")
            touched = "" if event.kind == "shown" else event.bvid
            args += [event.id, json.dumps(asdict(event), ensure_ascii=False), touched]
        ks = [keys.events(mid), keys.event_data(mid), keys.event_seq(mid), keys.touched(mid)]
        return int(self._append(keys=ks, args=args))

    def touched(self, mid: int) -> set[str]:
        """Every video the user watched, liked, coined, favourited or gave feedback on
        (one set read, however long the history)."""
        return {b.decode() for b in self._r.smembers(keys.touched(mid))}

    def touched_among(self, mid: int, bvids: list[str]) -> set[str]:
        """Which of ``bvids`` the user touched: one read whose size follows the
        candidates, not the history (thousands of videos for a long-time user)."""
        if not bvids:
            return set()
        flags = self._r.smismember(keys.touched(mid), bvids)
        return {b for b, flag in zip(bvids, flags, strict=True) if flag}

    def count(self, mid: int) -> int:
        return int(self._r.zcard(keys.events(mid)))

    def last_seq(self, mid: int) -> int:
        return int(self._r.get(keys.event_seq(mid)) or 0)

    def since(self, mid: int, seq: int, limit: int | None = None) -> list[BehaviourEvent]:
        """Events added after sequence number ``seq``, oldest first."""
        raws = self._since(keys=[keys.events(mid), keys.event_data(mid)],
                           args=[seq, limit if limit else -1])
        return self._parse(raws)

    def sample(self, mid: int, upto_seq: int, n: int) -> list[BehaviourEvent]:
        """Up to ``n`` random events added at or before ``upto_seq`` (the replay sample)."""
        total = int(self._r.zcount(keys.events(mid), "-inf", upto_seq))
        if total <= n:
            return self._load(mid, self._r.zrangebyscore(keys.events(mid), "-inf", upto_seq))
        ranks = sorted(random.sample(range(total), n))
        raws = self._at_ranks(keys=[keys.events(mid), keys.event_data(mid)], args=ranks)
        return self._parse(raws)

    def all(self, mid: int) -> list[BehaviourEvent]:
        return self._load(mid, self._r.zrange(keys.events(mid), 0, -1))

    def _load(self, mid: int, ids: list[bytes]) -> list[BehaviourEvent]:
        if not ids:
            return []
        return self._parse(self._r.hmget(keys.event_data(mid), ids))

    @staticmethod
    def _parse(raws: list[bytes | None]) -> list[BehaviourEvent]:
        out = []
        for raw in raws:
            if raw is None:
                continue
            try:
                doc = json.loads(raw)
                out.append(BehaviourEvent(**doc))
            except (ValueError, TypeError):
                continue  # an older or garbled record: skipped, never fatal
        return out
