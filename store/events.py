"""Each user's behaviour log: typed events appended exactly once.

An event's id says what it is (``watch:BV…:view_at``, ``like:BV…``, ``fav:BV…:folder``),
so re-running a sync adds nothing twice. The kinds, which of them mark a video touched
(never picked again) and what makes a repeat a new event are one table shared with the
model, ``models.signals``. Events are ordered by an insertion sequence, so
"new since the last training" is a range query however old the event's own time is.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass

import redis

from models.signals import KINDS, SIGNALS
from store import keys

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

# The ending the scripts below share: the records of ``ids`` from the hash KEYS[2], in
# order (HMGET in chunks: Lua's unpack has a bounded stack).
_RECORDS_OF_IDS = """
local out = {}
for start = 1, #ids, 1000 do
  local chunk = redis.call('HMGET', KEYS[2], unpack(ids, start, math.min(start + 999, #ids)))
  for i = 1, #chunk do out[#out + 1] = chunk[i] end
end
return out
"""

# The replay sample of every training run in one round trip: ARGV[1] the last sequence
# number to sample from, ARGV[2] the sample size n, then n uniform numbers in [0, 1) from
# the caller. Fewer than n events: all of them; else Floyd's algorithm turns the numbers
# into a uniform n-subset of the ranks (as random.sample would), read in rank order.
_SAMPLE = """
local total = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1])
local n = tonumber(ARGV[2])
local ids = {}
if total <= n then
  ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
else
  local chosen, ranks = {}, {}
  for i = 1, n do
    local j = total - n + i - 1
    local r = math.min(math.floor(tonumber(ARGV[2 + i]) * (j + 1)), j)
    if chosen[r] then r = j end
    chosen[r] = true
    ranks[#ranks + 1] = r
  end
  table.sort(ranks)
  for _, r in ipairs(ranks) do
    local found = redis.call('ZRANGE', KEYS[1], r, r)
    if found[1] then ids[#ids + 1] = found[1] end
  end
end
""" + _RECORDS_OF_IDS

# The records added after a sequence number, oldest first, in one round trip.
_SINCE = """
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf', 'LIMIT', 0, ARGV[2])
""" + _RECORDS_OF_IDS


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
        signal = SIGNALS.get(self.kind)
        if signal is None or not signal.distinct_by:
            return f"{self.kind}:{self.bvid}"
        return f"{self.kind}:{self.bvid}:{getattr(self, signal.distinct_by)}"


class EventLog:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._append = r.register_script(_APPEND)
        self._sample = r.register_script(_SAMPLE)
        self._since = r.register_script(_SINCE)

    def append(self, mid: int, events: list[BehaviourEvent]) -> int:
        """Add the events not seen before; returns how many were new."""
        if not events:
            return 0
        args: list[str] = []
        for event in events:
            if event.kind not in KINDS:
                raise ValueError(f"unknown event kind {event.kind!r}")
            touched = event.bvid if SIGNALS[event.kind].touched else ""
            args += [event.id, json.dumps(asdict(event), ensure_ascii=False), touched]
        ks = [keys.events(mid), keys.event_data(mid), keys.event_seq(mid), keys.touched(mid)]
        return int(self._append(keys=ks, args=args))

    def touched(self, mid: int) -> set[str]:
        """Every video the user watched, liked, coined, favourited or gave feedback on
        (one set read, however long the history)."""
        return {b.decode() for b in self._r.smembers(keys.touched(mid))}

    def favourited(self, mid: int) -> set[str]:
        """Every video the user favourited (in any folder): one pass over the event ids,
        for the 稍后再看 clean-up, which hands those entries to the user."""
        return {member.decode().split(":")[1]
                for member, _ in self._r.zscan_iter(keys.events(mid), match="fav:*",
                                                    count=1000)}

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

    def position(self, mid: int) -> tuple[int, int]:
        """(last sequence number, number of events), read together."""
        with self._r.pipeline(transaction=False) as pipe:
            pipe.get(keys.event_seq(mid))
            pipe.zcard(keys.events(mid))
            seq, count = pipe.execute()
        return int(seq or 0), int(count)

    def since(self, mid: int, seq: int, limit: int | None = None) -> list[BehaviourEvent]:
        """Events added after sequence number ``seq``, oldest first."""
        raws = self._since(keys=[keys.events(mid), keys.event_data(mid)],
                           args=[seq, limit if limit else -1])
        return self._parse(raws)

    def sample(self, mid: int, upto_seq: int, n: int) -> list[BehaviourEvent]:
        """Up to ``n`` random events added at or before ``upto_seq`` (the replay sample)."""
        fractions = [repr(random.random()) for _ in range(n)]
        raws = self._sample(keys=[keys.events(mid), keys.event_data(mid)],
                            args=[upto_seq, n, *fractions])
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
