"""After an upgrade that moved the stored keys (``store.migrate``, run by ``create_app``):
a feed URL handed out before still serves the user's feed, notices included, and the
cached /api/picks answer is still the one served."""

from __future__ import annotations

import time

import feedparser
import requests

from store import keys
from store.migrate import migrate
from tests.store.test_migrate import MID, TOKEN, old_layout, snapshot
from tests.web.test_feed import save_days
from web.sessions import COOKIE


def test_an_old_feed_url_still_serves_after_the_keys_moved(web_factory, store):
    save_days(store, MID)
    store.redis.delete(keys.picks_rendered_gen(MID))  # the old release's is in old_layout
    old_layout(store, notice_at=time.time())
    session = store.sessions.create(MID)

    web = web_factory()  # the web starts: the keys move
    resp = requests.get(f"{web.url}/feed/{TOKEN}.atom", timeout=10)
    assert resp.status_code == 200
    parsed = feedparser.parse(resp.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    titles = [e.title for e in parsed.entries]
    assert titles[1:] == ["2026-11-27 的推荐（2 个视频）", "2026-11-26 的推荐（2 个视频）"]
    assert "登录" in titles[0]  # the old notice heads the feed
    picks = requests.get(f"{web.url}/api/picks", cookies={COOKIE: session.sid}, timeout=10)
    assert picks.status_code == 200 and picks.content == b'{"hot":[]}'  # the cached answer

    before = snapshot(store)
    assert migrate(store.redis) == 0 and snapshot(store) == before
    assert web_factory().url and snapshot(store) == before  # another start: nothing moves
