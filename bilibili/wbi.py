"""WBI request signing (bilibili-api.md §3) and a cache of the site-wide keys.

The keys come from nav ``data.wbi_img`` through a callable handed in, so this module never
decides how nav is fetched (gated, cached elsewhere, or a fixed pair in tests).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

from bilibili import errors

MIXIN_KEY_ENC_TAB = [
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35,
    27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13,
    37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4,
    22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36, 20, 34, 44, 52,
]  # fmt: skip

# Characters bilibili's JS deletes from every value before signing (§3.1 step 5).
_FILTERED = str.maketrans("", "", "!'()*")


def mixin_key(img_key: str, sub_key: str) -> str:
    raw = img_key + sub_key
    if len(raw) < 64:
        raise ValueError("WBI keys must be 32 characters each")
    return "".join(raw[i] for i in MIXIN_KEY_ENC_TAB)[:32]


def signed_query(params: Mapping[str, Any]) -> str:
    """The string that is hashed: sorted keys, filtered values, encodeURIComponent encoding.

    ``quote(v, safe="")`` matches encodeURIComponent on the filtered values (space → %20,
    upper-case hex); ``urlencode`` would turn a space into ``+`` and break the signature.
    """
    items = sorted((str(k), str(v).translate(_FILTERED)) for k, v in params.items())
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


def sign(params: Mapping[str, Any], img_key: str, sub_key: str, wts: int) -> dict[str, Any]:
    """A copy of ``params`` plus ``wts`` and ``w_rid``; any old ``w_rid`` is not signed."""
    signed: dict[str, Any] = {k: v for k, v in params.items() if k not in ("w_rid", "wts")}
    signed["wts"] = int(wts)
    query = signed_query(signed)
    signed["w_rid"] = hashlib.md5((query + mixin_key(img_key, sub_key)).encode()).hexdigest()
    return signed


def keys_from_nav(data: Any) -> tuple[str, str]:
    """``(img_key, sub_key)`` from nav ``data`` (or its ``wbi_img``, or bili_ticket's ``nav``).

    The key is the image file name without extension; the image is never downloaded.
    """
    obj = data.get("wbi_img", data) if isinstance(data, Mapping) else None
    if isinstance(obj, Mapping):
        img = _file_stem(obj.get("img_url", obj.get("img")))
        sub = _file_stem(obj.get("sub_url", obj.get("sub")))
        if img and sub:
            return img, sub
    raise errors.Transient("nav answered no usable WBI keys")


def _file_stem(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    stem = url.rsplit("/", 1)[-1].split(".", 1)[0]
    # Real keys are 32 hex characters; anything shorter would make mixin_key fail.
    return stem if len(stem) == 32 else None


class WbiKeys:
    """The current key pair, read through ``fetch`` and kept for ``ttl_s``.

    ``fetch`` returns nav ``data`` (or ``data.wbi_img``). Keys rotate about daily and a
    stale pair shows up as -403 / -352 / ``v_voucher`` on a signed call: the caller then
    calls :meth:`invalidate` and signs again with the re-read pair.
    """

    def __init__(
        self,
        fetch: Callable[[], Any],
        *,
        ttl_s: float = 6 * 3600,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._fetch = fetch
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._keys: tuple[str, str] | None = None
        self._read_at = 0.0

    @classmethod
    def fixed(cls, img_key: str, sub_key: str) -> WbiKeys:
        """A pair that never expires (tests, or keys cached by the caller)."""
        return cls(lambda: {"img_url": f"/{img_key}.png", "sub_url": f"/{sub_key}.png"},
                   ttl_s=float("inf"))

    def keys(self) -> tuple[str, str]:
        with self._lock:
            if self._keys is None or self._clock() - self._read_at >= self._ttl_s:
                self._keys = keys_from_nav(self._fetch())
                self._read_at = self._clock()
            return self._keys

    def invalidate(self) -> None:
        """Forget the pair; the next :meth:`keys` reads nav again."""
        with self._lock:
            self._keys = None

    def sign(self, params: Mapping[str, Any], *, wts: int | None = None) -> dict[str, Any]:
        """``params`` signed with the current pair; a fresh ``wts`` unless one is given."""
        img_key, sub_key = self.keys()
        return sign(params, img_key, sub_key, int(time.time()) if wts is None else wts)
