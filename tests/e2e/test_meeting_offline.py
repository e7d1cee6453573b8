"""Reading through an outage in a real browser: the room keeps the meeting's documents on the
device (service worker + Cache API), a delegate whose Wi-Fi drops keeps reading and writing
private notes, and what a confidential meeting kept is gone after logout or the meeting's end.

Each test makes its own meeting through the API (chair `chutich`, delegate `daibieu`) with
two documents: a short one the room opens on, and a longer one (padded, so pdf.js reads it
in byte ranges) that the delegate opens for the first time while offline.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from core.sample_pdf import numbered_pdf
from tests.e2e.test_meeting_room import DOC, _at, expect_page, open_room, turn_to

pytestmark = pytest.mark.e2e

OFFLINE_TEXT = "Mất kết nối — đang đọc tài liệu đã lưu trên máy"
KEEP_TIMEOUT_MS = 30_000
BACK_TIMEOUT_MS = 25_000
SCREENSHOTS = Path("/tmp")
KEPT_CACHES = (
    "async () => (await caches.keys()).filter((name) => name.startsWith('sohoa-meeting-'))"
)
NOTHING_KEPT = f"async () => (await ({KEPT_CACHES})()).length === 0"


def make_meeting(live_server, *, confidential: bool) -> dict:
    """A started meeting with two documents; returns {id, documents: [id, id], token}."""
    token = live_server.token("chutich")
    response = live_server.api(
        "POST",
        "/api/v1/meetings",
        token,
        json={
            "title": f"Họp đọc khi mất mạng {uuid.uuid4().hex[:6]}",
            "organization": "hue",
            "starts_at": _at(8),
            "ends_at": _at(11),
            "location": "Hội trường lớn",
            "confidential": confidential,
            "chair": "chutich",
            "secretary": "thuky",
            "participants": ["daibieu"],
        },
    )
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    documents = []
    for name, data in (
        ("bao-cao.pdf", numbered_pdf(5, "Báo cáo")),
        ("phu-luc.pdf", numbered_pdf(6, "Phụ lục", filler_kb=400)),
    ):
        upload = live_server.api(
            "POST",
            f"/api/v1/meetings/{meeting_id}/documents",
            token,
            files={"file": (name, data, "application/pdf")},
        )
        assert upload.status_code == 201, upload.text
        documents.append(upload.json()["id"])
    started = live_server.api("POST", f"/api/v1/meetings/{meeting_id}/start", token)
    assert started.status_code == 200, started.text
    return {"id": meeting_id, "documents": documents, "token": token}


def wait_until_kept(room: Page) -> None:
    """Every document of the meeting is on the device and the worker serves this page."""
    expect(room.locator("#room")).to_have_attribute(
        "data-offline-ready", "1", timeout=KEEP_TIMEOUT_MS
    )
    assert room.evaluate("Boolean(navigator.serviceWorker.controller)") is True


def kept_caches(page: Page) -> list[str]:
    return page.evaluate(KEPT_CACHES)


def go_offline(room: Page) -> None:
    """The Wi-Fi drops: no HTTP, and the room's socket closes and cannot come back."""
    room.context.set_offline(True)
    room.evaluate("window.sohoaRoom.socket.io.engine.close()")


def test_delegate_reads_and_writes_notes_through_an_outage(page, live_server):
    meeting = make_meeting(live_server, confidential=False)
    first, second = meeting["documents"]
    chair = open_room(page, "chutich", meeting["id"])
    delegate = open_room(page, "daibieu", meeting["id"])
    wait_until_kept(delegate)
    expect(delegate.locator("#room-saved")).to_have_text("Đã lưu để đọc khi mất mạng")
    assert f"sohoa-meeting-{meeting['id']}" in kept_caches(delegate)

    go_offline(delegate)
    banner = delegate.locator("#room-offline")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(OFFLINE_TEXT)
    expect(banner).to_contain_text("Đã lưu 2/2 tài liệu trên máy.")

    # Three pages the delegate never opened, of a document never loaded: from the device.
    delegate.select_option("#doc-picker", str(second))
    expect(delegate.locator(DOC)).to_have_attribute("data-document-id", str(second))
    expect_page(delegate, 1)
    delegate.locator(".ld-next").click()
    expect_page(delegate, 2)
    delegate.locator(".ld-next").click()
    expect_page(delegate, 3)
    expect(delegate.locator(".ld-indicator")).to_have_text("Trang 3/6")

    # A private note written offline is kept on the device and said to be.
    delegate.click("#tab-notes")
    expect(delegate.locator("#note-text")).to_be_enabled()
    delegate.fill("#note-text", "Hỏi lại số liệu ở phụ lục trang 3")
    expect(delegate.locator("#note-status")).to_have_text("Đã lưu trên máy, sẽ gửi khi có mạng")
    expect(banner).to_contain_text("1 ghi chú đang chờ gửi.")
    delegate.screenshot(path=str(SCREENSHOTS / "room-offline-tablet.png"))

    # Meanwhile the presenter moves on in the first document.
    turn_to(chair, 4)

    # The link returns: the note is stored once, and the delegate follows the presenter again.
    delegate.context.set_offline(False)
    expect(banner).to_be_hidden(timeout=BACK_TIMEOUT_MS)
    expect(delegate.locator("#room-conn")).to_have_attribute(
        "data-state", "connected", timeout=BACK_TIMEOUT_MS
    )
    expect(delegate.locator(DOC)).to_have_attribute(
        "data-document-id", str(first), timeout=BACK_TIMEOUT_MS
    )
    expect_page(delegate, 4, timeout=BACK_TIMEOUT_MS)
    expect(delegate.locator(DOC)).to_have_attribute("data-mode", "following")
    delegate_token = live_server.token("daibieu")
    notes = live_server.api("GET", f"/api/v1/documents/{second}/notes", delegate_token)
    assert notes.json() == {"3": "Hỏi lại số liệu ở phụ lục trang 3"}
    assert delegate.evaluate("localStorage.length") == 0  # nothing left waiting

    # And the room works live again: the next turn arrives.
    turn_to(chair, 5)
    expect_page(delegate, 5)


def test_confidential_meeting_kept_on_the_device_is_gone_after_logout(page, live_server):
    meeting = make_meeting(live_server, confidential=True)
    delegate = open_room(page, "daibieu", meeting["id"])
    wait_until_kept(delegate)
    assert kept_caches(delegate) == [f"sohoa-meeting-{meeting['id']}"]

    delegate.goto("/")
    delegate.click("#logout-button")
    expect(delegate.locator("#username")).to_be_visible()
    delegate.wait_for_function(NOTHING_KEPT)
    assert kept_caches(delegate) == []


def test_signing_in_on_the_device_drops_what_the_last_session_kept(page, live_server):
    """No Clear-Site-Data here (the session expired, nobody signed out): the worker itself
    drops the kept meetings when the next person signs in on the tablet."""
    meeting = make_meeting(live_server, confidential=True)
    delegate = open_room(page, "daibieu", meeting["id"])
    wait_until_kept(delegate)

    delegate.context.clear_cookies()  # the session is gone
    delegate.goto("/login")
    delegate.fill("#username", "thuky")
    delegate.fill("#password", "sohoa-demo-2026")
    delegate.click("#login-submit")
    expect(delegate.locator("#logout-button")).to_have_count(1)
    delegate.wait_for_function(NOTHING_KEPT)


def test_confidential_meeting_is_dropped_from_the_device_when_it_ends(page, live_server):
    meeting = make_meeting(live_server, confidential=True)
    delegate = open_room(page, "daibieu", meeting["id"])
    wait_until_kept(delegate)

    ended = live_server.api("POST", f"/api/v1/meetings/{meeting['id']}/end", meeting["token"])
    assert ended.status_code == 200, ended.text
    delegate.wait_for_function(NOTHING_KEPT)
    expect(delegate.locator("#room-saved")).to_be_hidden()


def test_room_opens_again_without_a_link(page, live_server):
    """A tablet reloaded during the outage: the worker serves the kept room and documents."""
    meeting = make_meeting(live_server, confidential=False)
    delegate = open_room(page, "daibieu", meeting["id"])
    wait_until_kept(delegate)  # this page too

    delegate.context.set_offline(True)
    delegate.reload()
    expect(delegate.locator("#room-offline")).to_contain_text(OFFLINE_TEXT)
    expect(delegate.locator(DOC)).to_have_attribute(
        "data-document-id", str(meeting["documents"][0])
    )
    expect_page(delegate, 1)
    delegate.locator(".ld-next").click()
    expect_page(delegate, 2)
