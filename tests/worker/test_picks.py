from store import VideoRecord
from worker.picks import pick_json, select, split_candidates


def _rec(bvid, owner=1, source="hot"):
    return VideoRecord(bvid, title=bvid, owner_mid=owner, owner_name=f"u{owner}", source=source)


def test_split_keeps_hot_sources_first_and_explore_off_the_hot_list():
    hot, explore = split_candidates(
        {"hot": [_rec("a")], "weekly": [_rec("a", source="weekly"), _rec("b", source="weekly")]},
        [_rec("b", source="related"), _rec("c", source="feed")],
    )
    assert [(r.bvid, r.source) for r in hot] == [("a", "hot"), ("b", "weekly")]
    assert [r.bvid for r in explore] == ["c"]


def test_select_excludes_caps_authors_and_avoids_recent_unless_short():
    cands = [_rec("a", 1), _rec("b", 1), _rec("c", 1), _rec("d", 2), _rec("e", 3)]
    scores = {"a": 0.9, "b": 0.8, "c": 0.7, "d": 0.6, "e": 0.5}
    chosen = select(cands, scores, n=3, exclude={"d"}, recent=set())
    assert [r.bvid for r in chosen] == ["a", "b", "e"]  # c: third by author 1; d: watched
    chosen = select(cands, scores, n=2, exclude=set(), recent={"a"})
    assert [r.bvid for r in chosen] == ["b", "c"]
    chosen = select(cands[:1], scores, n=2, exclude=set(), recent={"a"})
    assert [r.bvid for r in chosen] == ["a"]  # short list: a recent pick comes back


def test_a_recent_pick_that_fills_a_short_list_takes_its_place_by_score():
    cands = [_rec("a", 1), _rec("b", 2), _rec("c", 3)]
    scores = {"a": 0.9, "b": 0.8, "c": 0.7}
    chosen = select(cands, scores, n=3, exclude=set(), recent={"a"})
    assert [r.bvid for r in chosen] == ["a", "b", "c"]  # best first, not appended last
    chosen = select(cands, scores, n=2, exclude=set(), recent={"a"})
    assert [r.bvid for r in chosen] == ["b", "c"]  # not short: the recent pick stays out


def test_pick_json_shape():
    pick = pick_json(_rec("BV1xx411c7mD", source="related"), 150, ["理由"])
    assert set(pick) == {"bvid", "title", "cover", "author", "duration", "stats", "rating",
                         "reasons", "source"}
    assert pick["rating"] == 100 and pick["source"] == "related"
    assert set(pick["stats"]) == {"view", "like", "coin", "favorite"}
