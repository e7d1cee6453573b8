"""The conference inside the meeting room, in real browsers with fake cameras: the chair
opens the meeting's conference from its page, both rooms show the video panel, the ward
decodes the host's video, and the shared document keeps working. Without a camera the
panel says why and the document still works. The page that creates a conference shows
its errors next to the fields."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from core.i18n import VN_TZ
from core.sample_pdf import numbered_pdf
from tests.e2e.conftest import SCREENSHOTS
from tests.e2e.test_conference import frames_from, media_browser, site_page  # noqa: F401
from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


def _at(hour: int) -> str:
    day = datetime.now(VN_TZ).date() + timedelta(days=1)
    return datetime(day.year, day.month, day.day, hour).isoformat()


@pytest.fixture
def meeting(live_server, tokens) -> int:
    """A started city meeting with a delegate of Phú Nhuận and a 3-page document."""
    token = tokens("chutich")
    made = live_server.api(
        "POST",
        "/api/v1/meetings",
        token,
        json={
            "title": f"Họp trực tuyến thành phố – phường {uuid.uuid4().hex[:6]}",
            "organization": "hue",
            "starts_at": _at(8),
            "ends_at": _at(11),
            "location": "Phòng họp số 1",
            "confidential": False,
            "chair": "chutich",
            "secretary": "thuky",
            "participants": ["daibieu.phunhuan"],
        },
    )
    assert made.status_code == 201, made.text
    meeting_id = made.json()["id"]
    upload = live_server.api(
        "POST",
        f"/api/v1/meetings/{meeting_id}/documents",
        token,
        files={"file": ("bao-cao.pdf", numbered_pdf(3), "application/pdf")},
    )
    assert upload.status_code == 201, upload.text
    started = live_server.api("POST", f"/api/v1/meetings/{meeting_id}/start", token)
    assert started.status_code == 200, started.text
    return int(meeting_id)


def document_drawn(room: Page) -> None:
    expect(room.locator("#live-document")).to_have_attribute("data-rendered", "1")


def test_the_ward_receives_the_hosts_video_in_the_meeting_room(site_page, meeting):  # noqa: F811
    chair = site_page("chutich")
    chair.goto(f"/meetings/{meeting}")
    chair.click("#open-conference")
    chair.wait_for_url("**/conference/*")
    chair.goto(f"/meetings/{meeting}/room")
    expect(chair.locator("#room-video")).to_be_visible()
    expect(chair.locator("#conf-status")).to_have_text("Đã kết nối")
    document_drawn(chair)

    ward = site_page("daibieu.phunhuan", "phone")
    ward.goto(f"/meetings/{meeting}/room")
    expect(ward.locator("#conf-status")).to_have_text("Đã kết nối")
    expect(ward.locator("#btn-request-floor")).to_be_visible()
    document_drawn(ward)
    for _ in range(60):
        if frames_from(ward, "hue") > 0 and frames_from(chair, "phu-nhuan") > 0:
            break
        ward.wait_for_timeout(500)
    assert frames_from(ward, "hue") > 0, "the ward decodes no frame of the host's video"
    assert frames_from(chair, "phu-nhuan") > 0
    expect(ward.locator('#conf-main .tile[data-site="hue"]')).to_have_class(re.compile("playing"))

    # the chair's controls: the ward asks for the floor, the chair gives it
    ward.click("#btn-request-floor")
    expect(chair.locator("#conf-alert")).to_contain_text("xin phát biểu")
    chair.click('.tile[data-site="phu-nhuan"] .give')
    expect(ward.locator("#conf-alert")).to_contain_text("được trao quyền phát biểu")

    # the presenter still turns the pages for everyone
    chair.locator(".ld-next").click()
    expect(ward.locator("#live-document")).to_have_attribute("data-page", "2")

    ward.wait_for_timeout(1000)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chair.screenshot(path=str(SCREENSHOTS / "meeting-room-video-tablet.png"))
    ward.screenshot(path=str(SCREENSHOTS / "meeting-room-video-phone.png"))

    # the panel folds away, and stays folded after a reload
    ward.click("#room-video-toggle")
    expect(ward.locator("#room-video-body")).to_be_hidden()
    expect(ward.locator("#room-video-toggle")).to_have_attribute("aria-expanded", "false")
    ward.reload()
    expect(ward.locator("#room-video-body")).to_be_hidden()
    document_drawn(ward)
    ward.screenshot(path=str(SCREENSHOTS / "meeting-room-video-folded-phone.png"))


def test_without_a_camera_the_panel_says_so_and_the_document_works(
    page, live_server, tokens, meeting
):
    made = live_server.api(
        "POST",
        "/api/v1/conferences",
        tokens("chutich"),
        json={"title": "Hội nghị", "host": "hue", "sites": ["phu-nhuan"], "meeting_id": meeting},
    )
    assert made.status_code == 201, made.text
    ward = page("tablet")
    ward.goto("/login")
    sign_in(ward, "daibieu.phunhuan")
    ward.wait_for_url(lambda url: "/login" not in url)
    ward.goto(f"/meetings/{meeting}/room")
    expect(ward.locator("#conf-alert")).to_contain_text("camera")
    expect(ward.locator("#conf-status")).to_have_text("Đã kết nối")
    document_drawn(ward)
    ward.locator(".ld-next").click()
    expect(ward.locator("#live-document")).to_have_attribute("data-page", "2")


def test_a_chair_creates_a_conference_with_the_form(page):
    chair = page("phone")
    chair.goto("/login")
    sign_in(chair, "chutich")
    chair.wait_for_url(lambda url: "/login" not in url)
    chair.goto("/conference/")
    chair.click("#new-conference")
    expect(chair.locator("h1")).to_have_text("Tạo hội nghị truyền hình")
    chair.click("#sites-all-wards")
    expect(chair.locator("#sites-count")).to_have_text("36")
    chair.click("#sites-none")
    chair.fill("#sites-filter", "tây lộc")
    expect(chair.locator("#local-sites .cf-site:visible")).to_have_count(1)
    chair.check('input[name="sites"][value="tay-loc"]')
    chair.fill("#sites-filter", "")
    chair.check('input[name="sites"][value="phu-nhuan"]')
    expect(chair.locator("#sites-count")).to_have_text("2")
    chair.click("#conference-submit")  # no title yet
    expect(chair.locator("#error-title")).to_have_text("Hãy nhập tên hội nghị.")
    expect(chair.locator("#sites-count")).to_have_text("2")  # the choice is kept
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chair.screenshot(path=str(SCREENSHOTS / "conference-new-error-phone.png"), full_page=True)
    chair.fill("#title", "Giao ban trực tuyến toàn thành phố")
    chair.click("#conference-submit")
    chair.wait_for_url("**/conference/*")
    expect(chair.locator(".conf-title")).to_have_text("Giao ban trực tuyến toàn thành phố")
    expect(chair.locator(".conf-site strong")).to_have_text("UBND thành phố Huế")
