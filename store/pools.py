"""Candidate pools: the shared hot pools (``hot:{source}``), written together with a
version, and each user's own pool.

The version lets a worker keep the decoded and encoded hot pools in memory and reuse them
for every user until ``refresh_hot`` writes new ones: one small read instead of three
large ones per user. It is a random token rather than a counter, so a database emptied
and filled again never repeats a version a worker has cached.
"""

from __future__ import annotations

import uuid

import redis

from store import codec, keys
from store.videos import VideoRecord

VERSION_KEY = keys.hot_pool("version")


class Pools:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def put_hot_all(self, pools: dict[str, list[VideoRecord]]) -> str:
        """Replace the given shared pools and the version, in one transaction; returns the
        new version."""
        version = uuid.uuid4().hex
        with self._r.pipeline(transaction=True) as pipe:
            for source, records in pools.items():
                pipe.set(keys.hot_pool(source), _dump_list(records))
            pipe.set(VERSION_KEY, version)
            pipe.execute()
        return version

    def put_hot(self, source: str, records: list[VideoRecord]) -> str:
        return self.put_hot_all({source: records})

    def hot_version(self) -> str:
        """Changes whenever a shared pool does ("" before the first)."""
        raw = self._r.get(VERSION_KEY)
        return raw.decode() if raw else ""

    def hot(self, source: str) -> list[VideoRecord]:
        return _load_list(self._r.get(keys.hot_pool(source)))

    def hot_many(self, sources: tuple[str, ...]) -> tuple[str, dict[str, list[VideoRecord]]]:
        """(version, pools) read together, so the pools are the version's."""
        with self._r.pipeline(transaction=True) as pipe:
            pipe.get(VERSION_KEY)
            for source in sources:
                pipe.get(keys.hot_pool(source))
            raw = pipe.execute()
        pools = {s: _load_list(r) for s, r in zip(sources, raw[1:], strict=True)}
        return (raw[0] or b"").decode(), pools

    def claim_hot_refresh(self, ttl_s: float) -> bool:
        """True for the one caller that may refresh the shared pools now."""
        return bool(self._r.set(keys.hot_pool("refreshing"), 1, nx=True, ex=int(ttl_s)))

    def has_hot(self) -> bool:
        return bool(self._r.exists(keys.hot_pool("hot")))

    def put_user(self, mid: int, records: list[VideoRecord]) -> None:
        self._r.set(keys.user_pool(mid), _dump_list(records))

    def user(self, mid: int) -> list[VideoRecord]:
        return _load_list(self._r.get(keys.user_pool(mid)))

    def user_and_hot_version(self, mid: int) -> tuple[list[VideoRecord], str]:
        """The user's pool and the shared pools' version in one round trip (what scoring
        reads for every user)."""
        with self._r.pipeline(transaction=False) as pipe:
            pipe.get(keys.user_pool(mid))
            pipe.get(VERSION_KEY)
            raw, version = pipe.execute()
        return _load_list(raw), (version or b"").decode()


def _dump_list(records: list[VideoRecord]) -> bytes:
    return codec.dump({"items": [r.to_doc() for r in records]})


def _load_list(raw: bytes | None) -> list[VideoRecord]:
    doc = codec.read(raw)
    items = doc.get("items") if doc else None
    if not isinstance(items, list):
        return []
    out = []
    for item in items:
        try:
            out.append(VideoRecord.from_doc(item))
        except (TypeError, ValueError):
            continue
    return out
