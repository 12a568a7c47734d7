"""aid ↔ bvid (bilibili-api.md §0): some lists carry ``"bvid": ""`` and only an aid."""

from __future__ import annotations

_XOR_CODE = 23442827791579
_MASK = 2**51 - 1
_MAX_AID = 2**51
_ALPHABET = "FcwAPNKTMug3GV5Lj7EJnHpWsx4tb8haYeviqBz6rkCy12mUSDQX9RdoZf"
_INDEX = {c: i for i, c in enumerate(_ALPHABET)}


def av_to_bv(aid: int) -> str:
    if not 0 < aid < _MAX_AID:
        raise ValueError("aid out of range")
    chars = list("BV1000000000")
    i = 11
    t = (_MAX_AID | aid) ^ _XOR_CODE
    while t > 0:
        chars[i] = _ALPHABET[t % 58]
        t //= 58
        i -= 1
    chars[3], chars[9] = chars[9], chars[3]
    chars[4], chars[7] = chars[7], chars[4]
    return "".join(chars)


def bv_to_av(bvid: str) -> int:
    if len(bvid) != 12 or not bvid.startswith("BV1"):
        raise ValueError("not a bvid")
    chars = list(bvid)
    chars[3], chars[9] = chars[9], chars[3]
    chars[4], chars[7] = chars[7], chars[4]
    t = 0
    for c in chars[3:]:
        if c not in _INDEX:
            raise ValueError("not a bvid")
        t = t * 58 + _INDEX[c]
    return (t & _MASK) ^ _XOR_CODE
