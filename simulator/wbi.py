"""WBI keys and signature check (bilibili-api.md §3), server side.

The keys live in ``SimState.wbi`` and can be rotated by ``POST /_sim/wbi/rotate``.
Endpoints that *require* a signature (feed rcmd, wbi/view...) call
:func:`verify`; the rest accept and ignore ``wts``/``w_rid`` (§3.3).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

MIXIN_KEY_ENC_TAB = [
    46, 47, 18, 2, 53, 8, 23, 32, 15, 50, 10, 31, 58, 3, 45, 35,
    27, 43, 5, 49, 33, 9, 42, 19, 29, 28, 14, 39, 12, 38, 41, 13,
    37, 48, 7, 16, 24, 55, 40, 61, 26, 17, 0, 1, 60, 51, 30, 4,
    22, 25, 54, 21, 56, 59, 6, 63, 57, 62, 11, 36, 20, 34, 44, 52,
]  # fmt: skip

# Start from the doc's example keys so its test vectors hold before any rotation.
INITIAL_IMG_KEY = "7cd084941338484aae1ad9425b84077c"
INITIAL_SUB_KEY = "4932caff0ff746eab6f01bf08b70ac45"
_FILTERED = str.maketrans("", "", "!'()*")


@dataclass
class WbiKeys:
    img_key: str = INITIAL_IMG_KEY
    sub_key: str = INITIAL_SUB_KEY

    def nav_img(self) -> dict[str, str]:
        """``wbi_img`` as nav carries it (the URLs are never fetched)."""
        return {
            "img_url": f"https://i0.hdslb.com/bfs/wbi/{self.img_key}.png",
            "sub_url": f"https://i0.hdslb.com/bfs/wbi/{self.sub_key}.png",
        }

    def rotate(self, rng: random.Random) -> None:
        self.img_key = "".join(rng.choice("0123456789abcdef") for _ in range(32))
        self.sub_key = "".join(rng.choice("0123456789abcdef") for _ in range(32))


def mixin_key(img_key: str, sub_key: str) -> str:
    raw = img_key + sub_key
    return "".join(raw[i] for i in MIXIN_KEY_ENC_TAB)[:32]


def signed_query(params: Mapping[str, object]) -> str:
    """Sorted, filtered, encodeURIComponent-style query (§3.1 steps 4–6)."""
    items = sorted((str(k), str(v).translate(_FILTERED)) for k, v in params.items())
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items)


def w_rid(params: Mapping[str, object], keys: WbiKeys) -> str:
    """Signature of ``params`` (which must already contain ``wts``)."""
    query = signed_query({k: v for k, v in params.items() if k != "w_rid"})
    return hashlib.md5((query + mixin_key(keys.img_key, keys.sub_key)).encode()).hexdigest()


def verify(args: Mapping[str, str], keys: WbiKeys) -> bool:
    """True when ``args`` carry ``wts`` and a ``w_rid`` valid for ``keys``.

    The accepted age of ``wts`` is unknown upstream (unverified), so it is not
    checked. Old keys stop working at once after a rotation, which is what makes
    a client re-read nav.
    """
    given = args.get("w_rid")
    if not given or not args.get("wts"):
        return False
    return given == w_rid(dict(args), keys)
