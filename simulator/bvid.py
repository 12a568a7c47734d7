"""aid ↔ bvid, exactly as bilibili-api.md §0 (``docs/misc/bvid_desc.md``)."""

from __future__ import annotations

XOR_CODE = 23442827791579
MASK = 2**51 - 1
MAX_AID = 2**51
ALPHABET = "FcwAPNKTMug3GV5Lj7EJnHpWsx4tb8haYeviqBz6rkCy12mUSDQX9RdoZf"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}


def av2bv(aid: int) -> str:
    if not 0 < aid < MAX_AID:
        raise ValueError(f"aid out of range: {aid}")
    b = list("BV1000000000")
    i = 11
    t = (MAX_AID | aid) ^ XOR_CODE
    while t > 0:
        b[i] = ALPHABET[t % 58]
        t //= 58
        i -= 1
    b[3], b[9] = b[9], b[3]
    b[4], b[7] = b[7], b[4]
    return "".join(b)


def is_bvid(text: str) -> bool:
    return len(text) == 12 and text[:3].upper() == "BV1" and all(c in _INDEX for c in text[3:])


def bv2av(bvid: str) -> int:
    if not is_bvid(bvid):
        raise ValueError(f"not a bvid: {bvid!r}")
    s = list(bvid)
    s[3], s[9] = s[9], s[3]
    s[4], s[7] = s[7], s[4]
    t = 0
    for c in s[3:]:
        t = t * 58 + _INDEX[c]
    return (t & MASK) ^ XOR_CODE
