"""/api/picks, /api/feedback and /api/profile read and write the store as docs/api.md says."""

import pytest
import requests

from store import ModelMeta
from tests.web.helpers import log_in
from web.fast_picks import LATEST

PICK = {
    "bvid": "BV1xx411c7mD", "title": "标题", "cover": "http://i0.hdslb.com/a.jpg",
    "author": {"mid": 5, "name": "UP"}, "duration": 61,
    "stats": {"view": 1, "like": 2, "coin": 3, "favorite": 4}, "rating": 88,
    "reasons": ["你常看的标签：原神"], "source": "hot",
}


def test_picks_latest_and_by_date(web, sim, store):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    store.picks.save(mid, "2026-11-26", {"date": "2026-11-26", "generated_at": "x",
                                         "hot": [], "explore": []})
    store.picks.save(mid, "2026-11-27", {"date": "2026-11-27",
                                         "generated_at": "2026-11-27T06:00:00+08:00",
                                         "hot": [PICK], "explore": []})
    body = http.get(f"{web.url}/api/picks", timeout=10).json()
    assert body == {"date": "2026-11-27", "generated_at": "2026-11-27T06:00:00+08:00",
                    "hot": [{**PICK, "feedback": None}], "explore": [],
                    "filtered": 0}  # picks stored before rules existed filtered nothing
    assert http.get(f"{web.url}/api/days", timeout=10).json() == {
        "dates": ["2026-11-27", "2026-11-26"]}
    older = http.get(f"{web.url}/api/picks", params={"date": "2026-11-26"}, timeout=10)
    assert older.json()["date"] == "2026-11-26"
    assert http.get(f"{web.url}/api/picks", params={"date": "2020-01-01"},
                    timeout=10).status_code == 404
    assert http.get(f"{web.url}/api/picks", params={"date": "yesterday"},
                    timeout=10).status_code == 400


@pytest.mark.parametrize(
    ("body", "status"),
    [({"bvid": "BV1xx411c7mD", "kind": "like"}, 204),
     ({"bvid": "BV1xx411c7mD", "kind": "dislike"}, 204),
     ({"bvid": "BV1xx411c7m0", "kind": "like"}, 400),  # 0 is not base58
     ({"bvid": "av170001", "kind": "like"}, 400),
     ({"bvid": "BV1xx411c7mD", "kind": "love"}, 400),
     ({"bvid": "BV1xx411c7mD", "kind": "click"}, 204),
     ({"bvid": "BV1xx411c7mD", "kind": "clear"}, 204),
     ({"bvid": "BV1xx411c7mD"}, 400),
     ([1, 2], 400)],
)
def test_feedback(web, sim, store, body, status):
    http, session = log_in(web.url, sim)
    store.picks.save(session["mid"], "2026-11-27", {"date": "2026-11-27", "hot": [PICK],
                                                    "explore": []})
    resp = http.post(f"{web.url}/api/feedback", json=body,
                     headers={"X-CSRF-Token": session["csrf_token"]}, timeout=10)
    assert resp.status_code == status
    events = store.events.all(session["mid"])
    if status == 204 and body["kind"] in ("click", "clear"):
        assert events == []  # neither is a training event by itself
    elif status == 204:
        assert [(e.kind, e.bvid) for e in events] == [(f"feedback_{body['kind']}", body["bvid"])]
    else:
        assert resp.json()["error"] and events == []


def test_feedback_needs_csrf(web, sim):
    http, _ = log_in(web.url, sim)
    resp = http.post(f"{web.url}/api/feedback", json={"bvid": "BV1xx411c7mD", "kind": "like"},
                     timeout=10)
    assert resp.status_code == 403


def test_profile_before_and_after_a_model(web, sim, store):
    http, session = log_in(web.url, sim)
    assert http.get(f"{web.url}/api/profile", timeout=10).json() == {
        "tags": [], "authors": [], "events": 0, "model": None
    }
    mid = session["mid"]
    # Trained at a fraction of a second: the answer still gives whole seconds (docs/api.md).
    store.models.save(mid, b"w", ModelMeta(1764280800.625, 0.75, 1, 3, 3))
    store.models.save_profile(mid, {"tags": [{"name": "原神", "weight": 0.9, "count": 4}],
                                    "authors": [{"mid": 5, "name": "UP", "weight": 0.5}]})
    body = http.get(f"{web.url}/api/profile", timeout=10).json()
    assert body["tags"] == [{"name": "原神", "weight": 0.9}]
    assert body["authors"] == [{"mid": 5, "name": "UP", "weight": 0.5}]
    assert body["model"] == {
        "trained_at": "2025-11-28T06:00:00+08:00", "auc": 0.75, "version": 1
    }


def test_feedback_shows_in_picks_at_read_time_and_clear_takes_it_back(web, sim, store):
    http, session = log_in(web.url, sim)
    mid, csrf = session["mid"], {"X-CSRF-Token": session["csrf_token"]}
    other = {**PICK, "bvid": "BV1sK4y147ob", "source": "related"}
    store.picks.save(mid, "2026-11-27", {"date": "2026-11-27", "generated_at": "g1",
                                         "hot": [PICK], "explore": [other]})

    def feedback_of() -> dict:
        body = http.get(f"{web.url}/api/picks", timeout=10).json()
        return {p["bvid"]: p["feedback"] for p in body["hot"] + body["explore"]}

    assert feedback_of() == {"BV1xx411c7mD": None, "BV1sK4y147ob": None}
    for bvid, kind in (("BV1xx411c7mD", "dislike"), ("BV1sK4y147ob", "like")):
        assert http.post(f"{web.url}/api/feedback", json={"bvid": bvid, "kind": kind},
                         headers=csrf, timeout=10).status_code == 204
    assert feedback_of() == {"BV1xx411c7mD": "dislike", "BV1sK4y147ob": "like"}
    assert http.post(f"{web.url}/api/feedback", json={"bvid": "BV1xx411c7mD", "kind": "clear"},
                     headers=csrf, timeout=10).status_code == 204
    assert feedback_of() == {"BV1xx411c7mD": None, "BV1sK4y147ob": "like"}
    assert http.post(f"{web.url}/api/feedback", json={"bvid": "BV1sK4y147ob", "kind": "click"},
                     headers=csrf, timeout=10).status_code == 204
    assert store.feedback.clicked(mid) == {"BV1sK4y147ob"}
    assert {e.kind for e in store.events.all(mid)} == {"feedback_dislike", "feedback_like"}


def test_cached_picks_answer_follows_new_picks(web, sim, store):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    store.picks.save(mid, "2026-11-27", {"date": "2026-11-27", "generated_at": "g1",
                                         "hot": [PICK], "explore": []})
    rendered = http.get(f"{web.url}/api/picks", timeout=10)  # by Flask
    first = rendered.json()
    assert store.rendered.get(mid, LATEST)[0] is not None  # the answer is cached
    served = http.get(f"{web.url}/api/picks", timeout=10)  # by FastPicks, as Flask would
    assert served.content == rendered.content
    assert {**served.headers, "Date": ""} == {**rendered.headers, "Date": ""}
    store.picks.save(mid, "2026-11-27", {"date": "2026-11-27", "generated_at": "g2",
                                         "hot": [], "explore": [PICK]})
    second = http.get(f"{web.url}/api/picks", timeout=10).json()
    assert (first["generated_at"], second["generated_at"]) == ("g1", "g2")
    assert second["explore"][0]["bvid"] == PICK["bvid"] and second["hot"] == []


def test_covers_may_come_from_the_image_origin(web_factory):
    web = web_factory(image_origin="http://127.0.0.1:18346")
    policy = requests.get(f"{web.url}/healthz", timeout=10).headers["Content-Security-Policy"]
    img_src = next(p for p in policy.split(";") if p.strip().startswith("img-src"))
    assert "http://127.0.0.1:18346" in img_src.split() and "https://*.hdslb.com" in img_src
