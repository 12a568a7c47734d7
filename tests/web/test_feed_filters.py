"""``/feed/<token>.atom?list=hot|explore&min_rating=N``: one list, picks rated at least N,
still valid Atom with ids of its own; 400 for bad values."""

from __future__ import annotations

import feedparser
import pytest
import requests

from tests.web.helpers import log_in
from tests.web.test_picks_api import PICK


def pick(bvid: str, rating: int, title: str) -> dict:
    return {**PICK, "bvid": bvid, "rating": rating, "title": title}


@pytest.fixture
def feed(web, sim, store) -> str:
    http, session = log_in(web.url, sim)
    store.picks.save(session["mid"], "2026-11-27", {
        "date": "2026-11-27", "generated_at": "2026-11-27T06:00:00+08:00",
        "hot": [pick("BV1xx411c7mD", 90, "热门高分"), pick("BV1xx411c7mE", 40, "热门低分")],
        "explore": [pick("BV1sK4y147ob", 75, "探索高分"), pick("BV1sK4y147oc", 10, "探索低分")],
    })
    return http.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"]


def titles(url: str, **params: str) -> tuple[list[str], feedparser.FeedParserDict]:
    resp = requests.get(url, params=params, timeout=10)
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith(
        "application/atom+xml")
    parsed = feedparser.parse(resp.content)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    content = parsed.entries[0].content[0].value
    found = [t for t in ("热门高分", "热门低分", "探索高分", "探索低分") if t in content]
    return found, parsed


def test_lists_and_ratings_narrow_the_feed(feed):
    everything, whole = titles(feed)
    assert everything == ["热门高分", "热门低分", "探索高分", "探索低分"]
    hot, parsed = titles(feed, list="hot")
    assert hot == ["热门高分", "热门低分"] and "热门精选" in parsed.feed.title
    assert "兴趣探索" not in parsed.entries[0].content[0].value
    assert parsed.entries[0].id != whole.entries[0].id  # a feed of its own
    assert titles(feed, list="explore")[0] == ["探索高分", "探索低分"]
    assert titles(feed, min_rating="75")[0] == ["热门高分", "探索高分"]
    assert titles(feed, list="explore", min_rating="50")[0] == ["探索高分"]
    assert titles(feed, min_rating="0")[0] == everything
    empty, parsed = titles(feed, min_rating="100")
    assert empty == [] and "没有推荐" in parsed.entries[0].content[0].value
    assert "（0 个视频）" in parsed.entries[0].title


@pytest.mark.parametrize("query", [
    "list=all", "list=", "list=HOT", "min_rating=abc", "min_rating=-1", "min_rating=101",
    "min_rating=5.5", "min_rating=", "min_rating=%EF%BC%95", "list=hot&list=explore",
    "min_rating=1&min_rating=2", "min_rating=0000000050",
])
def test_bad_values_are_400(feed, query):
    resp = requests.get(f"{feed}?{query}", timeout=10)
    assert resp.status_code == 400 and resp.json()["error"], query


def test_unknown_token_is_404_whatever_the_query(web):
    resp = requests.get(f"{web.url}/feed/{'a' * 32}.atom?list=hot", timeout=10)
    assert resp.status_code == 404
