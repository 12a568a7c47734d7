"""What a logged-in user, a forged header or a changed allow-list can reach (issue 15,
item 8): feedback only for videos the user was shown, at a bounded rate; absolute links
never built from a forged Host; a mid taken off BILIREC_ALLOWED_MIDS is logged out at its
next request; an unreadable stored value does not make logout a 500."""

from __future__ import annotations

import datetime as dt
import urllib.parse

import requests

from store import BehaviourEvent
from tests.web.helpers import log_in

SHOWN_TODAY = "BV1AAAAAAAAA"
SHOWN_EARLIER = "BV1BBBBBBBBB"
WATCHED = "BV1CCCCCCCCC"
NEVER_SHOWN = "BV1DDDDDDDDD"


def _picks(day: dt.date, bvid: str) -> dict:
    return {"date": day.isoformat(), "generated_at": f"{day.isoformat()}T06:00:00+08:00",
            "hot": [{"bvid": bvid, "title": "推荐"}], "explore": []}


def test_feedback_only_for_videos_the_user_was_shown_or_has_events_for(web, sim, store):
    http, session = log_in(web.url, sim)
    mid, csrf = session["mid"], {"X-CSRF-Token": session["csrf_token"]}
    today = dt.date(2026, 11, 29)
    store.picks.save(mid, (today - dt.timedelta(days=20)).isoformat(),
                     _picks(today - dt.timedelta(days=20), SHOWN_EARLIER))
    store.picks.save(mid, today.isoformat(), _picks(today, SHOWN_TODAY))
    store.events.append(mid, [BehaviourEvent("watch", WATCHED, 1)])

    def send(bvid: str, kind: str = "like") -> int:
        return http.post(f"{web.url}/api/feedback", json={"bvid": bvid, "kind": kind},
                         headers=csrf, timeout=10).status_code

    assert [send(b) for b in (SHOWN_TODAY, SHOWN_EARLIER, WATCHED)] == [204, 204, 204]
    before = store.events.count(mid)
    resp = http.post(f"{web.url}/api/feedback", json={"bvid": NEVER_SHOWN, "kind": "dislike"},
                     headers=csrf, timeout=10)
    assert resp.status_code == 404 and resp.json()["error"]
    assert send(NEVER_SHOWN, "click") == 404
    assert store.events.count(mid) == before
    assert NEVER_SHOWN not in store.feedback.clicked(mid)


def test_feedback_is_rate_limited_per_user(web_factory, sim, store):
    web = web_factory(feedback_per_min=3)
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    store.picks.save(mid, "2026-11-29", _picks(dt.date(2026, 11, 29), SHOWN_TODAY))
    while True:
        window = int(dt.datetime.now().timestamp() // 60)
        answers = [http.post(f"{web.url}/api/feedback", json={"bvid": SHOWN_TODAY,
                                                              "kind": "click"},
                             headers={"X-CSRF-Token": session["csrf_token"]}, timeout=10)
                   for _ in range(4)]
        if int(dt.datetime.now().timestamp() // 60) == window:
            break
        store.redis.delete(*store.redis.keys(f"user:{mid}:rate:*"))
    assert [a.status_code for a in answers] == [204, 204, 204, 429]
    assert int(answers[3].headers["Retry-After"]) in range(1, 61)
    assert answers[3].json()["error"]
    # Another user has an allowance of their own.
    other_http, other = log_in(web.url, sim, mid=sim("GET", "/users").json()[1]["mid"])
    store.picks.save(other["mid"], "2026-11-29", _picks(dt.date(2026, 11, 29), SHOWN_TODAY))
    resp = other_http.post(f"{web.url}/api/feedback", json={"bvid": SHOWN_TODAY, "kind": "click"},
                           headers={"X-CSRF-Token": other["csrf_token"]}, timeout=10)
    assert resp.status_code == 204


def _feed_url(http: requests.Session, web, host: str | None) -> str:
    # The cookie by hand: requests matches cookies against a Host header it is given.
    headers = {"Cookie": f"bilirec_session={http.cookies['bilirec_session']}"}
    if host:
        headers["Host"] = host
    resp = requests.get(f"{web.url}/api/settings", headers=headers, timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["feed_url"]


def test_feed_url_never_follows_a_forged_host(web_factory, sim):
    web = web_factory()
    http, _ = log_in(web.url, sim)
    port = web.url.rsplit(":", 1)[1]
    assert _feed_url(http, web, None).startswith(f"{web.url}/feed/")
    assert _feed_url(http, web, f"localhost:{port}").startswith(f"http://localhost:{port}/feed/")
    for forged in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example",
                   "rec.lan", "[::1]@evil.example"):
        url = _feed_url(http, web, forged)
        assert "evil" not in url and "rec.lan" not in url, (forged, url)
        assert url.startswith("http://127.0.0.1:")

    allowed = web_factory(allowed_hosts=frozenset({"rec.lan"}))
    http, _ = log_in(allowed.url, sim, http=requests.Session())
    assert _feed_url(http, allowed, "rec.lan:8080").startswith("http://rec.lan:8080/feed/")
    assert "evil" not in _feed_url(http, allowed, "evil.example")

    public = web_factory(public_url="https://rec.example.org")
    http, _ = log_in(public.url, sim, http=requests.Session())
    assert _feed_url(http, public, "evil.example").startswith("https://rec.example.org/feed/")


def test_a_mid_taken_off_the_allow_list_is_logged_out_at_its_next_request(
        web_factory, sim, store):
    users = sim("GET", "/users").json()
    kept, dropped = users[0]["mid"], users[1]["mid"]
    before = web_factory()
    http, session = log_in(before.url, sim, mid=dropped)
    store.picks.save(dropped, "2026-11-29", _picks(dt.date(2026, 11, 29), SHOWN_TODAY))
    assert http.get(f"{before.url}/api/picks", timeout=10).status_code == 200  # now cached
    feed_path = urllib.parse.urlsplit(http.get(f"{before.url}/api/settings", timeout=10)
                                      .json()["feed_url"]).path
    assert requests.get(f"{before.url}{feed_path}", timeout=10).status_code == 200

    after = web_factory(allowed_mids=frozenset({kept}))  # the operator's new list
    assert http.get(f"{after.url}/api/session", timeout=10).json()["logged_in"] is False
    for path in ("/api/picks", "/api/status", "/api/settings", "/api/days"):
        assert http.get(f"{after.url}{path}", timeout=10).status_code == 401, path
    resp = http.post(f"{after.url}/api/refresh", headers={"X-CSRF-Token": session["csrf_token"]},
                     timeout=10)
    assert resp.status_code == 401
    assert requests.get(f"{after.url}{feed_path}", timeout=10).status_code == 404  # no feed


def test_unreadable_credentials_do_not_make_logout_a_500(web, sim, store):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    cipher = store.credentials._cipher
    store.redis.set(f"user:{mid}:cred", cipher.encrypt(b'{"v": 99, "cookies": {}}'))
    resp = http.post(f"{web.url}/api/logout", headers={"X-CSRF-Token": session["csrf_token"]},
                     timeout=10)
    assert resp.status_code == 204
    assert not store.redis.exists(f"user:{mid}:cred") and not store.users.is_active(mid)
    assert http.get(f"{web.url}/api/session", timeout=10).json()["logged_in"] is False
