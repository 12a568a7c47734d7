"""aid ↔ bvid with the checked pairs of bilibili-api.md §0."""

import pytest

from bilibili.ids import av_to_bv, bv_to_av


@pytest.mark.parametrize(
    ("aid", "bvid"),
    [(170001, "BV17x411w7KC"), (85440373, "BV117411r7R1"), (883617049, "BV1sK4y147ob")],
)
def test_round_trip(aid, bvid):
    assert av_to_bv(aid) == bvid
    assert bv_to_av(bvid) == aid


@pytest.mark.parametrize("bad", ["", "BV1", "AV17x411w7KC", "BV17x411w7K0", "BV17x411w7KCX"])
def test_bad_bvids(bad):
    with pytest.raises(ValueError):
        bv_to_av(bad)


@pytest.mark.parametrize("bad", [0, -1, 2**51])
def test_bad_aids(bad):
    with pytest.raises(ValueError):
        av_to_bv(bad)
