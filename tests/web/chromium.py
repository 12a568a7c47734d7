"""Headless Chromium (Debian's package) driven by Playwright, for the page tests."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

from tests.support import missing

CHROMIUM = "/usr/bin/chromium"


@contextlib.contextmanager
def chromium() -> Iterator:
    """A launched browser; skips (fails under CI) where Chromium or Playwright is missing."""
    if not Path(CHROMIUM).exists():
        missing("Chromium", "install Debian's package: sudo apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright", "pip install -r requirements-dev.txt")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def watched(page, *, expected: Callable[[str], bool] = lambda text: False) -> Iterator:
    """``page``, failing the test afterwards on any script error or console error the page
    logged (but those ``expected`` accepts, e.g. a 4xx the page shows on purpose)."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and not expected(msg.text) else None)
    yield page
    assert not errors, errors
