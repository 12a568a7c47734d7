"""The secret Atom feed: valid Atom 1.0, rotation kills the old URL, logout kills it too;
a dead login is one entry at its top (and one push message)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace

import feedparser
import pytest
import requests

from store.atom import Notice
from tests.support import start_worker, stop_worker, wait_for
from tests.web.helpers import log_in
from tests.web.test_picks_api import PICK
from tests.worker.receiver import Receiver
from web import atom


def save_days(store, mid: int) -> None:
    for day, title in (("2026-11-26", "昨天的<视频> & 更多"), ("2026-11-27", "今天的视频")):
        store.picks.save(mid, day, {
            "date": day, "generated_at": f"{day}T06:00:00+08:00",
            "hot": [{**PICK, "title": title}], "explore": [{**PICK, "bvid": "BV1sK4y147ob"}],
        })


def test_feed_is_valid_atom_with_one_entry_per_day(web, sim, store):
    http, session = log_in(web.url, sim)
    save_days(store, session["mid"])
    url = http.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"]
    assert url.startswith(f"{web.url}/feed/") and url.endswith(".atom")
    resp = requests.get(url, timeout=10)  # no cookie
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(resp.content)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert [e.title for e in parsed.entries] == ["2026-11-27 的推荐（2 个视频）",
                                                 "2026-11-26 的推荐（2 个视频）"]
    content = parsed.entries[1].content[0].value
    assert "昨天的&lt;视频&gt; &amp; 更多" in content
    assert "https://i0.hdslb.com/a.jpg@320w_200h_1c.webp" in content  # http → https, thumbnail
    assert "https://www.bilibili.com/video/BV1xx411c7mD" in content


def test_rotation_refuses_the_old_token_and_logout_kills_the_feed(web, sim, store):
    http, session = log_in(web.url, sim)
    save_days(store, session["mid"])
    old = http.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"]
    assert http.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"] == old
    csrf = {"X-CSRF-Token": session["csrf_token"]}
    assert http.post(f"{web.url}/api/feed/rotate", timeout=10).status_code == 403
    new = http.post(f"{web.url}/api/feed/rotate", headers=csrf, timeout=10).json()["feed_url"]
    assert new != old
    gone = requests.get(old, timeout=10)
    assert gone.status_code == 404 and gone.json()["error"]
    assert requests.get(new, timeout=10).status_code == 200
    assert http.post(f"{web.url}/api/logout", headers=csrf, timeout=10).status_code == 204
    assert requests.get(new, timeout=10).status_code == 404
    assert not [k for k in store.redis.scan_iter("atom:*")]


def test_feed_links_use_the_public_url(web_factory, sim, store):
    web = web_factory(public_url="https://rec.example.org")
    http, session = log_in(web.url, sim)
    save_days(store, session["mid"])
    url = http.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"]
    assert url.startswith("https://rec.example.org/feed/")
    body = requests.get(web.url + url[len("https://rec.example.org"):], timeout=10).content
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0 and parsed.feed.link == "https://rec.example.org/"


def test_settings_needs_a_user_and_unknown_tokens_are_404(web):
    assert requests.get(f"{web.url}/api/settings", timeout=10).status_code == 401
    assert requests.get(f"{web.url}/feed/nope.atom", timeout=10).status_code == 404
    assert requests.get(f"{web.url}/feed/{'x' * 200}.atom", timeout=10).status_code == 404


def test_a_notice_goes_among_the_days_by_time():
    docs = [{"date": d, "generated_at": f"{d}T06:00:00+08:00", "hot": [], "explore": []}
            for d in ("2026-11-27", "2026-11-26")]
    at = dt.datetime.fromisoformat("2026-11-26T12:00:00+08:00").timestamp()
    tz = zoneinfo.ZoneInfo("Asia/Shanghai")
    body = atom.feed(docs, self_url="https://x/feed/t.atom", page_url="https://x/", tz=tz,
                     notices=[Notice("login_expired", at, login_at=5.0)])
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0
    assert [e.title for e in parsed.entries] == [
        "2026-11-27 的推荐（0 个视频）", atom.LOGIN_EXPIRED_TITLE, "2026-11-26 的推荐（0 个视频）"]
    alone = feedparser.parse(atom.feed(docs, self_url="https://x/feed/t.atom",
                                       page_url="https://x/", tz=tz, notices=[
                                           Notice("login_expired", at + 86400 * 2, 5.0)]))
    assert alone.entries[0].title == atom.LOGIN_EXPIRED_TITLE
    assert alone.feed.updated == alone.entries[0].updated


@pytest.mark.integration
def test_a_dead_login_heads_the_feed_and_reaches_the_push_target_once(
        web_factory, sim, store, fast_settings):
    """bilibili ends the session: the page says so, the push target gets one 登录已失效
    with the page's address, and the feed gets one entry at its top."""
    web = web_factory(push_allow_private=True)
    receiver = Receiver()
    worker = None
    try:
        mid = sim("GET", "/users").json()[2]["mid"]
        http, session = log_in(web.url, sim, mid=mid)  # queues the first refresh
        save_days(store, mid)
        csrf = {"X-CSRF-Token": session["csrf_token"]}
        assert http.post(f"{web.url}/api/settings", headers=csrf, timeout=10, json={
            "push": {"kind": "json", "url": receiver.url + "/json/K"}}).ok
        feed_url = http.get(f"{web.url}/api/settings", timeout=10).json()["feed_url"]
        assert sim("POST", "/session/expire", json={"mid": mid}).ok
        worker = start_worker(replace(fast_settings, push_allow_private=True))
        got = wait_for(lambda: receiver.on("/json"), timeout_s=90, what="the 登录已失效 push")
        message = got[0].json()
        assert message["kind"] == "login_expired" and "登录已失效" in message["title"]
        assert message["url"] == f"{web.url}/" and f"{web.url}/" in message["body"]
        status = http.get(f"{web.url}/api/status", timeout=10).json()
        assert status["state"] == "login_expired"
        entries = feedparser.parse(requests.get(feed_url, timeout=10).content).entries
        assert entries[0].title == atom.LOGIN_EXPIRED_TITLE
        assert entries[0].link == f"{web.url}/"
        assert [e.title for e in entries].count(atom.LOGIN_EXPIRED_TITLE) == 1
        # A test message queued behind it arrives; no second 登录已失效 came before it.
        assert http.post(f"{web.url}/api/push/test", headers=csrf, timeout=10).status_code == 202
        wait_for(lambda: len(receiver.on("/json")) == 2, timeout_s=30, what="the test message")
        assert [r.json()["kind"] for r in receiver.on("/json")] == ["login_expired", "test"]
    finally:
        if worker is not None:
            stop_worker(worker)
        receiver.stop()
