"""Candidate pools: the shared hot pools (``hot:{source}``), written together with a
version, and each user's own pool.

The version lets a worker keep the decoded and encoded hot pools in memory and reuse them
for every user until ``refresh_hot`` writes new ones: one small read instead of three
large ones per user. It is a random token rather than a counter, so a database emptied
and filled again never repeats a version a worker has cached.

Tags cost one request per video, so a fresh installation publishes its first pools before
their tags are fetched (users are waiting) and a tag pass follows. ``tagged_version`` is the
version whose tag pass is done; each user's picks record whether they were scored from
such pools (``note_scored``), so the users scored before the tags came in are re-scored.
"""

from __future__ import annotations

import uuid

import redis

from store import codec, keys
from store.videos import VideoRecord

VERSION_KEY = keys.hot_pool("version")
TAGGED_KEY = keys.hot_pool("tagged_version")
REFRESHING_KEY = keys.hot_pool("refreshing")
TAGGING_KEY = keys.hot_pool("tagging")


class Pools:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def put_hot_all(self, pools: dict[str, list[VideoRecord]], *, tagged: bool = True,
                    if_version: str | None = None) -> str | None:
        """Replace the given shared pools and the version, in one transaction; returns the
        new version. ``tagged``: their tag pass is done (else one is still to come).
        ``if_version``: only while that version is current (``None`` returned otherwise:
        a newer refresh wrote the pools meanwhile)."""
        version = uuid.uuid4().hex
        with self._r.pipeline(transaction=True) as pipe:
            try:
                if if_version is not None:
                    pipe.watch(VERSION_KEY)
                    if (pipe.get(VERSION_KEY) or b"").decode() != if_version:
                        return None
                    pipe.multi()
                for source, records in pools.items():
                    pipe.set(keys.hot_pool(source), _dump_list(records))
                pipe.set(VERSION_KEY, version)
                pipe.set(TAGGED_KEY, version if tagged else "")
                pipe.execute()
            except redis.WatchError:
                return None
        return version

    def put_hot(self, source: str, records: list[VideoRecord]) -> str:
        return self.put_hot_all({source: records}) or ""

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

    def tags_done(self) -> bool:
        """True when the current pools' tag pass is done (or no pools exist yet). Pools
        written before tag passes existed had their tags fetched with them: done."""
        with self._r.pipeline(transaction=False) as pipe:
            pipe.get(VERSION_KEY)
            pipe.get(TAGGED_KEY)
            version, tagged = pipe.execute()
        return version is None or tagged is None or version == tagged

    def claim_hot_refresh(self, ttl_s: float) -> bool:
        """True for the one caller that may refresh the shared pools now."""
        return bool(self._r.set(REFRESHING_KEY, 1, nx=True, px=max(1, int(ttl_s * 1000))))

    def end_hot_refresh(self) -> None:
        """The claimed refresh is over (done or failed): another may claim one."""
        self._r.delete(REFRESHING_KEY)

    def hot_refresh_running(self) -> bool:
        return bool(self._r.exists(REFRESHING_KEY))

    def claim_hot_tagging(self, ttl_s: float) -> bool:
        """True for the one caller that runs the tag pass now."""
        return bool(self._r.set(TAGGING_KEY, 1, nx=True, px=max(1, int(ttl_s * 1000))))

    def end_hot_tagging(self) -> None:
        self._r.delete(TAGGING_KEY)

    def has_hot(self) -> bool:
        return bool(self._r.exists(keys.hot_pool("hot")))

    def note_scored(self, mid: int, date: str, *, complete: bool) -> None:
        """The user's picks of ``date`` were scored from pools whose tag pass was done
        (``complete``) or not (then they are re-scored once it is)."""
        self._r.set(keys.picks_hot_scored(mid), f"{date} {int(complete)}", ex=2 * 86400)

    def scored_complete(self, mid: int, date: str) -> bool | None:
        """Whether the user's picks of ``date`` came from tagged pools; ``None`` when no
        picks of that date were noted."""
        raw = self._r.get(keys.picks_hot_scored(mid))
        day, _, flag = (raw or b"").decode().partition(" ")
        return None if day != date else flag == "1"

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
