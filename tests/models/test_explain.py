import pytest

from models.entities import Event, Video
from models.explain import MIN_TAG_POSITIVES, quality_reasons, reasons
from models.features import label, video_tag_keys
from models.state import TasteStats

TAGGED = "你常看的标签："


def _v(bvid, tags, mid, view=1000, like=10, favorite=2):
    return Video(bvid, "t", tags, mid, f"UP{mid}", 300, view, like, 0, favorite, 1)


@pytest.fixture(scope="module")
def handmade(rec):
    """A user who favourited UP 1's videos, liked UP 2's, coined UP 3's (all 原神 / 攻略)
    and skipped 美食 videos of UP 9."""
    history = []
    for n in range(12):
        mid = 1 + n % 3
        flags = {1: dict(faved=True), 2: dict(liked=True), 3: dict(coined=True)}[mid]
        history.append(
            (Event(f"p{n}", n, progress=-1, **flags), _v(f"p{n}", ("原神", "攻略"), mid))
        )
    for n in range(12):
        history.append(
            (Event(f"n{n}", 100 + n, progress=5, duration=300), _v(f"n{n}", ("美食",), 9))
        )
    state = rec.new_state()
    assert rec.update(state, history, []).accepted
    return state


def test_explanations_name_real_tags_of_the_users_history(rec, trained, taste):
    positives = [v for e, v in taste.history if label(e, v) == 1]
    explained = rec.explain_many(trained, taste.candidates)
    named_any = False
    for video, texts in zip(taste.candidates, explained, strict=True):
        assert len(texts) <= 3
        for text in texts:
            if not text.startswith(TAGGED):
                continue
            named_any = True
            for tag in text.removeprefix(TAGGED).split("、"):
                assert tag in video.tags  # a tag of this very video …
                key = video_tag_keys(_v("x", (tag,), 0))[0]
                hits = sum(key in video_tag_keys(p) for p in positives)
                assert hits >= MIN_TAG_POSITIVES  # … that the user really watched often
    assert named_any


def test_author_claims_are_true(rec, handmade):
    assert "你收藏过该UP主的视频" in rec.explain(handmade, _v("a", ("原神",), 1))
    liked = rec.explain(handmade, _v("b", ("原神",), 2))
    assert "你点赞过该UP主的视频" in liked and "你收藏过该UP主的视频" not in liked
    assert "你投币过该UP主的视频" in rec.explain(handmade, _v("c", ("攻略",), 3))
    stranger = rec.explain(handmade, _v("d", ("原神",), 77))
    assert not any("UP主" in text for text in stranger)
    assert any(text.startswith(TAGGED) and "原神" in text for text in stranger)


def test_skipped_tags_are_not_reasons_and_new_topics_are_called_new(rec, handmade):
    assert rec.explain(handmade, _v("e", ("美食",), 9)) == []
    assert rec.explain(handmade, _v("f", ("天文",), 55)) == ["新发现：你还没看过的话题"]


def test_quality_reasons_need_high_rates_and_enough_views():
    assert quality_reasons(_v("g", (), 1, view=10_000, like=900, favorite=300)) == [
        "高质量：点赞率高",
        "高质量：收藏率高",
    ]
    assert quality_reasons(_v("h", (), 1, view=10_000, like=100, favorite=10)) == []
    assert quality_reasons(_v("i", (), 1, view=50, like=40, favorite=40)) == []


def test_reasons_without_a_model_use_the_record_only():
    stats = TasteStats(tag_pos={"原神": 3}, author_liked={5: 1}, author_pos={5: 1})
    texts = reasons(stats, _v("j", ("原神", "其他"), 5), attention=None)
    assert texts == ["你常看的标签：原神", "你点赞过该UP主的视频"]
    assert reasons(stats, _v("k", ("原神",), 5), max_reasons=1) == ["你常看的标签：原神"]


def test_untrained_state_still_explains(rec):
    assert rec.explain(rec.new_state(), _v("l", ("x",), 1, view=10_000, like=900)) == [
        "新发现：你还没看过的话题",
        "高质量：点赞率高",
    ]


def test_profile_lists_the_users_tags_and_authors(rec, handmade, trained, taste):
    prof = rec.profile(handmade, top=5)
    assert [t["name"] for t in prof["tags"]][:2] in (["原神", "攻略"], ["攻略", "原神"])
    assert "美食" not in [t["name"] for t in prof["tags"]]
    assert {a["mid"] for a in prof["authors"]} == {1, 2, 3}
    assert all(a["name"] == f"UP{a['mid']}" for a in prof["authors"])
    big = rec.profile(trained, top=20)
    weights = [t["weight"] for t in big["tags"]]
    assert len(weights) == 20 and weights == sorted(weights, reverse=True)
    assert all(0.0 <= w <= 1.0 for w in weights)
    positive_tags = {t for e, v in taste.history if label(e, v) == 1 for t in v.tags}
    assert {t["name"] for t in big["tags"]} <= positive_tags
