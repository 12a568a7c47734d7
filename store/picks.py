"""Each user's daily picks: one document per date, written together with the pointer to
the latest (MULTI), kept 30 days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import redis

from store import codec, keys, user_index
from store.picks_rendered import invalidate

KEEP_DAYS = 30


class PickStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def save(self, mid: int, date: str, doc: dict[str, Any]) -> None:
        """Store the day's picks. Times are whole seconds (the JSON API's), so a second
        publish within the same second gets the next second: a client tells new picks
        from old by a newer ``generated_at``."""
        doc["generated_at"] = _after(doc.get("generated_at"), (self.get(mid, date) or {}))
        with self._r.pipeline(transaction=True) as pipe:
            pipe.set(keys.picks(mid, date), codec.dump(doc), ex=(KEEP_DAYS + 1) * 86400)
            user_index.track(pipe, mid, keys.picks(mid, date), (KEEP_DAYS + 1) * 86400)
            pipe.set(keys.picks_latest(mid), date)
            invalidate(pipe, mid)
            pipe.execute()

    def latest_date(self, mid: int) -> str | None:
        raw = self._r.get(keys.picks_latest(mid))
        return raw.decode() if raw else None

    def dates(self, mid: int) -> list[str]:
        """The days that have picks, newest first (at most ``KEEP_DAYS``)."""
        latest = self.latest_date(mid)
        if latest is None:
            return []
        try:
            newest = dt.date.fromisoformat(latest)
        except ValueError:
            return []
        days = [(newest - dt.timedelta(days=n)).isoformat() for n in range(KEEP_DAYS)]
        with self._r.pipeline(transaction=False) as pipe:
            for day in days:
                pipe.exists(keys.picks(mid, day))
            found = pipe.execute()
        return [day for day, there in zip(days, found, strict=True) if there]

    def get(self, mid: int, date: str | None = None) -> dict[str, Any] | None:
        date = date or self.latest_date(mid)
        if date is None:
            return None
        doc = codec.read(self._r.get(keys.picks(mid, date)))
        if doc is not None:
            doc.pop("v", None)
        return doc

    def recent_bvids(self, mid: int, today: dt.date, days: int = 7) -> set[str]:
        """Everything picked on the ``days`` days before ``today``."""
        dates = [(today - dt.timedelta(days=n)).isoformat() for n in range(1, days + 1)]
        picked: set[str] = set()
        for raw in self._r.mget([keys.picks(mid, d) for d in dates]):
            picked |= picked_bvids(codec.read(raw))
        return picked


def picked_bvids(doc: dict[str, Any] | None) -> set[str]:
    """The videos of one day's picks document, both lists."""
    return {pick["bvid"] for section in ("hot", "explore")
            for pick in (doc or {}).get(section, [])
            if isinstance(pick, dict) and isinstance(pick.get("bvid"), str)}


def _after(stamp: str | None, previous: dict[str, Any]) -> str | None:
    """``stamp``, or one second after the previous publish's when it is not later."""
    try:
        now = dt.datetime.fromisoformat(stamp).replace(microsecond=0)
        before = dt.datetime.fromisoformat(previous["generated_at"])
    except (KeyError, TypeError, ValueError):
        return stamp
    if now <= before:
        now = before.replace(microsecond=0) + dt.timedelta(seconds=1)
    return now.isoformat(timespec="seconds")
