"""The login page in headless Chromium (Debian's package) driven by Playwright."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import missing

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def page(tmp_path):
    if not Path(CHROMIUM).exists():
        missing("Chromium", "install Debian's package: sudo apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415
    except ImportError:
        missing("Playwright", "pip install -r requirements-dev.txt")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        page = browser.new_page(locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        yield page
        browser.close()
        assert not errors, errors


def test_login_with_simulated_scan_moves_to_status(page, web, tmp_path):
    page.goto(f"{web.url}/")
    qr = page.locator("#qr-image")
    page.locator("#qr-image[src^='data:image/png']").wait_for()
    assert qr.evaluate("img => img.naturalWidth") > 0
    assert page.locator("#qr-state").inner_text() == "等待扫码"
    page.locator("#demo-user option").first.wait_for(state="attached")
    page.screenshot(path=str(tmp_path / "login.png"))
    page.locator("#demo-scan:not([disabled])").wait_for()
    page.click("#demo-scan")
    page.wait_for_selector("#status-view:not([hidden])", timeout=15000)
    assert page.locator("#status-state").inner_text() == "排队中"
    assert "准备" in page.locator("#status-message").inner_text()
    assert page.locator("#uname").inner_text()
    page.screenshot(path=str(tmp_path / "status.png"))
    assert (tmp_path / "status.png").stat().st_size > 1000
    if os.environ.get("BILIREC_KEEP_SCREENSHOTS"):
        (Path(os.environ["BILIREC_KEEP_SCREENSHOTS"]) / "status.png").write_bytes(
            (tmp_path / "status.png").read_bytes()
        )


def test_logout_returns_to_login(page, web):
    page.goto(f"{web.url}/")
    page.locator("#demo-scan:not([disabled])").wait_for()
    page.locator("#demo-user option").first.wait_for(state="attached")
    page.click("#demo-scan")
    page.wait_for_selector("#status-view:not([hidden])", timeout=15000)
    page.click("#logout")
    page.wait_for_selector("#login-view:not([hidden])", timeout=15000)
    page.locator("#qr-image[src^='data:image/png']").wait_for()


def test_picks_are_shown_as_cards_with_feedback(page, web, store, sim, tmp_path):
    page.goto(f"{web.url}/")
    page.locator("#demo-scan:not([disabled])").wait_for()
    mid = int(page.locator("#demo-user").input_value())
    page.click("#demo-scan")
    page.wait_for_selector("#status-view:not([hidden])", timeout=15000)
    pick = {
        "bvid": "BV1xx411c7mD", "title": "猫咪日常实况", "cover": "",
        "author": {"mid": 5, "name": "橘猫UP"}, "duration": 125,
        "stats": {"view": 123456, "like": 2345, "coin": 10, "favorite": 20},
        "rating": 87, "reasons": ["你常看的标签：橘猫", "你收藏过该UP主的视频"], "source": "hot",
    }
    other = {**pick, "bvid": "BV1sK4y147ob", "title": "千元机横评", "source": "related"}
    store.picks.save(mid, "2026-11-28", {"date": "2026-11-28",
                                         "generated_at": "2026-11-28T06:00:00+08:00",
                                         "hot": [pick], "explore": [other]})
    store.status.set(mid, "ready", progress=1, picks_date="2026-11-28", refreshed=True)
    page.reload()
    card = page.locator("#picks-hot .pick").first
    card.wait_for()
    assert "猫咪日常实况" in card.inner_text() and "推荐指数 87" in card.inner_text()
    assert "你常看的标签：橘猫" in card.inner_text() and "橘猫UP" in card.inner_text()
    link = card.locator("a.title")
    assert link.get_attribute("href") == "https://www.bilibili.com/video/BV1xx411c7mD"
    assert page.locator("#picks-explore .pick").count() == 1
    page.screenshot(path=str(tmp_path / "picks.png"), full_page=True)
    if os.environ.get("BILIREC_KEEP_SCREENSHOTS"):
        (Path(os.environ["BILIREC_KEEP_SCREENSHOTS"]) / "picks.png").write_bytes(
            (tmp_path / "picks.png").read_bytes()
        )
    card.locator("button[data-kind=dislike]").click()
    card.locator(".actions", has_text="已记录：不感兴趣").wait_for()
    assert [e.kind for e in store.events.all(mid)] == ["feedback_dislike"]
