"""不感兴趣 with a reason over real HTTP: each reason changes what it says and nothing else
(events, rules, what the reasons taught, the card's state); without one, unchanged."""

from __future__ import annotations

import dataclasses

import pytest

from store import VideoRecord
from tests.web.helpers import log_in

VIDEO = VideoRecord(bvid="BV1xx411c7mD", title="震惊！这个视频", owner_mid=777,
                    owner_name="某UP主", duration=95, tags=("游戏", "攻略"))
DAY = "2026-11-27"


@pytest.fixture
def user(web, sim, store):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    store.videos.put([VIDEO])
    store.picks.save(mid, DAY, {"date": DAY, "hot": [{"bvid": VIDEO.bvid}], "explore": []})
    return http, session, mid


def state(store, mid) -> dict:
    return {
        "events": sorted((e.kind, e.bvid, e.source) for e in store.events.all(mid)),
        "touched": store.events.touched(mid),
        "rules": store.rules.get(mid).to_json(),
        "reasons": dataclasses.asdict(store.feedback.reasons(mid)),
        "feedback": store.feedback.all(mid),
        "answered": store.feedback.clicked(mid),  # never "shown but ignored"
    }


def send(web, http, session, **body):
    return http.post(f"{web.url}/api/feedback", json={"bvid": VIDEO.bvid, **body},
                     headers={"X-CSRF-Token": session["csrf_token"]}, timeout=10)


@pytest.mark.parametrize("reason", [None, "author", "topic", "clickbait", "too_short",
                                    "too_long", "seen"])
def test_each_reason_changes_what_it_says_and_nothing_else(web, store, user, reason):
    http, session, mid = user
    before = state(store, mid)
    body = {"kind": "dislike"} | ({"reason": reason} if reason else {})
    assert send(web, http, session, **body).status_code == 204
    after = state(store, mid)
    expected = {**before, "feedback": {VIDEO.bvid: "dislike"}, "answered": {VIDEO.bvid}}
    if reason is None:  # as before reasons existed
        expected["events"] = [("feedback_dislike", VIDEO.bvid, "web")]
        expected["touched"] = {VIDEO.bvid}
        expected["answered"] = set()  # the dislike event itself keeps it from "shown"
    elif reason == "author":
        expected["rules"] = {**before["rules"], "authors": [{"mid": 777, "name": "某UP主"}]}
    elif reason == "topic":
        expected["reasons"] = {**before["reasons"], "topic_tags": {"游戏": 1, "攻略": 1}}
    elif reason == "clickbait":
        expected["events"] = [("feedback_dislike", VIDEO.bvid, "web:clickbait")]
        expected["touched"] = {VIDEO.bvid}
        assert set(after["reasons"]["clickbait"]) == {777}
        expected["reasons"] = {**before["reasons"], "clickbait": after["reasons"]["clickbait"]}
    elif reason == "too_short":
        expected["reasons"] = {**before["reasons"], "shorter_than": 95}
    elif reason == "too_long":
        expected["reasons"] = {**before["reasons"], "longer_than": 95}
    elif reason == "seen":
        expected["events"] = [("seen", VIDEO.bvid, "web")]
        expected["touched"] = {VIDEO.bvid}
    assert after == expected
    # The card shows it; clear takes the state back.
    picks = http.get(f"{web.url}/api/picks", timeout=10).json()
    assert picks["hot"][0]["feedback"] == "dislike"
    assert send(web, http, session, kind="clear").status_code == 204
    assert store.feedback.all(mid) == {}


def test_duration_bounds_move_and_give_way(store):
    store.feedback.move_duration(1, "too_short", 60)
    store.feedback.move_duration(1, "too_short", 30)  # the bound only moves up
    assert store.feedback.reasons(1).shorter_than == 60
    store.feedback.move_duration(1, "too_long", 1200)
    store.feedback.move_duration(1, "too_long", 1800)  # … and this one only down
    reasons = store.feedback.reasons(1)
    assert (reasons.shorter_than, reasons.longer_than) == (60, 1200)
    store.feedback.move_duration(1, "too_long", 45)  # crosses the lower bound: it goes
    reasons = store.feedback.reasons(1)
    assert (reasons.shorter_than, reasons.longer_than) == (None, 45)


@pytest.mark.parametrize("body", [
    {"kind": "like", "reason": "author"}, {"kind": "clear", "reason": "seen"},
    {"kind": "dislike", "reason": "boring"}, {"kind": "dislike", "reason": None},
    {"kind": "dislike", "reason": ["author"]},
])
def test_bad_reasons_are_400_and_change_nothing(web, store, user, body):
    http, session, mid = user
    before = state(store, mid)
    resp = send(web, http, session, **body)
    assert resp.status_code == 400 and "reason" in resp.json()["error"]
    assert state(store, mid) == before


def test_a_reason_needing_what_is_unknown_is_a_plain_dislike(web, store, user):
    """No UP主, tags or length stored for the video: the reason cannot say more than a
    dislike without one, so that is what it records (never a rule or preference built
    from nothing)."""
    http, session, mid = user
    store.videos.put([dataclasses.replace(VIDEO, tags=None, duration=0, owner_mid=0)])
    before = state(store, mid)
    for reason in ("topic", "too_long", "author", "clickbait"):
        assert send(web, http, session, kind="dislike", reason=reason).status_code == 204
    after = state(store, mid)
    assert (after["rules"], after["reasons"]) == (before["rules"], before["reasons"])
    assert after["feedback"] == {**before["feedback"], VIDEO.bvid: "dislike"}
    assert ("feedback_dislike", VIDEO.bvid, "web") in after["events"]
