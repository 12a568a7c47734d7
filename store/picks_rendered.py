"""The rendered ``/api/picks`` answers, cached per user and day, so reading picks costs
one hash read. New picks and feedback bump a generation and drop the cache; an answer
rendered from older data is only stored while the generation it saw is still current.
The hottest read, a logged-in user's ``/api/picks``, is one round trip: the session and the
cached answer are read together by a script.
"""

from __future__ import annotations

import redis
from redis.client import Pipeline

from store import keys
from store.sessions import Session, parse, session_key

TTL_S = 86400

# KEYS: rendered answers (a hash), generation. ARGV: generation seen, field, body, ttl.
_STORE_IF_CURRENT = """
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('EXPIRE', KEYS[1], ARGV[4])
return 1
"""

# KEYS: session. ARGV: day, the rendered answers' and the generation's keys with "{mid}"
# for the user's mid. The user's keys come from the session, so they cannot be KEYS: fine
# on one Redis (ours), not on a cluster.
_SESSION_AND_RENDERED = """
local raw = redis.call('GET', KEYS[1])
if not raw then return {} end
local ok, doc = pcall(cjson.decode, raw)
if not ok or type(doc) ~= 'table' or type(doc.mid) ~= 'number' then return {raw} end
local mid = string.format('%d', doc.mid)
local body = redis.call('HGET', (string.gsub(ARGV[2], '{mid}', mid)), ARGV[1])
local gen = redis.call('GET', (string.gsub(ARGV[3], '{mid}', mid))) or '0'
return {raw, mid, gen, body}
"""
MID = "{mid}"


def invalidate(pipe: Pipeline, mid: int) -> None:
    """Queue the invalidation on a pipeline that writes what the answers are made of."""
    pipe.incr(keys.picks_rendered_gen(mid))
    pipe.delete(keys.picks_rendered(mid))


class RenderedPicks:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self._store = r.register_script(_STORE_IF_CURRENT)
        self._session_and_rendered = r.register_script(_SESSION_AND_RENDERED)

    def get(self, mid: int, day: str) -> tuple[bytes | None, str]:
        """The cached answer for ``day`` ("latest" for today's) and the generation seen."""
        with self._r.pipeline(transaction=False) as pipe:
            pipe.hget(keys.picks_rendered(mid), day)
            pipe.get(keys.picks_rendered_gen(mid))
            body, gen = pipe.execute()
        return body, (gen or b"0").decode()

    def get_for_session(self, sid: str | None, day: str
                        ) -> tuple[Session | None, bytes | None, str]:
        """The session of cookie value ``sid`` and, when it is a user's, what ``get`` gives."""
        key = session_key(sid)
        if key is None:
            return None, None, "0"
        # keys' functions format the mid into the name; MID leaves a slot for the script.
        found = self._session_and_rendered(
            keys=[key], args=[day, keys.picks_rendered(MID), keys.picks_rendered_gen(MID)])
        session = parse(sid, found[0]) if found else None
        if session is None or session.mid is None:
            return session, None, "0"
        # Lua reads the mid as a double: past 2^53 it could name another user's keys.
        if len(found) < 4 or found[1] != str(session.mid).encode():
            return session, *self.get(session.mid, day)
        return session, found[3], found[2].decode()

    def put(self, mid: int, day: str, body: bytes, generation: str) -> bool:
        ks = [keys.picks_rendered(mid), keys.picks_rendered_gen(mid)]
        return bool(self._store(keys=ks, args=[generation, day, body, TTL_S]))
