"""Rules act before selection, through the real web and a real worker: after saving, the
re-scored picks hold no video a rule matches, both lists stay 20 long, ``filtered``
counts what the rules removed, and the re-score asked bilibili nothing."""

from __future__ import annotations

import re
import time
from dataclasses import replace

import pytest
import requests

from store import VideoRecord
from store.rules import Rules, parse_rules
from tests.support import start_worker, stop_worker, wait_for
from tests.web.helpers import log_in
from worker.convert import merge_events
from worker.dislikes import factor
from worker.filters import RuleFilter, build, short_message
from worker.sources import HOT_SOURCES

# Every candidate gets its details (tags, 充电专属) and every watched video its metadata in
# the first run, so the truth of each pick is known and no backfill run follows.
DETAILED = {
    "hot_pool_cap": 80, "user_pool_cap": 160, "tag_fetch_per_pool": 80,
    "user_tag_fetch": 160, "first_user_tag_fetch": 160, "first_sync_metadata": 3000,
    "metadata_per_sync": 3000, "ranking_rids": (0,),
}


def record(**kw) -> VideoRecord:
    base = {"bvid": "BV1xx411c7mD", "title": "标题", "owner_mid": 1, "duration": 300,
            "view": 1000, "like": 50, "tags": ("游戏",), "tname": "单机游戏",
            "tname_v2": "单机游戏"}
    return VideoRecord(**(base | kw))


def test_each_filter_matches_what_it_says():
    cases = [
        ({"authors": [{"mid": 7, "name": "x"}]}, record(owner_mid=7), record(owner_mid=8)),
        ({"words": ["原神"]}, record(title="今天玩原神"), record(title="今天玩别的")),
        ({"words": ["GTA"]}, record(title="gta5 实况"), record(title="实况")),
        ({"words": ["/第[0-9]+期/"]}, record(title="周报第12期"), record(title="周报第十期")),
        ({"tags": ["鬼畜"]}, record(tags=("鬼畜", "音MAD")), record(tags=None)),
        ({"zones": ["人力VOCALOID"]}, record(tname="原创音乐", tname_v2="人力VOCALOID"),
         record(tname="原创音乐", tname_v2="")),
        ({"zones": ["原创音乐"]}, record(tname="原创音乐"), record(tname="翻唱")),
        ({"min_duration_s": 60}, record(duration=30), record(duration=0)),
        ({"max_duration_s": 600}, record(duration=601), record(duration=600)),
        ({"hide_vertical": True}, record(vertical=True), record(vertical=None)),
        ({"hide_upower": True}, record(upower=True), record(upower=None)),
        ({"min_like_rate": 0.05}, record(view=1000, like=10), record(view=1000, like=0)),
    ]
    for body, matched, kept in cases:
        filters = build(parse_rules(body))
        assert len(filters) == 1, body
        assert filters[0].matches(matched) and not filters[0].matches(kept), body
    assert build(Rules()) == []


def test_a_hostile_pattern_stays_linear():
    rule = RuleFilter.of(parse_rules({"words": ["/(a+)+$/", "/(x+x+)+y/"]}))
    titles = ["a" * 50_000 + "!", "x" * 50_000, "普通标题"] * 20
    started = time.monotonic()
    kept = rule.keep([record(bvid=f"BV1xx411c7m{i % 9 + 1}", title=t)
                      for i, t in enumerate(titles)])
    assert time.monotonic() - started < 2.0
    assert {r.title for r in kept} == set(titles)  # none of them ends in a's or has a y


def test_removed_counts_only_what_could_have_been_picked():
    rule = RuleFilter.of(parse_rules({"hide_vertical": True}), ignore={"BV1xx411c7m1"})
    pool = [record(bvid="BV1xx411c7m1", vertical=True), record(bvid="BV1xx411c7m2",
                                                               vertical=True),
            record(bvid="BV1xx411c7m3", vertical=False)]
    assert [r.bvid for r in rule.keep(pool)] == ["BV1xx411c7m3"]
    assert rule.removed == {"BV1xx411c7m2"}
    doc = {"hot": [{}] * 20, "explore": [{}] * 3, "filtered": 2}
    assert short_message(doc, 20) == "按你的规则过滤后候选视频不够：兴趣探索只有 3 个"
    assert short_message({"hot": [{}] * 20, "explore": [{}] * 20}, 20) == ""


# --- end to end ---------------------------------------------------------------------------


def _candidates(store, mid) -> dict[str, VideoRecord]:
    _, hot = store.pools.hot_many(HOT_SOURCES)
    out = {r.bvid: r for pool in hot.values() for r in pool}
    return out | {r.bvid: r for r in store.pools.user(mid)}


def _picks(http, web) -> dict:
    return http.get(f"{web.url}/api/picks", timeout=10).json()


def _rule_for(kind: str, picks: dict, cands: dict[str, VideoRecord]) -> dict:
    """A rule of ``kind`` that matches some of today's picks."""
    chosen = [cands[p["bvid"]] for s in ("hot", "explore") for p in picks[s]]
    if kind == "authors":
        return {"authors": [{"mid": r.owner_mid, "name": r.owner_name} for r in chosen[::7]]}
    if kind == "words":
        # a plain word from one title, a pattern for another's start, and a hostile one
        return {"words": [chosen[0].title[-4:], f"/^{re.escape(chosen[1].title[:2])}/",
                          "/(a+)+$/"]}
    if kind == "tags":
        return {"tags": [next(t for r in chosen for t in r.tags or ())]}
    if kind == "zones":
        return {"zones": [chosen[0].tname, next(r.tname_v2 for r in chosen[1:] if r.tname_v2)]}
    if kind == "duration":
        durations = sorted(r.duration for r in chosen)
        return {"min_duration_s": durations[5], "max_duration_s": durations[-5]}
    if kind == "vertical":
        return {"hide_vertical": True}
    if kind == "upower":
        return {"hide_upower": True}
    rates = sorted(r.like / r.view for r in chosen if r.view and r.like)
    return {"min_like_rate": rates[len(rates) // 4]}


@pytest.mark.integration
def test_every_rule_kind_re_scores_from_stored_pools(web, sim, store, fast_settings,
                                                      simulator_url):
    worker = start_worker(replace(fast_settings, **DETAILED))
    try:
        _run_every_rule_kind(web, sim, store, simulator_url)
    finally:
        stop_worker(worker)


def _run_every_rule_kind(web, sim, store, simulator_url):
    http, session = log_in(web.url, sim)
    mid = session["mid"]
    headers = {"X-CSRF-Token": session["csrf_token"]}
    # The first picks, and the same day's re-score once the hot pools' details are in
    # (that pass asks bilibili; the re-scores below must not).
    wait_for(lambda: store.picks.latest_date(mid) and store.pools.tags_done()
             and not store.locks.held(mid), timeout_s=240, what="the first picks")
    cands = _candidates(store, mid)

    def truth(bvid: str) -> dict:
        return requests.get(f"{simulator_url}/x/web-interface/view", params={"bvid": bvid},
                            timeout=5).json()["data"]

    timings = []
    for kind in ("authors", "words", "tags", "zones", "duration", "vertical", "upower",
                 "like_rate"):
        before = _picks(http, web)
        body = _rule_for(kind, before, cands)
        sim("POST", "/counters/reset")
        started = time.monotonic()
        resp = http.post(f"{web.url}/api/settings", json={"rules": body}, headers=headers,
                         timeout=10)
        assert resp.status_code == 200, resp.text
        assert resp.json()["rules"] == parse_rules(body).to_json()
        after = wait_for(lambda b=before: (p := _picks(http, web))["generated_at"] !=
                         b["generated_at"] and p, timeout_s=10, what=f"re-scored ({kind})")
        timings.append(time.monotonic() - started)
        wait_for(lambda: not store.locks.held(mid), timeout_s=10, what="the re-score ends")
        assert sim("GET", "/counters").json()["total"] == 0, kind  # nothing asked of bilibili
        assert len(after["hot"]) == 20 and len(after["explore"]) == 20, kind
        rule = RuleFilter.of(parse_rules(body))
        picked = [cands[p["bvid"]] for s in ("hot", "explore") for p in after[s]]
        assert not [r.bvid for r in picked if rule.matches(r)], kind
        removed = [r for r in cands.values() if rule.matches(r)]
        assert 0 < after["filtered"] <= len(removed), kind
        if kind in ("vertical", "upower"):  # against the simulator's own answers
            field = "is_upower_exclusive" if kind == "upower" else "is_story"
            assert not [r.bvid for r in picked if truth(r.bvid)[field]], kind
    print(f"re-score after saving rules: max {max(timings):.2f} s, "
          f"mean {sum(timings) / len(timings):.2f} s")

    # Rules that leave too little: the lists come out short and the status says why.
    before = _picks(http, web)
    resp = http.post(f"{web.url}/api/settings", headers=headers, timeout=10,
                     json={"rules": {"min_duration_s": 20 * 3600}})
    assert resp.status_code == 200
    short = wait_for(lambda: (p := _picks(http, web))["generated_at"] != before[
        "generated_at"] and p, timeout_s=10, what="re-scored short")
    assert len(short["hot"]) < 20 and short["filtered"] > 0
    # Scored from complete pools, short or not: nothing queues another re-score of them
    # (an empty 热门精选 once counted as pools missing, and re-scored itself in a loop).
    assert store.pools.scored_complete(mid, short["date"]) is True
    status = wait_for(lambda: (s := http.get(f"{web.url}/api/status", timeout=10).json())[
        "state"] == "ready" and s, timeout_s=10, what="ready")
    assert "候选视频不够" in status["message"]
    # No rules: nothing filtered, full lists again.
    before = short
    assert http.post(f"{web.url}/api/settings", headers=headers, timeout=10,
                     json={"rules": {}}).status_code == 200
    cleared = wait_for(lambda: (p := _picks(http, web))["generated_at"] != before[
        "generated_at"] and p, timeout_s=10, what="re-scored without rules")
    assert cleared["filtered"] == 0 and len(cleared["hot"]) == 20
    _dislike_reasons(web, http, headers, store, mid, cleared, cands)


def _dislike_reasons(web, http, headers, store, mid, current, cands):
    """不感兴趣 with a reason, through the web and the worker."""

    def dislike(bvid: str, reason: str) -> None:
        resp = http.post(f"{web.url}/api/feedback", headers=headers, timeout=10,
                         json={"bvid": bvid, "kind": "dislike", "reason": reason})
        assert resp.status_code == 204, resp.text

    def newer(before: dict) -> dict:
        return wait_for(lambda: (p := _picks(http, web))["generated_at"] != before[
            "generated_at"] and p, timeout_s=10, what="re-scored")

    # 不看这个UP主: a rule, so today's picks lose the UP主 at once.
    target = current["hot"][0]["author"]
    dislike(current["hot"][0]["bvid"], "author")
    blocked = newer(current)
    assert target["mid"] not in {p["author"]["mid"] for s in ("hot", "explore")
                                 for p in blocked[s]}
    assert len(blocked["hot"]) == 20 and len(blocked["explore"]) == 20
    # 不想看这类内容 and 看过了 on two other picks; the next scoring drops both videos,
    # blocks no UP主, and leaves the first one's UP主's other-tag videos untouched.
    topic, seen = blocked["explore"][0], blocked["hot"][1]
    dislike(topic["bvid"], "topic")
    dislike(seen["bvid"], "seen")
    wait_for(lambda: not store.locks.held(mid), timeout_s=10, what="the re-score ends")
    rules = http.get(f"{web.url}/api/settings", timeout=10).json()["rules"]
    assert rules["authors"] == [target]  # visible (and removable) in the rules
    assert http.post(f"{web.url}/api/settings", headers=headers, timeout=10,
                     json={"rules": rules | {"words": ["不会出现的词"]}}).status_code == 200
    after = newer(blocked)
    shown = {p["bvid"] for s in ("hot", "explore") for p in after[s]}
    assert topic["bvid"] not in shown and seen["bvid"] not in shown
    assert [a.mid for a in store.rules.get(mid).authors] == [target["mid"]]
    reasons = store.feedback.reasons(mid)
    disliked_tags = set(cands[topic["bvid"]].tags or ())
    assert set(reasons.topic_tags) == disliked_tags
    same_author = [r for r in cands.values() if r.owner_mid == topic["author"]["mid"]
                   and r.bvid != topic["bvid"] and not set(r.tags or ()) & disliked_tags]
    assert all(factor(r, reasons) == 1.0 for r in same_author)
    # 看过了 is watched, never a label: no example of it for the model.
    assert seen["bvid"] in store.events.touched(mid)
    assert seen["bvid"] not in merge_events(store.events.all(mid))


@pytest.mark.integration
def test_rules_cost_no_bilibili_request_a_day(redis_client, fast_settings, store):
    """The same user on two copies of one world, two days of refreshes each: with every
    kind of rule on, bilibili is asked exactly what it is asked with none."""
    rules_on = parse_rules({
        "authors": [{"mid": 1, "name": "x"}], "words": ["原神", "/(a+)+$/"], "tags": ["鬼畜"],
        "zones": ["单机游戏"], "min_duration_s": 60, "max_duration_s": 3600,
        "hide_vertical": True, "hide_upower": True, "min_like_rate": 0.01})
    off = _requests_per_day(redis_client, fast_settings, store, None)
    on = _requests_per_day(redis_client, fast_settings, store, rules_on)
    totals = [[sum(day.values()) for day in days] for days in (off, on)]
    print(f"bilibili requests (first day, next day): rules off {totals[0]}, on {totals[1]}")
    assert on == off, [{path: (a.get(path), b.get(path)) for path in a.keys() | b.keys()
                        if a.get(path) != b.get(path)} for a, b in zip(off, on, strict=True)]


def _requests_per_day(redis_client, fast_settings, store,
                      rules: Rules | None) -> list[dict[str, int]]:
    """Requests by path on each of the two days."""
    from simulator.app import create_app
    from tests.support import (
        KEEP_PREFIXES,
        LEAN,
        ServerThread,
        log_in_directly,
    )
    from web.queue import TaskQueue

    stale = [k for k in redis_client.scan_iter() if not k.startswith(KEEP_PREFIXES)]
    if stale:
        redis_client.delete(*stale)
    sim = ServerThread(create_app(seed=11))
    # A small sync (LEAN: what is counted is the difference, not the volume), all the
    # metadata in the first run (no backfill runs in between the days).
    settings = replace(fast_settings, api_base=sim.url, passport_base=sim.url,
                       www_base=sim.url, **(LEAN | {"first_sync_metadata": 3000,
                                                    "metadata_per_sync": 3000}))
    worker = start_worker(settings)

    def control(method: str, path: str, **kw):
        return requests.request(method, f"{sim.url}/_sim{path}", timeout=10, **kw)

    try:
        mid = log_in_directly(settings, control, store)
        if rules is not None:
            store.rules.save(mid, rules)
        queue = TaskQueue(settings.redis_url)
        days = []
        for day in range(2):
            control("POST", "/counters/reset")
            before = _last_refresh(store, mid)
            token = store.locks.acquire(mid)
            assert token is not None
            queue.refresh_user(mid, token, first=day == 0)
            # The hot pools' detail pass after a fresh installation's first picks asks
            # bilibili too: counted in its own day, however late it runs.
            wait_for(lambda b=before: _last_refresh(store, mid) not in (None, b)
                     and not store.locks.held(mid) and store.pools.tags_done(),
                     timeout_s=240, what=f"day {day}")
            days.append(control("GET", "/counters").json()["by_path"])
            assert control("POST", "/advance_day", json={"days": 1}).ok
        if rules is not None:
            assert store.picks.get(mid)["filtered"] > 0
        return days
    finally:
        stop_worker(worker)
        sim.stop()


def _last_refresh(store, mid: int) -> float | None:
    status = store.status.get(mid)
    return status.last_refresh if status else None
