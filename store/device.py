"""This installation's bilibili device ids (buvid3/buvid4): not secret, shared by logins."""

from __future__ import annotations

import redis

from store import codec, keys


class DeviceStore:
    def __init__(self, r: redis.Redis) -> None:
        self._r = r

    def get(self) -> dict[str, str] | None:
        doc = codec.read(self._r.get(keys.DEVICE))
        if not doc or not isinstance(doc.get("buvid3"), str):
            return None
        return {"buvid3": doc["buvid3"], "buvid4": str(doc.get("buvid4") or "")}

    def save(self, ids: dict[str, str]) -> None:
        self._r.set(keys.DEVICE, codec.dump(ids))
