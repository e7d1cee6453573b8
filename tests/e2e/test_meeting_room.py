"""The live meeting room in real browsers: following the presenter, voting, reconnecting.

Each test makes its own meeting through the API (chair `chutich`, secretary `thuky`,
delegate `daibieu`) with a 5-page PDF, starts it, and opens the room as the chair and as a
delegate in separate browser contexts (separate sessions).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.i18n import VN_TZ
from core.sample_pdf import numbered_pdf
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.e2e

DOC = "#live-document"
RECONNECT_TIMEOUT_MS = 25_000


def accept_quorum_warning(page: Page) -> list[str]:
    """Without a quorum the chair is warned before a vote opens and may open it anyway."""
    warnings: list[str] = []
    page.once("dialog", lambda dialog: (warnings.append(dialog.message), dialog.accept()))
    return warnings


def _at(hour: int) -> str:
    day = datetime.now(VN_TZ).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour).isoformat()


@pytest.fixture
def meeting(live_server) -> dict:
    """A started meeting with one 5-page document; returns {id, document_id, token}."""
    token = live_server.token("chutich")
    response = live_server.api(
        "POST",
        "/api/v1/meetings",
        token,
        json={
            "title": f"Phòng họp kiểm thử {uuid.uuid4().hex[:6]}",
            "organization": "hue",
            "starts_at": _at(8),
            "ends_at": _at(11),
            "location": "Phòng họp số 3",
            "confidential": False,
            "chair": "chutich",
            "secretary": "thuky",
            "participants": ["daibieu"],
        },
    )
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    upload = live_server.api(
        "POST",
        f"/api/v1/meetings/{meeting_id}/documents",
        token,
        files={"file": ("tai-lieu.pdf", numbered_pdf(5), "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["pages"] == 5
    started = live_server.api("POST", f"/api/v1/meetings/{meeting_id}/start", token)
    assert started.status_code == 200, started.text
    return {"id": meeting_id, "document_id": upload.json()["id"], "token": token}


def open_room(page_factory, username: str, meeting_id: int, kind: str = "tablet") -> Page:
    """Sign in through /login and open the room; returns once page 1 is drawn."""
    room = page_factory(kind)
    room.goto("/login")
    room.fill("#username", username)
    room.fill("#password", DEMO_PASSWORD)
    room.click("#login-submit")
    expect(room.locator("#logout-button")).to_have_count(1)
    room.goto(f"/meetings/{meeting_id}/room")
    expect(room.locator("#room-conn")).to_have_attribute("data-state", "connected")
    expect_page(room, 1)
    return room


def expect_page(room: Page, number: int, timeout: float | None = None) -> None:
    """The viewer shows page `number`, fully drawn."""
    doc = room.locator(DOC)
    expect(doc).to_have_attribute("data-page", str(number), timeout=timeout)
    expect(doc).to_have_attribute("data-rendered", "1", timeout=timeout)


def turn_to(room: Page, number: int) -> None:
    """The presenter pages forward/back with the buttons until `number` is drawn."""
    current = int(room.locator(DOC).get_attribute("data-page"))
    button = room.locator(".ld-next" if number > current else ".ld-prev")
    for _ in range(abs(number - current)):
        button.click()
    expect_page(room, number)


def test_delegate_follows_presenter_browses_away_and_votes(page, live_server, meeting):
    chair = open_room(page, "chutich", meeting["id"])
    delegate = open_room(page, "daibieu", meeting["id"], kind="phone")

    expect(chair.locator(DOC)).to_have_attribute("data-mode", "presenting")
    expect(delegate.locator(DOC)).to_have_attribute("data-mode", "following")
    expect(delegate.locator(DOC)).to_have_attribute("data-document-id", str(meeting["document_id"]))
    expect(delegate.locator(".ld-indicator")).to_have_text("Trang 1/5")

    # The chair (who presents) turns to page 3; the delegate's tablet follows.
    turn_to(chair, 3)
    expect_page(delegate, 3)
    expect(delegate.locator(".ld-indicator")).to_have_text("Trang 3/5")
    expect(delegate.locator(".ld-follow")).to_be_hidden()

    # The delegate looks back at page 1: no longer following, the follow button appears.
    delegate.locator(".ld-prev").click()
    delegate.locator(".ld-prev").click()
    expect_page(delegate, 1)
    expect(delegate.locator(DOC)).to_have_attribute("data-mode", "browsing")
    follow = delegate.get_by_role("button", name=re.compile("Theo người trình bày"))
    expect(follow).to_be_visible()
    expect(follow).to_contain_text("trang 3")
    expect_page(chair, 3)  # browsing privately moves nobody else

    # One tap and the delegate is back with the presenter.
    follow.click()
    expect_page(delegate, 3)
    expect(delegate.locator(DOC)).to_have_attribute("data-mode", "following")
    expect(follow).to_be_hidden()

    # The chair opens a vote; the delegate's room switches to it.
    chair.locator("#tab-vote").click()
    chair.fill("#vote-question-input", "Thông qua tài liệu kiểm thử")
    warnings = accept_quorum_warning(chair)
    chair.locator("#vote-open-submit").click()
    expect(chair.locator("#vote-question")).to_have_text("Thông qua tài liệu kiểm thử")
    expect(chair.locator("#vote-tally-text")).to_have_text("Đã biểu quyết 0/2")
    assert all("Chưa đủ số thành viên" in message for message in warnings)

    expect(delegate.locator("#vote-open")).to_be_visible()
    expect(delegate.locator("#vote-question")).to_have_text("Thông qua tài liệu kiểm thử")
    delegate.get_by_role("button", name="Đồng ý", exact=True).click()
    expect(delegate.locator("#vote-note")).to_contain_text("Bạn đã biểu quyết")
    for choice in ("yes", "no", "abstain"):
        expect(delegate.locator(f".vote-btn[data-choice='{choice}']")).to_be_disabled()

    expect(chair.locator("#vote-tally-text")).to_have_text("Đã biểu quyết 1/2")

    # Closing asks for a second tap, then everyone sees the result.
    close = chair.locator("#vote-close")
    close.click()
    expect(close).to_have_text("Bấm lần nữa để kết thúc")
    close.click()
    for room in (chair, delegate):
        latest = room.locator(".result-card.is-latest")
        expect(latest).to_be_visible()
        expect(latest.locator(".result-yes .result-count")).to_have_text("1")
        expect(latest.locator(".result-no .result-count")).to_have_text("0")
        expect(latest.locator(".result-abstain .result-count")).to_have_text("0")
    expect(chair.locator("#vote-open")).to_be_hidden()

    record = live_server.api("GET", f"/api/v1/meetings/{meeting['id']}/record", meeting["token"])
    assert record.status_code == 200, record.text
    votes = record.json()["votes"]
    assert len(votes) == 1
    assert votes[0]["status"] == "closed"
    assert votes[0]["question"] == "Thông qua tài liệu kiểm thử"
    assert (votes[0]["yes"], votes[0]["no"], votes[0]["abstain"]) == (1, 0, 0)


def test_delegate_catches_up_after_a_dropped_connection(page, meeting):
    chair = open_room(page, "chutich", meeting["id"])
    delegate = open_room(page, "daibieu", meeting["id"])
    turn_to(chair, 2)
    expect_page(delegate, 2)

    # A marker that a page reload would wipe out.
    delegate.evaluate("window.__roomMarker = 'same page, never reloaded'")
    delegate.evaluate(
        "id => window.sohoaRoom.liveDoc.cache.get(id).then(pdf => { window.__pdfBefore = pdf; })",
        meeting["document_id"],
    )

    # The delegate's network drops: the socket closes and cannot come back yet.
    delegate.context.set_offline(True)
    delegate.evaluate("window.sohoaRoom.socket.io.engine.close()")
    expect(delegate.locator("#room-conn")).to_have_attribute("data-state", "reconnecting")
    expect(delegate.locator("#room-conn")).to_contain_text("Đang kết nối lại…")

    # Meanwhile the presenter moves on.
    turn_to(chair, 4)
    delegate.wait_for_timeout(500)
    expect_page(delegate, 2)  # nothing reached the delegate while offline

    # The network is back: socket.io reconnects by itself, the room re-joins and catches up.
    delegate.context.set_offline(False)
    expect(delegate.locator("#room-conn")).to_have_attribute(
        "data-state", "connected", timeout=RECONNECT_TIMEOUT_MS
    )
    expect_page(delegate, 4, timeout=RECONNECT_TIMEOUT_MS)
    expect(delegate.locator(DOC)).to_have_attribute("data-mode", "following")
    assert delegate.evaluate("window.__roomMarker") == "same page, never reloaded"

    # The PDF stayed cached: the very same loaded document, not a second download.
    same_pdf = delegate.evaluate(
        "id => window.sohoaRoom.liveDoc.cache.get(id).then(pdf => pdf === window.__pdfBefore)",
        meeting["document_id"],
    )
    assert same_pdf is True
    assert delegate.evaluate("window.sohoaRoom.liveDoc.cache.size") == 1

    # And the room works again both ways: the next page turn arrives live.
    turn_to(chair, 5)
    expect_page(delegate, 5)


def watched(page_factory, problems: list[str]):
    """The page factory, recording every page error and console error into `problems`."""

    def open_page(kind: str = "phone", **options) -> Page:
        opened = page_factory(kind, **options)

        def on_console(msg) -> None:
            if msg.type == "error":
                problems.append(f"{kind}: console.error: {msg.text}")

        opened.on("console", on_console)
        opened.on("pageerror", lambda exc: problems.append(f"{kind}: pageerror: {exc}"))
        return opened

    return open_page


def test_room_runs_without_script_errors(page, meeting):
    """A module that fails to load or throws shows up here, not only as a dead button."""
    problems: list[str] = []
    chair = open_room(watched(page, problems), "chutich", meeting["id"])
    delegate = open_room(watched(page, problems), "daibieu", meeting["id"], kind="phone")

    # The delegate asks for the floor; the chair sees the request and gives it.
    delegate.locator("#tab-speakers").click()
    delegate.locator("#floor-request").click()
    expect(delegate.locator("#floor-position")).to_contain_text("vị trí số 1")
    chair.locator("#tab-speakers").click()
    expect(chair.locator("#queue-list .queue-item")).to_have_count(1)
    chair.locator(".queue-grant").click()
    expect(delegate.locator("#speaking-name")).to_have_text("Lê Văn Cường (Bạn)")
    expect(chair.locator("#queue-empty")).to_be_visible()

    # A vote: opened by the chair, cast by the delegate, closed, the result on both screens.
    chair.locator("#tab-vote").click()
    chair.fill("#vote-question-input", "Thông qua chương trình họp")
    accept_quorum_warning(chair)
    chair.locator("#vote-open-submit").click()
    delegate.get_by_role("button", name="Đồng ý", exact=True).click()
    expect(chair.locator("#vote-tally-text")).to_have_text("Đã biểu quyết 1/2")
    chair.locator("#vote-close").click()
    chair.locator("#vote-close").click()
    for room in (chair, delegate):
        expect(room.locator(".result-card.is-latest .result-yes .result-count")).to_have_text("1")

    assert problems == []
