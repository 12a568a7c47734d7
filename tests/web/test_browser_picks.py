"""The picks page in headless Chromium against a real web, Redis and Celery worker, with
picks made by the real pipeline on the simulator. One pipeline run is shared by the
module; the tests run in file order (the refresh, login-expiry and logout tests last)."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import feedparser
import pytest
import requests

from settings import Settings
from store import Store
from tests.support import (
    TEST_SECRET,
    ServerThread,
    empty_redis,
    kill_worker,
    page_settings,
    start_worker,
    wait_for,
)
from tests.web.chromium import chromium, watched
from tests.web.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.integration]


class Env:
    """Everything the module's tests share."""

    def __init__(self, sim_url: str, web_url: str, store: Store, settings: Settings) -> None:
        self.sim_url, self.web_url, self.store, self.settings = sim_url, web_url, store, settings
        self.http: requests.Session | None = None
        self.mid = 0
        self.csrf = ""

    def sim(self, method: str, path: str, **kwargs) -> requests.Response:
        return requests.request(method, f"{self.sim_url}/_sim{path}", timeout=10, **kwargs)

    def api(self, path: str) -> dict:
        assert self.http is not None
        resp = self.http.get(f"{self.web_url}{path}", timeout=10)
        assert resp.status_code == 200, resp.text
        return resp.json()

    def today(self) -> dt.date:
        return dt.datetime.now(self.settings.tz).date()


@pytest.fixture(scope="module")
def env(redis_url: str):
    from simulator.app import create_app as simulator_app
    from web import create_app as web_app

    sim = ServerThread(simulator_app(seed=11))
    settings = page_settings(
        redis_url, sim.url, tag_fetch_per_pool=10,
        # The first sync's details only: no chain of backfill runs for the setup to wait out.
        metadata_per_sync=0,
    )
    store = Store.connect(redis_url, TEST_SECRET)
    worker = start_worker(settings)
    web = ServerThread(web_app(settings))
    shared = Env(sim.url, web.url, store, settings)
    try:
        shared.http, session = log_in(web.url, shared.sim)
        shared.mid, shared.csrf = session["mid"], session["csrf_token"]
        wait_for(lambda: shared.api("/api/status")["state"] == "ready", timeout_s=240,
                 what="the first picks")
        # Then the hot pools' detail pass of this fresh installation and its re-score of
        # today's picks: no test below may see the picks change under it.
        wait_for(lambda: store.pools.tags_done() and not store.locks.held(shared.mid),
                 timeout_s=240, what="backfill and the hot pools' re-score")
        _keep_as_yesterday(shared)
        yield shared
    finally:
        web.stop()
        kill_worker(worker)
        sim.stop()
        empty_redis(store.redis)


def _keep_as_yesterday(env: Env) -> None:
    """The pipeline's picks also stand for yesterday's, so the date switcher has a past day
    (and today's next refresh must pick other videos)."""
    doc = env.store.picks.get(env.mid)
    assert doc is not None
    yesterday = (env.today() - dt.timedelta(days=1)).isoformat()
    made = dt.datetime.fromisoformat(doc["generated_at"]) - dt.timedelta(days=1)
    old = {**doc, "date": yesterday, "generated_at": made.isoformat()}
    env.store.redis.set(f"user:{env.mid}:picks:{yesterday}",
                        json.dumps({"v": 1, **old}, ensure_ascii=False))


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def page(browser, env):
    """A logged-in page (the pipeline's session cookie); fails on any console error."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    assert env.http is not None
    context.add_cookies([{"name": c.name, "value": c.value, "url": env.web_url}
                         for c in env.http.cookies])
    with watched(context.new_page()) as page:
        yield page
    context.close()


def until(page, expression: str, timeout_s: float = 15) -> None:
    # page.wait_for_function evaluates strings with eval(), which the page's CSP refuses.
    wait_for(lambda: page.evaluate(expression), timeout_s=timeout_s, what=expression)


def open_picks(page, env: Env) -> None:
    page.goto(f"{env.web_url}/")
    page.locator("#picks-hot .card:not([hidden])").first.wait_for(timeout=15000)


def load_all_covers(page) -> None:
    """Scroll through the page so every lazy cover loads."""
    height = page.evaluate("document.body.scrollHeight")
    for y in range(0, height + 900, 600):
        page.evaluate(f"window.scrollTo(0, {y})")
        page.wait_for_timeout(50)
    until(page, "[...document.querySelectorAll('.card img')].every(i => i.complete)")


def shoot(page, name: str, tmp_path: Path, full_page: bool = False) -> Path:
    path = tmp_path / name
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_timeout(100)
    page.screenshot(path=str(path), full_page=full_page)
    assert path.stat().st_size > 5000
    keep = os.environ.get("BILIREC_KEEP_SCREENSHOTS")
    if keep:
        (Path(keep) / name).write_bytes(path.read_bytes())
    return path


def columns(page) -> int:
    return page.evaluate(
        "getComputedStyle(document.getElementById('picks-hot'))"
        ".gridTemplateColumns.split(' ').length")


def test_cards_with_covers_rating_and_reasons_on_desktop_and_phone(page, env, tmp_path):
    env.sim("POST", "/counters/reset")
    open_picks(page, env)
    assert page.locator("#picks-hot .card").count() == 20
    assert page.locator("#picks-explore .card").count() == 20
    load_all_covers(page)
    cards = page.locator(".card").all()
    for card in cards:
        img = card.locator(".cover img")
        assert img.evaluate("i => i.naturalWidth") > 0, img.get_attribute("src")
        assert img.get_attribute("referrerpolicy") == "no-referrer"
        assert img.get_attribute("loading") == "lazy"
        assert img.get_attribute("src").endswith(".jpg@320w_200h_1c.webp")
        assert card.locator(".rating").inner_text().startswith("推荐指数 ")
        assert card.locator(".reasons .chip").count() >= 1
        href = card.locator("a.title").get_attribute("href")
        assert href.startswith("https://www.bilibili.com/video/BV1")
        assert card.locator("a.title").get_attribute("target") == "_blank"
    by_path = env.sim("GET", "/counters").json()["by_path"]
    covers = {p: n for p, n in by_path.items() if p.startswith("/bfs/archive/")}
    assert sum(covers.values()) >= 40 and all("@320w_200h_1c.webp" in p for p in covers)
    assert columns(page) >= 3
    shoot(page, "picks-1280.png", tmp_path)

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(200)
    assert columns(page) == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "picks-390.png", tmp_path)


def test_date_switcher_shows_yesterdays_picks(page, env):
    open_picks(page, env)
    yesterday = (env.today() - dt.timedelta(days=1)).isoformat()
    options = page.locator("#day-select option").all()
    assert [o.get_attribute("value") for o in options][:2] == [env.today().isoformat(), yesterday]
    first_today = page.locator("#picks-hot .card a.title").first.inner_text()
    page.select_option("#day-select", yesterday)
    old = env.store.picks.get(env.mid, yesterday)
    wait_for(lambda: page.locator("#picks-hot .card a.title").first.inner_text()
             == old["hot"][0]["title"], timeout_s=10, what="yesterday's first pick")
    assert page.locator("#picks-hot .card").count() == len(old["hot"])
    page.select_option("#day-select", env.today().isoformat())
    wait_for(lambda: page.locator("#picks-hot .card a.title").first.inner_text() == first_today,
             timeout_s=10, what="today's picks again")

    page.goto(f"{env.web_url}/?date={yesterday}")  # where the feed's entries link
    wait_for(lambda: page.locator("#day-select").input_value() == yesterday
             and page.locator("#picks-hot .card a.title").first.inner_text()
             == old["hot"][0]["title"], timeout_s=15, what="yesterday's picks from a link")


def test_dislike_fades_the_card_survives_reload_and_undo_sends_clear(page, env):
    open_picks(page, env)
    cached_before = env.api("/api/picks")
    first, second = page.locator("#picks-hot .card").nth(0), page.locator("#picks-hot .card").nth(1)
    gone, kept = first.get_attribute("data-bvid"), second.get_attribute("data-bvid")
    first.locator("[data-kind=dislike]").click()  # opens the reasons; the first is plain
    first.locator(".reason-menu [data-reason='']").click()
    first.locator(".undo").wait_for()
    assert "disliked" in first.get_attribute("class")
    first.wait_for(state="hidden", timeout=10000)  # after the undo window
    assert env.store.feedback.all(env.mid)[gone] == "dislike"
    events = {(e.kind, e.bvid) for e in env.store.events.all(env.mid)}
    assert ("feedback_dislike", gone) in events and gone in env.store.events.touched(env.mid)
    cached_after = env.api("/api/picks")
    assert [p["feedback"] for p in cached_before["hot"] if p["bvid"] == gone] == [None]
    assert [p["feedback"] for p in cached_after["hot"] if p["bvid"] == gone] == ["dislike"]

    second.locator("[data-kind=dislike]").click()
    second.locator(".reason-menu [data-reason='']").click()
    second.locator(".undo button").click()
    second.locator(".undo").wait_for(state="hidden")
    assert kept not in env.store.feedback.all(env.mid)

    page.reload()
    page.locator(f"#picks-hot .card[data-bvid={kept}]").wait_for()
    assert page.locator(f"#picks-hot .card[data-bvid={gone}]").is_hidden()
    assert page.locator(f"#picks-hot .card[data-bvid={kept}]").is_visible()
    assert page.locator("#picks-hot .card:visible").count() == 19


def test_opening_a_card_sends_click(page, env):
    open_picks(page, env)
    card = page.locator("#picks-explore .card").first
    bvid = card.get_attribute("data-bvid")
    page.context.route("https://www.bilibili.com/**", lambda route: route.fulfill(body="ok"))
    with page.context.expect_page() as opened:
        card.locator("a.title").click()
    assert opened.value.url == f"https://www.bilibili.com/video/{bvid}"
    opened.value.close()
    wait_for(lambda: bvid in env.store.feedback.clicked(env.mid), timeout_s=5, what="click")


def test_profile_chart_and_feed(page, env, tmp_path):
    page.goto(f"{env.web_url}/#profile")
    page.locator("#chart-tags svg rect").first.wait_for(timeout=10000)
    profile = env.api("/api/profile")
    assert page.locator("#chart-tags svg rect").count() == min(12, len(profile["tags"]))
    assert page.locator("#chart-tags svg rect").first.bounding_box()["width"] > 100
    assert page.locator("#cloud .word").count() == min(40, len(profile["tags"]))
    assert page.locator("#profile-events").inner_text() == str(profile["events"])
    assert page.locator("#profile-auc").inner_text() != ""
    until(page, "document.getElementById('feed-url').value.endsWith('.atom')")
    old_url = page.locator("#feed-url").input_value()
    shoot(page, "profile-1280.png", tmp_path, full_page=True)

    parsed = feedparser.parse(requests.get(old_url, timeout=10).content)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert len(parsed.entries) == len(env.api("/api/days")["dates"]) >= 2
    page.click("#feed-rotate")
    until(page, f"document.getElementById('feed-url').value !== {json.dumps(old_url)}")
    assert requests.get(old_url, timeout=10).status_code == 404
    assert requests.get(page.locator("#feed-url").input_value(), timeout=10).status_code == 200


def test_progress_bar_moves_while_a_refresh_runs_then_new_picks(page, env):
    open_picks(page, env)
    before = env.api("/api/picks")  # cached
    # Its own dislike, so the test does not lean on an earlier one.
    assert env.http is not None
    assert env.http.post(f"{env.web_url}/api/feedback", headers={"X-CSRF-Token": env.csrf},
                         json={"bvid": before["hot"][-1]["bvid"], "kind": "dislike"},
                         timeout=10).status_code == 204
    # Two stages that outlast the page's 2 s poll, so the bar is seen at two values
    # however fast the rest of a (small) refresh is.
    for path in ("/x/web-interface/history/cursor", "/x/web-interface/wbi/index/top/feed/rcmd"):
        assert env.sim("POST", "/fault", json={"path": path, "kind": "slow", "seconds": 3.0,
                                               "count": 1}).ok
    page.click("#refresh")
    seen: list[float] = []
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if page.locator("#status-progress").is_visible():
            seen.append(float(page.locator("#status-progress").get_attribute("value") or 0))
        # The status alone reads "ready" both before the click's request lands and after
        # the refresh: only new picks with no step running and no lock say it has ended.
        current = env.store.status.get(env.mid)
        if (current is not None and not current.step and not env.store.locks.held(env.mid)
                and env.api("/api/picks")["generated_at"] > before["generated_at"]):
            break
        time.sleep(0.2)
    assert len(set(seen)) >= 2 and seen == sorted(seen), seen
    after = env.api("/api/picks")
    assert after["generated_at"] > before["generated_at"]
    assert {p["bvid"] for p in after["hot"]} != {p["bvid"] for p in before["hot"]}
    disliked = {b for b, kind in env.store.feedback.all(env.mid).items() if kind == "dislike"}
    assert disliked and not disliked & {p["bvid"] for p in after["hot"] + after["explore"]}
    wait_for(lambda: page.locator("#status-progress").is_hidden(), timeout_s=35,
             what="progress bar hidden after the refresh")
    assert page.locator("#refresh").is_visible()


def test_login_expired_banner_with_qr(page, env):
    # An idle page asks for the status every 30 s: its clock is moved on, not waited for.
    page.clock.install()
    open_picks(page, env)
    assert env.sim("POST", "/session/expire", json={"mid": env.mid}).ok
    assert env.http is not None
    assert env.http.post(f"{env.web_url}/api/refresh", headers={"X-CSRF-Token": env.csrf},
                         timeout=10).status_code == 202
    wait_for(lambda: env.api("/api/status")["state"] == "login_expired", timeout_s=60,
             what="the refresh to find the login dead")
    assert page.locator("#login-view.banner").count() == 0  # not before the page asks
    page.clock.fast_forward(30_000)
    page.locator("#login-view.banner").wait_for(timeout=10000)
    assert page.locator("#login-title").inner_text() == "B 站登录已失效"
    page.locator("#qr-image[src^='data:image/png']").wait_for()
    assert page.locator("#qr-image").evaluate("i => i.naturalWidth") > 0
    assert page.locator("#picks-hot .card").count() > 0  # picks are kept

    # Today's picks missing: the note says which day is shown, when it was made and why.
    yesterday = (env.today() - dt.timedelta(days=1)).isoformat()
    env.store.picks.save(env.mid, yesterday, env.store.picks.get(env.mid, yesterday))
    page.reload()
    note = page.locator("#stale-note")
    note.wait_for(timeout=15000)
    assert yesterday in note.inner_text() and "登录已失效" in note.inner_text()
    assert "生成于" in note.inner_text()


def test_logout_empties_everything(page, env):
    page.goto(f"{env.web_url}/#profile")
    page.locator("#logout").wait_for()
    feed_url = env.api("/api/settings")["feed_url"]
    page.click("#logout")
    page.locator("#logout-confirm").wait_for()
    page.click("#logout-yes")
    page.locator("#nav").wait_for(state="hidden", timeout=15000)
    page.locator("#login-view:not([hidden])").wait_for()
    assert page.locator("#login-title").inner_text() == "扫码登录"
    assert page.locator("#picks-hot .card").count() == 0
    assert page.locator("#nav").is_hidden()
    assert list(env.store.redis.scan_iter(f"user:{env.mid}*")) == []
    assert requests.get(feed_url, timeout=10).status_code == 404
    assert env.http is not None
    assert env.http.get(f"{env.web_url}/api/picks", timeout=10).status_code == 401
