"""The login page in headless Chromium (Debian's package) driven by Playwright; the picks
page with real picks is in test_browser_picks.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.web.chromium import chromium, watched

pytestmark = pytest.mark.browser


@pytest.fixture
def page(tmp_path):
    with chromium() as browser, watched(browser.new_page(locale="zh-CN")) as page:
        yield page


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
    page.locator("#status-state", has_text="排队中").wait_for()
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
    page.click("#nav-profile")
    page.click("#logout")
    page.click("#logout-no")  # the confirm can be cancelled
    assert page.locator("#logout-confirm").is_hidden() and page.locator("#nav").is_visible()
    page.click("#logout")
    page.click("#logout-yes")
    page.wait_for_selector("#login-view:not([hidden])", timeout=15000)
    page.locator("#qr-image[src^='data:image/png']").wait_for()
