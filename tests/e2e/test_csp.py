"""The Content-Security-Policy blocks nothing the pages need: no violation is reported."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_login import expect_home_of_chutich, sign_in
from tests.e2e.test_meeting_room import meeting, open_room, turn_to  # noqa: F401 - fixture

pytestmark = pytest.mark.e2e


def csp_reports(page: Page, reports: list[str] | None = None) -> list[str]:
    """Console messages about the policy (the page's and its workers'), from now on."""
    reports = [] if reports is None else reports

    def on_console(msg) -> None:
        if "Content Security Policy" in msg.text or "Content-Security-Policy" in msg.text:
            reports.append(msg.text)

    page.on("console", on_console)
    page.on("worker", lambda worker: worker.on("console", on_console))
    return reports


def test_login_and_home_pages_report_no_violation(page):
    tablet = page("tablet")
    reports = csp_reports(tablet)
    response = tablet.goto("/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(tablet.locator("#login-form")).to_be_visible()
    sign_in(tablet, "chutich")
    expect_home_of_chutich(tablet)
    tablet.reload()
    expect_home_of_chutich(tablet)
    assert reports == []


def test_meeting_room_with_pdfjs_reports_no_violation(page, meeting):  # noqa: F811
    """The room: PDF.js (worker, fonts, canvas) and Socket.IO under the policy."""
    reports: list[str] = []

    def watched(kind: str = "tablet") -> Page:
        opened = page(kind)
        csp_reports(opened, reports)
        return opened

    room = open_room(watched, "chutich", meeting["id"])
    turn_to(room, 3)
    assert reports == []


def test_an_injected_inline_script_is_blocked(page):
    """The policy is really enforced: an inline script added to the page does not run."""
    phone = page("phone")
    reports = csp_reports(phone)
    phone.goto("/login")
    phone.evaluate(
        """() => {
            const s = document.createElement('script');
            s.textContent = 'window.__injected = true';
            document.body.appendChild(s);
        }"""
    )
    assert phone.evaluate("() => window.__injected === true") is False
    assert reports, "the blocked script should be reported"
