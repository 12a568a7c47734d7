"""``rules`` in /api/settings over real HTTP: defaults, the round trip, 400s that name the
bad value and change nothing, and the re-score queued by name on the ml queue (or
recorded as wanted while a refresh holds the user)."""

from __future__ import annotations

import json
import time

import pytest

from store import keys
from tests.web.helpers import log_in

EMPTY = {"authors": [], "words": [], "tags": [], "zones": [], "min_duration_s": None,
         "max_duration_s": None, "hide_vertical": False, "hide_upower": False,
         "min_like_rate": None}
RULES = {"authors": [{"mid": 42, "name": "某UP"}], "words": ["原神", "/第[0-9]+期/"],
         "tags": ["鬼畜"], "zones": ["单机游戏"], "min_duration_s": 60,
         "max_duration_s": 3600, "hide_vertical": True, "hide_upower": True,
         "min_like_rate": 0.01}


def post(web, http, session, body):
    return http.post(f"{web.url}/api/settings", json=body, timeout=10,
                     headers={"X-CSRF-Token": session["csrf_token"]})


def score_messages(redis_client) -> list[list]:
    """The task arguments of bilirec.score_user messages waiting on the ml queue."""
    import base64

    out = []
    for raw in redis_client.lrange("ml", 0, -1):
        doc = json.loads(raw)
        if doc["headers"]["task"] == "bilirec.score_user":
            out.append(json.loads(base64.b64decode(doc["body"]))[0])
    return out


def test_defaults_round_trip_and_no_rescore_before_first_picks(web, sim, store):
    http, session = log_in(web.url, sim)
    got = http.get(f"{web.url}/api/settings", timeout=10).json()
    assert got["rules"] == EMPTY
    resp = post(web, http, session, {"rules": RULES})
    assert resp.status_code == 200 and resp.json()["rules"] == RULES
    assert http.get(f"{web.url}/api/settings", timeout=10).json()["rules"] == RULES
    # Other parts keep the rules; rules replace the whole set.
    assert post(web, http, session, {"toview": {"count": 5}}).json()["rules"] == RULES
    assert post(web, http, session, {"rules": {"tags": ["x"]}}).json()["rules"] == (
        EMPTY | {"tags": ["x"]})
    assert score_messages(store.redis) == []  # no picks yet: the first refresh reads them


@pytest.mark.parametrize(("rules", "named"), [
    ({"words": ["/(?<=a)b/"]}, "/(?<=a)b/"),
    ({"words": ["ok", "/[/"]}, "/[/"),
    ({"words": ["x" * 65]}, "64"),
    ({"tags": ["t"] * 51}, "50"),
    ({"authors": [{"mid": 0, "name": "x"}]}, "mid"),
    ({"min_duration_s": 600, "max_duration_s": 60}, "时长"),
    ({"min_like_rate": -0.1}, "min_like_rate"),
    ({"hide_upower": "yes"}, "hide_upower"),
    ({"unknown": 1}, "rules"),
    ("all", "rules"),
])
def test_bad_rules_are_400_naming_them_and_change_nothing(web, sim, rules, named):
    http, session = log_in(web.url, sim)
    assert post(web, http, session, {"rules": RULES}).status_code == 200
    before = http.get(f"{web.url}/api/settings", timeout=10).json()
    resp = post(web, http, session, {"rules": rules, "toview": {"count": 7}})
    assert resp.status_code == 400 and named in resp.json()["error"], resp.text
    assert http.get(f"{web.url}/api/settings", timeout=10).json() == before


def test_hostile_pattern_is_accepted_quickly(web, sim):
    http, session = log_in(web.url, sim)
    started = time.monotonic()
    resp = post(web, http, session, {"rules": {"words": ["/(a+)+$/", "/(.*a){30}/"]}})
    assert resp.status_code == 200 and time.monotonic() - started < 2.0


def test_saving_rules_queues_a_rescore_or_marks_it_wanted(web, sim, store):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    # Picks exist (as after a first refresh) and no refresh holds the user.
    store.picks.save(mid, "2026-11-27", {"date": "2026-11-27", "hot": [], "explore": []})
    store.redis.delete("ml", "sync_first", "sync", keys.refresh_lock(mid))  # login's refresh
    assert post(web, http, session, {"rules": {"words": ["a"]}}).status_code == 200
    assert [m[0] for m in score_messages(store.redis)] == [mid]
    assert store.locks.held(mid)  # the task's token holds the user until it ends
    status = http.get(f"{web.url}/api/status", timeout=10).json()
    assert "新规则" in status["message"]
    # Saving the same rules again changes nothing and queues nothing.
    assert post(web, http, session, {"rules": {"words": ["a"]}}).status_code == 200
    assert len(score_messages(store.redis)) == 1
    # While a refresh holds the user: nothing more queued, the re-score is recorded.
    store.rules.take_rescore(mid)
    assert post(web, http, session, {"rules": {"words": ["b"]}}).status_code == 200
    assert len(score_messages(store.redis)) == 1
    assert store.rules.take_rescore(mid) is True


def test_rules_need_login_and_csrf(web, sim):
    http, session = log_in(web.url, sim)
    resp = http.post(f"{web.url}/api/settings", json={"rules": RULES}, timeout=10)
    assert resp.status_code == 403
    assert http.get(f"{web.url}/api/settings", timeout=10).json()["rules"] == EMPTY
