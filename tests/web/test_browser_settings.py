"""The settings panel (每天送到你身边) in headless Chromium: the 稍后再看 switch and count,
what was added and when, the error, 撤销全部; the push kind, URL (shown masked once
saved), 发送测试 and the last result. The worker's side is in tests/worker/test_delivery.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import wait_for
from tests.web.chromium import chromium, watched

pytestmark = pytest.mark.browser

SECRET = "https://api.day.app/plaintextKeyForBark99/"


@pytest.fixture
def page(web):
    # 4xx answers the page shows on purpose are logged by Chromium as failed loads.
    with chromium() as browser, watched(browser.new_page(locale="zh-CN"),
                                        expected=lambda text: "status of 400" in text) as page:
        page.goto(f"{web.url}/")
        page.locator("#demo-user option").first.wait_for(state="attached")
        page.locator("#demo-scan:not([disabled])").wait_for()
        page.click("#demo-scan")
        page.wait_for_selector("#status-view:not([hidden])", timeout=15000)
        yield page


def mid_of(page) -> int:
    return page.evaluate("fetch('/api/session').then(r => r.json()).then(d => d.mid)")


def test_toview_switch_count_added_items_error_and_undo(page, web, store):
    mid = mid_of(page)
    page.click("#nav-profile")
    page.locator("#toview-summary", has_text="还没有添加过视频").wait_for()
    assert not page.locator("#toview-enabled").is_checked()
    assert page.locator("#toview-count").input_value() == "10"
    assert page.locator("#toview-undo").is_disabled()
    assert "每天把推荐放进稍后再看" in page.locator("#toview-panel").inner_text()

    page.check("#toview-enabled")
    page.locator("#toview-summary", has_text="已开启").wait_for()
    assert store.toview.settings(mid).enabled
    page.fill("#toview-count", "25")
    page.locator("#toview-count").dispatch_event("change")
    wait_for(lambda: store.toview.settings(mid).count == 25, what="the count saved")
    page.fill("#toview-count", "31")
    page.locator("#toview-count").dispatch_event("change")
    page.locator("#error", has_text="1–30").wait_for()
    assert store.toview.settings(mid).count == 25

    # What the worker records shows up: titles, times, the error.
    store.toview.record_added(mid, 170001, "BV17x411w7KC", "2026-12-01", title="第一个视频")
    store.toview.record_added(mid, 85440373, "BV117411r7R1", "2026-12-01", title="第二个视频")
    store.toview.set_error(mid, "你的稍后再看已满（bilibili 上限约 100 个），已停止添加")
    page.reload()
    page.locator("#toview-items li").nth(1).wait_for()
    items = page.locator("#toview-items li").all_inner_texts()
    assert "第二个视频" in items[0] and "第一个视频" in items[1]
    assert page.locator("#toview-items a").first.get_attribute("href") == (
        "https://www.bilibili.com/video/BV117411r7R1")
    assert "2 个是我们添加的" in page.locator("#toview-summary").inner_text()
    assert "已满" in page.locator("#toview-error").inner_text()
    keep = os.environ.get("BILIREC_KEEP_SCREENSHOTS")
    if keep:
        page.locator("#toview-panel").screenshot(path=str(Path(keep) / "toview-panel.png"))
    page.click("#toview-undo")
    page.locator("#toview-undo-state", has_text="正在从稍后再看中移除").wait_for()
    assert page.locator("#toview-undo").is_disabled()


def test_push_target_masked_test_message_and_last_result(page, web, store):
    mid = mid_of(page)
    page.click("#nav-profile")
    page.locator("#push-target", has_text="未设置").wait_for()
    assert page.locator("#push-test").is_disabled()
    page.select_option("#push-kind", "bark")
    assert "api.day.app" in page.locator("#push-url").get_attribute("placeholder")
    page.fill("#push-url", "ftp://nope")
    page.click("#push-save")
    page.locator("#error", has_text="http").wait_for()
    page.fill("#push-url", SECRET)
    page.click("#push-save")
    page.locator("#push-target", has_text="Bark").wait_for()
    assert "plaintextKey" not in page.content()
    assert page.locator("#push-url").input_value() == ""
    assert store.push.target(mid).url == SECRET

    page.click("#push-test")
    page.locator("#push-last", has_text="测试消息已排队").wait_for()
    store.push.set_result(mid, ok=False, what="test", message="HTTP 500（已重试 2 次）")
    page.locator("#push-last", has_text="发送失败，HTTP 500").wait_for(timeout=10000)
    assert "error" in page.locator("#push-last").get_attribute("class")

    keep = os.environ.get("BILIREC_KEEP_SCREENSHOTS")
    if keep:
        page.locator("#push-panel").screenshot(path=str(Path(keep) / "push-panel.png"))
    page.click("#push-remove")
    page.locator("#push-target", has_text="未设置").wait_for()
    assert store.push.target(mid) is None
