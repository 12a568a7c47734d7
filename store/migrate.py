"""Stored keys moved to the names this code reads, once per installation.

``schema:version`` says which layout the keys follow; none means the first. A process
brings the layout up to ``SCHEMA_VERSION`` before it reads or writes anything (the web in
``create_app``, a worker when it builds its context), so no new-style key is written
before the old ones have moved. Each move is atomic (a script: RENAME, which keeps the
key's TTL, only when the new name is free), so two processes starting together, or a run
cut short and started again, move each key once.

Schema 2 renamed the Atom feed's tokens (``feed`` → ``atom``, the home-feed source keeps
``feed``) and the rendered ``/api/picks`` cache (``views`` → ``rendered``): see
``keys.RENAMED_IN_2``. Users' feed URLs keep working: the token is the same, only where
it is kept changed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable

import redis

from store import keys

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2

# KEYS: old name, new name. 1: moved; 0: nothing to move; else the old key's value, which
# was dropped because the new name is taken (written by this code: it wins).
_MOVE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 1 then
  local old = redis.call('TYPE', KEYS[1]).ok == 'string' and redis.call('GET', KEYS[1]) or '-'
  redis.call('DEL', KEYS[1])
  return old
end
redis.call('RENAME', KEYS[1], KEYS[2])
return 1
"""

_PARTS = {"{mid}": r"(\d+)", "{hash}": r"([0-9a-f]{64})"}


def migrate(r: redis.Redis) -> int:
    """Bring the stored layout up to ``SCHEMA_VERSION``; returns how many keys moved (0
    when it was current: one read)."""
    if int(r.get(keys.SCHEMA_VERSION) or 1) >= SCHEMA_VERSION:
        return 0
    move = r.register_script(_MOVE)
    moved = 0
    for old, new in keys.RENAMED_IN_2.items():
        moved += _rename_all(r, move, old, new)
    r.set(keys.SCHEMA_VERSION, SCHEMA_VERSION)
    if moved:
        log.info("stored layout now version %d: %d keys renamed", SCHEMA_VERSION, moved)
    return moved


def _rename_all(r: redis.Redis, move, old: str, new: Callable[..., str]) -> int:
    """Every key named like ``old`` (a SCAN, once: the cost of one pass over the keyspace)
    renamed to ``new`` of the same mid or hash."""
    regex, glob = re.escape(old), old
    for slot, part in _PARTS.items():
        regex, glob = regex.replace(re.escape(slot), part), glob.replace(slot, "*")
    pattern = re.compile(regex)
    moved = 0
    for raw in r.scan_iter(match=glob, count=1000):
        found = pattern.fullmatch(raw.decode(errors="replace"))
        if found is None:
            continue  # another key the glob also matches
        part = found.group(1)
        outcome = move(keys=[raw, new(int(part) if "{mid}" in old else part)])
        if outcome == 1:
            moved += 1
        elif new is keys.atom_token and outcome not in (0, b"-"):
            # A token this code already replaced: its old lookup key must not live on
            # as a second working feed URL.
            r.delete(_old_owner(outcome.decode()))
    return moved


def _old_owner(token: str) -> str:
    """The lookup key of ``token`` in the first layout."""
    name = next(o for o, n in keys.RENAMED_IN_2.items() if n is keys.atom_owner)
    return name.replace("{hash}", hashlib.sha256(token.encode()).hexdigest())


class Once:
    """``migrate`` until it has succeeded once: the web starts even while Redis is away,
    and calls this again before each request until the keys have moved."""

    def __init__(self, r: redis.Redis) -> None:
        self._r = r
        self.done = False

    def __call__(self) -> None:
        if self.done:
            return
        try:
            migrate(self._r)
        except redis.RedisError as exc:
            log.warning("stored layout not checked yet (%s); trying again", type(exc).__name__)
            return
        self.done = True
