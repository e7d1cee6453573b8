"""Real-browser tests: headless Chromium (Playwright, sync API) against `live_server`.

`browser` is one Chromium for the whole session; `page(kind)` opens a fresh context (own
cookies) sized like a phone or a tablet, with relative URLs resolved against the live
server. When a test fails, every page it opened is saved as a full-page screenshot in
test-artifacts/screenshots/<test-name>-<n>.png, and the browser's console errors are
added to the report.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.support import DEMO_PASSWORD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENS = {
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
    "tablet": {
        "viewport": {"width": 1024, "height": 768},
        "has_touch": True,
    },
    "ipad-portrait": {
        "viewport": {"width": 820, "height": 1180},
        "device_scale_factor": 2,
        "has_touch": True,
    },
    "tablet-portrait": {
        "viewport": {"width": 1024, "height": 1366},
        "has_touch": True,
    },
}
DEFAULT_TIMEOUT_MS = 10_000
# Assertions wait as long as actions do (Playwright's own default is 5 s): on a loaded
# 2-core machine a page's answer can take longer than that without anything being wrong.
expect.set_options(timeout=DEFAULT_TIMEOUT_MS)


def sign_in(page: Page, username: str) -> None:
    """Sign in with the demo password through the login page and wait for the home page."""
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#logout-button")).to_be_visible()


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Browser:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=CHROMIUM_ARGS,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, request):
    """Factory: ``page("phone")`` or ``page("tablet", locale="en-US")`` → a new Page.

    Each call opens its own browser context (separate cookies); ``page.goto("/login")``
    goes to the live server.
    """
    contexts = []
    pages: list[Page] = []
    console: list[str] = []
    request.node.e2e_pages = pages
    request.node.e2e_console = console

    def open_page(kind: str = "phone", *, locale: str = "vi-VN") -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            locale=locale,
            timezone_id="Asia/Ho_Chi_Minh",
            **SCREENS[kind],
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        contexts.append(context)
        new_page = context.new_page()
        n = len(pages) + 1

        def on_console(msg) -> None:
            if msg.type in ("error", "warning"):
                console.append(f"[page {n}] console.{msg.type}: {msg.text}")

        new_page.on("console", on_console)
        new_page.on("pageerror", lambda exc: console.append(f"[page {n}] pageerror: {exc}"))
        pages.append(new_page)
        return new_page

    yield open_page
    for context in contexts:
        context.close()


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not report.failed or call.when == "teardown":
        return
    pages = getattr(item, "e2e_pages", None) or []
    saved = []
    for n, open_page in enumerate(pages, start=1):
        if open_page.is_closed():
            continue
        path = SCREENSHOTS / f"{_safe_name(item.name)}-{n}.png"
        try:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            open_page.screenshot(path=str(path), full_page=True, timeout=5_000)
            saved.append(f"{path} ({open_page.url})")
        except Exception as exc:  # a dead page must not hide the real failure
            saved.append(f"{path}: screenshot failed: {exc}")
    if saved:
        report.sections.append(("screenshots", "\n".join(saved)))
    console = getattr(item, "e2e_console", None)
    if console:
        report.sections.append(("browser console", "\n".join(console)))
