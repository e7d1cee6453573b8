"""Preparing a meeting in a real browser: the form, the agenda, uploads and their refusals."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from core.i18n import VN_TZ
from core.sample_pdf import numbered_pdf
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

DETAIL_URL = re.compile(r"/meetings/(\d+)$")


def local_input(days: int, hour: int) -> str:
    """A date-and-time field's value as typed: dd/mm/yyyy HH:MM, Vietnam time."""
    day = datetime.now(VN_TZ).date() + timedelta(days=days)
    return f"{day:%d/%m/%Y} {hour:02d}:00"


def test_chair_prepares_a_meeting_on_a_tablet(page, tmp_path):
    tablet = page("tablet")
    sign_in(tablet, "chutich")
    title = f"Họp chuẩn bị ngân sách {uuid.uuid4().hex[:6]}"

    tablet.goto("/meetings/")
    tablet.click("#new-meeting")
    expect(tablet.locator("main h1")).to_have_text("Tạo cuộc họp")
    tablet.fill("#title", title)
    tablet.select_option("#kind", "thematic")
    tablet.fill("#starts_at", local_input(5, 14))
    tablet.fill("#ends_at", local_input(5, 16))
    tablet.fill("#location", "Phòng họp số 2, UBND thành phố")
    tablet.select_option("#secretary", "thuky")
    tablet.fill("#participant-filter", "cuong")  # no accents
    expect(tablet.locator("#participant-list .m-pick:visible")).to_have_count(1)
    tablet.check("input[name=participants][value=daibieu]")
    tablet.click("#meeting-submit")

    expect(tablet).to_have_url(DETAIL_URL)
    expect(tablet.locator(".flash-success")).to_have_text("Đã tạo cuộc họp.")
    expect(tablet.locator("#meeting-title")).to_have_text(title)
    day = (datetime.now(VN_TZ).date() + timedelta(days=5)).strftime("%d/%m/%Y")
    expect(tablet.locator(".m-hero")).to_contain_text(f"{day}, 14:00–16:00")
    expect(tablet.locator(".m-hero")).to_contain_text("Chuyên đề")
    expect(tablet.locator("#participants")).to_contain_text("Lê Văn Cường")

    # an agenda item
    tablet.fill("#agenda-title-input", "Tờ trình điều chỉnh dự toán ngân sách")
    tablet.select_option("#agenda-presenter", "daibieu")
    tablet.fill("#agenda-minutes", "20")
    tablet.click("#agenda-submit")
    item = tablet.locator("#agenda-list .m-agenda-item")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Tờ trình điều chỉnh dự toán ngân sách")
    expect(item).to_contain_text("Trình bày: Lê Văn Cường · 20 phút")
    # the page reloaded: its scripts have run once the toast it carried over shows
    expect(tablet.locator("#sohoa-toasts")).to_contain_text("Đã thêm mục vào chương trình họp.")

    # a valid PDF, filed under the item
    good = tmp_path / "to-trinh-du-toan.pdf"
    good.write_bytes(numbered_pdf(3, "Tờ trình điều chỉnh dự toán"))
    tablet.set_input_files("#upload-files", str(good))
    expect(tablet.locator("#upload-chosen")).to_have_text("Đã chọn 1 tệp")
    title_field = tablet.locator("#upload-files-list input[name=titles]")
    expect(title_field).to_have_attribute("placeholder", "to-trinh-du-toan")
    title_field.fill("Tờ trình số 12/TTr-UBND về dự toán")
    tablet.select_option("#upload-item", label="1. Tờ trình điều chỉnh dự toán ngân sách")
    tablet.click("#upload-submit")
    document = item.locator(".m-doc")
    expect(document).to_have_count(1)
    expect(document.locator(".m-doc-pages")).to_have_text("3 trang")
    expect(document).to_contain_text("Tờ trình số 12/TTr-UBND về dự toán")
    expect(tablet.locator("#sohoa-toasts")).to_contain_text("Đã tải lên 1 tài liệu.")

    # a text file named .pdf is refused, in Vietnamese, and nothing is stored
    bad = tmp_path / "ghi-chu.pdf"
    bad.write_text("Đây là ghi chú, không phải PDF.", encoding="utf-8")
    tablet.set_input_files("#upload-files", [str(good), str(bad)])
    tablet.click("#upload-submit")
    error = tablet.locator("#upload-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("Tệp “ghi-chu.pdf” bị từ chối")
    expect(error).to_contain_text("Tệp không phải là tài liệu PDF.")
    expect(error).to_contain_text("Không tệp nào được lưu.")
    expect(tablet.locator("#upload-files-list li.is-refused")).to_have_text(
        re.compile(r"ghi-chu\.pdf.*Bị từ chối")
    )
    tablet.reload()
    expect(tablet.locator(".m-doc")).to_have_count(1)  # the batch changed nothing


def test_secretary_reorders_the_agenda_with_arrows_on_a_phone(page, live_server):
    token = live_server.token("chutich")
    day = datetime.now(VN_TZ).date() + timedelta(days=6)
    created = live_server.api("POST", "/api/v1/meetings", token, json={
        "title": f"Họp giao ban tuần {uuid.uuid4().hex[:6]}", "organization": "hue",
        "kind": "briefing", "starts_at": f"{day}T07:30", "ends_at": f"{day}T09:00",
        "location": "Phòng giao ban", "chair": "chutich", "secretary": "thuky",
        "participants": ["daibieu"],
    })
    assert created.status_code == 201, created.text
    meeting_id = created.json()["id"]
    for title in ("Tình hình tuần qua", "Nhiệm vụ tuần tới", "Ý kiến các đơn vị"):
        response = live_server.api(
            "POST", f"/api/v1/meetings/{meeting_id}/agenda-items", token, json={"title": title}
        )
        assert response.status_code == 201, response.text

    phone = page("phone")
    sign_in(phone, "thuky")
    phone.goto(f"/meetings/{meeting_id}")
    titles = phone.locator("#agenda-list .m-agenda-title")
    expect(titles).to_have_text(["Tình hình tuần qua", "Nhiệm vụ tuần tới", "Ý kiến các đơn vị"])
    phone.locator("#agenda-list .m-agenda-item").nth(2).locator("[data-move=up]").click()
    expect(titles).to_have_text(["Tình hình tuần qua", "Ý kiến các đơn vị", "Nhiệm vụ tuần tới"])
    expect(phone.locator("#agenda-list [data-position]")).to_have_text(["1", "2", "3"])
    expect(phone.locator(".toast")).to_have_text("Đã lưu thứ tự chương trình họp.")

    phone.reload()  # the order was saved
    expect(titles).to_have_text(["Tình hình tuần qua", "Ý kiến các đơn vị", "Nhiệm vụ tuần tới"])


def test_an_agenda_item_without_a_title_is_marked_under_its_field(page, live_server, tmp_path):
    token = live_server.token("chutich")
    day = datetime.now(VN_TZ).date() + timedelta(days=7)
    created = live_server.api("POST", "/api/v1/meetings", token, json={
        "title": f"Họp thường kỳ {uuid.uuid4().hex[:6]}", "organization": "hue",
        "starts_at": f"{day}T08:00", "ends_at": f"{day}T10:00",
        "chair": "chutich", "secretary": "thuky",
    })
    assert created.status_code == 201, created.text
    meeting_id = created.json()["id"]
    for size in ("phone", "tablet"):
        screen = page(size)
        sign_in(screen, "thuky")
        screen.goto(f"/meetings/{meeting_id}")
        screen.fill("#agenda-minutes", "0")
        screen.click("#agenda-submit")
        title = screen.locator("#agenda-title-input")
        expect(title).to_be_focused()
        expect(title).to_have_attribute("aria-invalid", "true")
        under = screen.locator("#agenda-form .field.has-error .field-error").first
        expect(under).to_have_text("Thiếu tiêu đề mục.")
        summary = screen.locator("#agenda-form-errors")
        expect(summary).to_contain_text("Thiếu tiêu đề mục.")
        expect(summary).to_contain_text("Số phút nằm ngoài khoảng cho phép.")
        expect(screen.locator("#agenda-minutes")).to_have_attribute("aria-invalid", "true")
        screen.screenshot(path=str(tmp_path / f"agenda-error-{size}.png"))
        title.fill("Báo cáo tình hình")
        screen.fill("#agenda-minutes", "15")
        screen.click("#agenda-submit")
        added = screen.locator("#agenda-list .m-agenda-item")
        expect(added).to_have_count(1 if size == "phone" else 2)
