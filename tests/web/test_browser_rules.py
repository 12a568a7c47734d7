"""我的规则 and the card's reason menu in headless Chromium, against a real web, Redis and
Celery worker with picks made by the real pipeline on the simulator (one run for the
module): a rule added on the panel takes its videos out of the picks within seconds and
the page says how many were filtered; removing it brings the list back; the reason menu
works with the mouse and the keyboard; 390 px is one column."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from store import Store
from tests.support import (
    TEST_SECRET,
    ServerThread,
    empty_redis,
    page_settings,
    start_worker,
    stop_worker,
    wait_for,
)
from tests.web.chromium import chromium, watched
from tests.web.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]


class Env:
    def __init__(self, web_url: str, store: Store) -> None:
        self.web_url, self.store = web_url, store
        self.http = None
        self.mid = 0

    def picks(self) -> dict:
        return self.http.get(f"{self.web_url}/api/picks", timeout=10).json()


@pytest.fixture(scope="module")
def env(redis_url: str):
    from simulator.app import create_app as simulator_app
    from web import create_app as web_app

    sim = ServerThread(simulator_app(seed=11))
    settings = page_settings(
        redis_url, sim.url, first_sync_metadata=3000, metadata_per_sync=3000,
        tag_fetch_per_pool=40, hot_pool_cap=80, ranking_rids=(0,),
    )
    store = Store.connect(redis_url, TEST_SECRET)
    worker = start_worker(settings)
    web = ServerThread(web_app(settings))
    shared = Env(web.url, store)

    def sim_control(method: str, path: str, **kwargs):
        import requests

        return requests.request(method, f"{sim.url}/_sim{path}", timeout=10, **kwargs)

    try:
        shared.http, session = log_in(web.url, sim_control)
        shared.mid = session["mid"]
        # The first picks and the same day's re-score once the hot pools' details are in.
        wait_for(lambda: store.picks.latest_date(shared.mid) and store.pools.tags_done()
                 and not store.locks.held(shared.mid), timeout_s=240, what="the first picks")
        yield shared
    finally:
        web.stop()
        stop_worker(worker)
        sim.stop()
        empty_redis(store.redis)


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, env):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": c.name, "value": c.value, "url": env.web_url}
                         for c in env.http.cookies])
    # A pattern RE2 refuses is a 400 the page shows on purpose.
    with watched(context.new_page(), expected=lambda t: "status of 400" in t) as page:
        yield page
    context.close()


def shots() -> Path:
    """Where screenshots go: BILIREC_KEEP_SCREENSHOTS, else /tmp/bilirec-rules-shots."""
    path = Path(os.environ.get("BILIREC_KEEP_SCREENSHOTS") or "/tmp/bilirec-rules-shots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def card_bvids(page) -> list[str]:
    return page.evaluate(
        "[...document.querySelectorAll('#picks-view .card')].map(c => c.dataset.bvid)")


def test_rules_panel_adds_and_removes_a_rule_and_the_picks_follow(page, env):
    page.goto(f"{env.web_url}/")
    page.locator("#picks-hot .card").first.wait_for(timeout=15000)
    assert page.locator("#filtered-note").is_hidden()
    before = env.picks()
    target = before["hot"][0]["author"]
    target_videos = {p["bvid"] for s in ("hot", "explore") for p in before[s]
                     if p["author"]["mid"] == target["mid"]}

    page.click("#nav-profile")
    page.locator("#rules-panel").wait_for()
    page.locator("#rules-authors .empty").wait_for()
    page.fill("#rules-author-mid", str(target["mid"]))
    page.fill("#rules-author-name", target["name"])
    started = time.monotonic()
    page.click("#rules-authors-form button[type=submit]")
    page.locator("#rules-authors .rule-chip", has_text=target["name"]).wait_for()
    assert [a.mid for a in env.store.rules.get(env.mid).authors] == [target["mid"]]
    # A word, a pattern and the switches too, each one change.
    words = page.locator(".rule-add[data-list=words] input")
    words.fill("/(a+)+$/")
    words.press("Enter")
    page.locator("#rules-words .rule-chip", has_text="/(a+)+$/").wait_for()
    words.fill("/(?<=x)y/")
    words.press("Enter")
    page.locator("#error", has_text="/(?<=x)y/").wait_for()  # RE2 refuses it, by name
    assert env.store.rules.get(env.mid).words == ("/(a+)+$/",)
    page.check("#rules-hide-vertical")
    wait_for(lambda: env.store.rules.get(env.mid).hide_vertical, what="the switch saved")
    page.locator("#rules-panel").screenshot(path=str(shots() / "rules-panel-1280.png"))

    # Back on the picks: the UP主 is gone within 10 s and the page says what was filtered.
    page.click("#nav-picks")
    wait_for(lambda: not set(card_bvids(page)) & target_videos
             and page.locator("#filtered-note").is_visible(), timeout_s=10,
             what="the re-scored picks on the page")
    print(f"page shows the re-scored picks {time.monotonic() - started:.1f} s after saving")
    # The last of the three re-scores (one per change) reaches the page too.
    last_saved = time.monotonic()
    wait_for(lambda: not env.store.locks.held(env.mid), timeout_s=10, what="re-scores end")
    final = env.picks()
    assert final["filtered"] > 0
    wait_for(lambda: page.locator("#filtered-text").inner_text()
             == f"今日已按你的规则过滤 {final['filtered']} 个视频"
             and card_bvids(page) == [p["bvid"] for s in ("hot", "explore") for p in final[s]],
             timeout_s=10, what="the last re-score on the page")
    print(f"… and the last one {time.monotonic() - last_saved:.1f} s later")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)
    page.screenshot(path=str(shots() / "picks-filtered-1280.png"))
    assert page.locator("#picks-hot .card").count() == 20
    assert page.locator("#picks-explore .card").count() == 20

    # Remove the rules again on the panel: the chips go, the picks come back unfiltered.
    page.click("#filtered-rules")
    page.locator("#rules-panel").wait_for()
    for _ in range(2):
        page.locator(".rule-chip .chip-remove").first.click()
        page.wait_for_timeout(300)
    page.uncheck("#rules-hide-vertical")
    wait_for(lambda: env.store.rules.get(env.mid).to_json()["authors"] == []
             and not env.store.rules.get(env.mid).words
             and not env.store.rules.get(env.mid).hide_vertical, what="rules removed")
    page.locator("#rules-authors .empty").wait_for()
    page.click("#nav-picks")
    wait_for(lambda: page.locator("#filtered-note").is_hidden(), timeout_s=10,
             what="nothing filtered any more")


def test_reason_menu_with_mouse_and_keyboard(page, env):
    page.goto(f"{env.web_url}/")
    page.locator("#picks-hot .card").first.wait_for(timeout=15000)
    cards = page.locator("#picks-explore .card")
    # Mouse: the menu opens, 太长了 is one tap, and only the duration bound moved.
    first = cards.nth(0)
    bvid = first.get_attribute("data-bvid")
    first.locator("[data-kind=dislike]").click()
    menu = first.locator(".reason-menu")
    menu.wait_for()
    assert first.locator("[data-kind=dislike]").get_attribute("aria-expanded") == "true"
    assert menu.locator("[role=menuitem]").all_inner_texts() == [
        "不感兴趣", "不看这个UP主", "不想看这类内容", "标题党", "太短了", "太长了", "看过了"]
    page.screenshot(path=str(shots() / "reason-menu-1280.png"))
    menu.locator("[data-reason=too_long]").click()
    first.locator(".undo", has_text="将少推荐这么长的视频").wait_for()
    wait_for(lambda: env.store.feedback.reasons(env.mid).longer_than, what="bound moved")
    assert env.store.feedback.all(env.mid)[bvid] == "dislike"
    assert ("feedback_dislike", bvid) not in {(e.kind, e.bvid)
                                              for e in env.store.events.all(env.mid)}
    # A click elsewhere closes an open menu.
    second = cards.nth(1)
    second.locator("[data-kind=dislike]").click()
    second.locator(".reason-menu").wait_for()
    page.locator("h1").click()
    second.locator(".reason-menu").wait_for(state="hidden")

    # Keyboard: focus the button, Enter opens with the first item focused, arrows move,
    # Escape closes and gives the focus back; Enter on 看过了 records it.
    third = cards.nth(2)
    seen = third.get_attribute("data-bvid")
    button = third.locator("[data-kind=dislike]")
    button.focus()
    page.keyboard.press("Enter")
    third.locator(".reason-menu").wait_for()
    assert page.evaluate("document.activeElement.dataset.reason") == ""
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.reason") == "author"
    page.keyboard.press("Escape")
    third.locator(".reason-menu").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.dataset.kind") == "dislike"
    page.keyboard.press("ArrowUp")  # opens on the last item
    assert page.evaluate("document.activeElement.dataset.reason") == "seen"
    page.keyboard.press("Enter")
    third.locator(".undo", has_text="已标记为看过").wait_for()
    wait_for(lambda: seen in env.store.events.touched(env.mid), what="seen recorded")


def test_390_px_is_one_column_with_the_rules_panel(page, env):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{env.web_url}/")
    page.locator("#picks-hot .card").first.wait_for(timeout=15000)
    lefts = page.evaluate(
        "[...document.querySelectorAll('#picks-hot .card')].slice(0, 3)"
        ".map(c => c.getBoundingClientRect().left)")
    assert len(set(lefts)) == 1  # one column
    card = page.locator("#picks-hot .card").nth(3)
    card.locator("[data-kind=dislike]").click()
    card.locator(".reason-menu").wait_for()
    box = card.locator(".reason-menu").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    card.scroll_into_view_if_needed()
    page.screenshot(path=str(shots() / "reason-menu-390.png"))
    page.keyboard.press("Escape")
    page.goto(f"{env.web_url}/#rules")
    page.locator("#rules-panel").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#rules-panel").screenshot(path=str(shots() / "rules-panel-390.png"))
