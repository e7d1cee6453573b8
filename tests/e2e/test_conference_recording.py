"""The chair records a conference from the room: every site sees the REC indicator, and
once stopped the recording is listed in the room and downloads as a playable WebM."""

from __future__ import annotations

import av
from playwright.sync_api import expect

from tests.e2e import test_conference as room
from tests.e2e.conftest import SCREENSHOTS

media_browser = room.media_browser  # Chromium with a fake camera and microphone
site_page = room.site_page
conference_id = room.conference_id


def test_the_chair_records_and_every_site_sees_it(site_page, conference_id, tmp_path):
    host = site_page("chutich")
    host.goto(f"/conference/{conference_id}")
    ward = site_page("chutich.phunhuan", "phone")
    ward.goto(f"/conference/{conference_id}")
    for page in (host, ward):
        expect(page.locator("#conf-status")).to_have_text("Đã kết nối")
        expect(page.locator("#conf-rec")).to_be_hidden()
        expect(page.locator("#conf-no-recordings")).to_be_visible()
    expect(ward.locator("#btn-record")).to_have_count(0)  # only the chair records
    for _ in range(60):
        if room.frames_from(ward, "hue") > 10:
            break
        host.wait_for_timeout(500)

    host.click("#btn-record")
    for page in (host, ward):
        expect(page.locator("#conf-rec")).to_be_visible()
        expect(page.locator("#conf-rec")).to_contain_text("REC")
    expect(host.locator("#btn-record")).to_have_text("Dừng ghi hình")
    host.wait_for_timeout(3500)
    expect(ward.locator("#conf-rec-time")).to_contain_text("00:0")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    host.screenshot(path=str(SCREENSHOTS / "conference-recording-tablet.png"), full_page=True)
    ward.screenshot(path=str(SCREENSHOTS / "conference-recording-phone.png"), full_page=True)

    host.click("#btn-record")
    for page in (host, ward):  # the encoder finishes the file first: allow for a busy machine
        expect(page.locator("#conf-rec")).to_be_hidden(timeout=30_000)
        expect(page.locator("#conf-recordings li a")).to_have_count(1)
        expect(page.locator("#conf-no-recordings")).to_be_hidden()
    expect(host.locator("#btn-record")).to_have_text("Ghi hình")
    host.screenshot(path=str(SCREENSHOTS / "conference-recordings-tablet.png"), full_page=True)
    link = ward.locator("#conf-recordings li a").get_attribute("href")
    assert link
    got = ward.request.get(link)
    assert got.status == 200 and got.headers["content-type"] == "video/webm"
    (tmp_path / "rec.webm").write_bytes(got.body())
    with av.open(str(tmp_path / "rec.webm")) as container:
        assert sorted(s.type for s in container.streams) == ["audio", "video"]
        assert (container.duration or 0) / av.time_base > 2.0
    ward.reload()  # the page lists it from the server too
    expect(ward.locator("#conf-recordings li a")).to_have_count(1)
    ward.screenshot(path=str(SCREENSHOTS / "conference-recordings-phone.png"), full_page=True)
