"""A private note keeps its page: the presenter turns the page while a delegate is writing,
and the sentence stays whole on the page it was started on (issue: notes split over two
pages). The follow label names the presenter."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.test_meeting_room import DOC, expect_page, meeting, open_room, turn_to

pytestmark = pytest.mark.e2e
__all__ = ["meeting"]  # the fixture, used by name


def test_a_note_keeps_its_page_while_the_presenter_moves_on(page, live_server, meeting):
    chair = open_room(page, "chutich", meeting["id"])
    delegate = open_room(page, "daibieu", meeting["id"])
    expect(delegate.locator(f"{DOC} .ld-mode")).to_have_text("Đang theo Nguyễn Văn An")

    delegate.locator("#tab-notes").click()
    area = delegate.locator("#note-text")
    expect(area).to_be_enabled()
    area.click()
    area.type("Câu hỏi về ")

    turn_to(chair, 2)
    expect_page(delegate, 2)  # the document follows the presenter …
    hint = delegate.locator("#note-page-hint")
    expect(hint).to_be_visible()  # … but the note stays on page 1 and says so
    expect(hint).to_contain_text("trang 1")
    area.type("số liệu thu ngân sách")
    expect(area).to_have_value("Câu hỏi về số liệu thu ngân sách")

    delegate.locator(DOC).click()  # leaving the field: saved on page 1, page 2's note shows
    expect(hint).to_be_hidden()
    expect(delegate.locator("#note-label")).to_contain_text("trang 2")
    expect(area).to_have_value("")

    url = f"/api/v1/documents/{meeting['document_id']}/notes"
    token = live_server.token("daibieu")

    def stored() -> dict:
        return live_server.api("GET", url, token).json()

    delegate.wait_for_function(
        "() => document.querySelector('#note-status').dataset.state !== 'saving'"
    )
    notes = stored()
    assert notes.get("1") == "Câu hỏi về số liệu thu ngân sách", notes
    assert not notes.get("2"), notes
