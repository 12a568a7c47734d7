"""WBI signing (bilibili-api.md §3): the four test vectors, key parsing and the key cache."""

import pytest

from bilibili import errors
from bilibili.wbi import WbiKeys, keys_from_nav, mixin_key, sign, signed_query

IMG = "7cd084941338484aae1ad9425b84077c"
SUB = "4932caff0ff746eab6f01bf08b70ac45"
NAV_DATA = {
    "isLogin": False,
    "wbi_img": {
        "img_url": f"https://i0.hdslb.com/bfs/wbi/{IMG}.png",
        "sub_url": f"https://i0.hdslb.com/bfs/wbi/{SUB}.png",
    },
}


def test_mixin_key():
    assert mixin_key(IMG, SUB) == "ea1db124af3c7062474693fa704f4ff8"


@pytest.mark.parametrize(
    ("params", "wts", "hashed", "w_rid"),
    [
        (
            {"foo": "114", "bar": "514", "zab": 1919810},
            1702204169,
            "bar=514&foo=114&wts=1702204169&zab=1919810",
            "8f6f2b5b3d485fe1886cec6a0be8c5d4",
        ),
        (
            {"foo": "one one four", "bar": "五一四", "baz": 1919810},
            1702204169,
            "bar=%E4%BA%94%E4%B8%80%E5%9B%9B&baz=1919810&foo=one%20one%20four&wts=1702204169",
            "04e50b58980e3e3cee8cbc0cc4c1c530",
        ),
        (
            {"bvid": "BV1xx411c7mD"},
            1700000000,
            "bvid=BV1xx411c7mD&wts=1700000000",
            "a6c559afe0db97d811712e2602ea9774",
        ),
        (
            {"pn": 1, "ps": 20},
            1700000000,
            "pn=1&ps=20&wts=1700000000",
            "2c413c8166fb6bbdadf5e2d7b742680c",
        ),
    ],
)
def test_vectors(params, wts, hashed, w_rid):
    assert signed_query({**params, "wts": wts}) == hashed
    signed = sign(params, IMG, SUB, wts)
    assert signed["w_rid"] == w_rid
    assert signed["wts"] == wts
    assert {k: v for k, v in signed.items() if k not in ("wts", "w_rid")} == params


def test_sign_does_not_touch_its_input_and_ignores_an_old_signature():
    params = {"bvid": "BV1xx411c7mD", "w_rid": "stale", "wts": 1}
    signed = sign(params, IMG, SUB, 1700000000)
    assert params["w_rid"] == "stale"
    assert signed["w_rid"] == "a6c559afe0db97d811712e2602ea9774"


def test_filtered_characters_are_removed_before_encoding():
    assert signed_query({"q": "a!b'c(d)e*f", "wts": 1}) == "q=abcdef&wts=1"
    # The sent value is untouched; only the signed string loses them.
    assert sign({"q": "a!b"}, IMG, SUB, 1)["q"] == "a!b"
    assert sign({"q": "a!b"}, IMG, SUB, 1)["w_rid"] == sign({"q": "ab"}, IMG, SUB, 1)["w_rid"]


def test_encoding_is_encode_uri_component():
    assert signed_query({"k": "a b+c/d~e-f_g.h", "wts": 1}) == "k=a%20b%2Bc%2Fd~e-f_g.h&wts=1"


def test_keys_from_nav_shapes():
    assert keys_from_nav(NAV_DATA) == (IMG, SUB)
    assert keys_from_nav(NAV_DATA["wbi_img"]) == (IMG, SUB)
    assert keys_from_nav({"img": f"https://x/{IMG}.png", "sub": f"https://x/{SUB}.png"}) == (
        IMG,
        SUB,
    )


@pytest.mark.parametrize("data", [None, {}, {"wbi_img": None}, {"wbi_img": {"img_url": "x.png"}}])
def test_keys_from_bad_nav_is_transient(data):
    with pytest.raises(errors.Transient):
        keys_from_nav(data)


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_keys_are_cached_for_the_ttl_then_reread():
    reads = []
    clock = Clock()
    keys = WbiKeys(lambda: reads.append(1) or NAV_DATA, ttl_s=60, clock=clock)
    assert keys.keys() == (IMG, SUB)
    clock.t += 59
    keys.keys()
    assert len(reads) == 1
    clock.t += 1
    keys.keys()
    assert len(reads) == 2


def test_invalidate_forces_a_reread():
    navs = [NAV_DATA, {"wbi_img": {"img_url": f"/{'a' * 32}.png", "sub_url": f"/{'b' * 32}.png"}}]
    keys = WbiKeys(lambda: navs.pop(0), ttl_s=3600)
    assert keys.keys() == (IMG, SUB)
    keys.invalidate()
    assert keys.keys() == ("a" * 32, "b" * 32)


def test_wbikeys_sign_uses_current_keys():
    keys = WbiKeys.fixed(IMG, SUB)
    assert keys.sign({"pn": 1, "ps": 20}, wts=1700000000)["w_rid"] == (
        "2c413c8166fb6bbdadf5e2d7b742680c"
    )
    assert isinstance(keys.sign({"pn": 1})["wts"], int)
