"""The room on tablets and phones: the side panel can be hidden (and stays hidden after a
reload), a tablet in landscape shows the whole page, and on a phone tapping the highlighted
"Biểu quyết" tab does not close a ballot that waits for the delegate."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_meeting_room import accept_quorum_warning, meeting, open_room

pytestmark = pytest.mark.e2e
__all__ = ["meeting"]  # the fixture, used by name


def test_the_panel_hides_on_a_tablet_and_the_ballot_sheet_stays_on_a_phone(page, meeting):
    chair = open_room(page, "chutich", meeting["id"])  # a tablet in landscape
    expect(chair.locator(".ld-fit")).to_have_attribute("aria-label", "Vừa chiều rộng")
    side = chair.locator("#room-side")
    expect(side).to_be_visible()
    chair.locator("#panel-toggle").click()
    expect(side).to_be_hidden()
    expect(chair.locator("#panel-toggle")).to_have_attribute("aria-pressed", "true")
    chair.reload()
    expect(chair.locator("#room-conn")).to_have_attribute("data-state", "connected")
    expect(side).to_be_hidden()
    chair.locator("#panel-toggle").click()
    expect(side).to_be_visible()

    delegate = open_room(page, "daibieu", meeting["id"], kind="phone")
    chair.locator("#tab-vote").click()
    chair.fill("#vote-question-input", "Thông qua bố cục phòng họp")
    accept_quorum_warning(chair)
    chair.locator("#vote-open-submit").click()
    room = delegate.locator("#room")
    expect(room).to_have_attribute("data-sheet", "open")
    expect(delegate.locator("#vote-question")).to_have_text("Thông qua bố cục phòng họp")
    delegate.locator("#tab-vote").click()  # the highlighted tab: the ballot stays
    expect(room).to_have_attribute("data-sheet", "open")
    delegate.get_by_role("button", name="Đồng ý", exact=True).click()
    expect(delegate.locator("#vote-note")).to_contain_text("Bạn đã biểu quyết")
    delegate.locator("#tab-vote").click()  # voted: the tab closes its sheet as before
    expect(room).to_have_attribute("data-sheet", "closed")


@pytest.mark.parametrize("kind", ["phone", "ipad-portrait", "tablet-portrait"])
def test_the_room_fits_and_is_kept_as_a_screenshot(page, meeting, kind):
    """The room on a phone (390×844), an iPad in portrait (820×1180) and a large tablet
    (1024×1366): the page is drawn whole, the controls are in reach, and a screenshot is
    kept in test-artifacts/screenshots/ for people to look at."""
    room = open_room(page, "daibieu", meeting["id"], kind=kind)
    document = room.locator("#live-document canvas").first
    box, viewport = document.bounding_box(), room.viewport_size
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"] + 1
    for control in ("#tab-vote", ".ld-next"):
        target = room.locator(control).bounding_box()
        assert target and target["height"] >= 44, (control, target)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    room.screenshot(path=str(SCREENSHOTS / f"meeting-room-{kind}.png"))
