"""Dates typed dd/mm/yyyy HH:MM whatever the browser's language, and forms that name every
field left out at once: an English-language browser schedules a meeting, a parent on a
phone sends an application with two fields missing. Screenshots of the date field on a
phone are kept in test-artifacts/screenshots/ (date-field-*.png)."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, sign_in

pytestmark = pytest.mark.e2e

DETAIL_URL = re.compile(r"/meetings/(\d+)$")


def test_an_english_browser_types_and_sees_dd_mm_yyyy_with_a_24_hour_clock(page):
    tablet = page("tablet", locale="en-US")
    assert tablet.evaluate("navigator.language") == "en-US"
    sign_in(tablet, "chutich")
    tablet.goto("/meetings/new")
    start = tablet.locator("#starts_at")
    expect(start).to_have_attribute("type", "text")
    expect(start).to_have_attribute("placeholder", "dd/mm/yyyy HH:MM")
    expect(start).to_have_attribute("inputmode", "numeric")

    start.fill("")
    start.press_sequentially("011220261430")  # the slashes, space and colon go in by themselves
    expect(start).to_have_value("01/12/2026 14:30")
    start.blur()
    expect(tablet.locator("#ends_at")).to_have_value("01/12/2026 16:30")  # the end follows
    expect(tablet.locator("[data-when-for=starts_at]")).to_contain_text("01/12/2026 · 14:30")

    tablet.fill("#title", f"Họp giao ban tháng 12 {uuid.uuid4().hex[:6]}")
    tablet.select_option("#secretary", "thuky")
    tablet.click("#meeting-submit")
    expect(tablet).to_have_url(DETAIL_URL)
    expect(tablet.locator(".m-hero")).to_contain_text("01/12/2026")
    expect(tablet.locator(".m-hero")).to_contain_text("14:30")

    tablet.goto(tablet.url + "/edit")  # shown back the same way
    expect(tablet.locator("#starts_at")).to_have_value("01/12/2026 14:30")


def test_a_day_that_does_not_exist_is_named_when_leaving_the_field(page):
    phone = page("phone")
    sign_in(phone, "chutich")
    phone.goto("/meetings/new")
    start = phone.locator("#starts_at")
    start.fill("")
    start.press_sequentially("3102202609:00")
    start.blur()
    expect(start).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#starts_at-error")).to_have_text(
        "Bắt đầu không phải ngày giờ có thật (31/02/2026 09:00)."
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.locator("#meeting-form .m-form-card").first.screenshot(
        path=str(SCREENSHOTS / "date-field-phone-meeting.png")
    )


def test_the_application_names_both_missing_fields_and_focuses_the_first(page):
    phone = page("phone", locale="en-US")
    phone.goto("/enrollment/")
    phone.click("#apply-1")
    # the child's name and date of birth left out, the rest filled in
    phone.select_option('[name="child.gender"]', "female")
    phone.fill('[name="child.personal_id"]', "046212345678")
    phone.fill('[name="guardian.full_name"]', "Lê Văn Hải")
    phone.fill('[name="guardian.phone"]', "0914123456")
    phone.select_option('[name="residence.ward_code"]', "phu-hoi")
    phone.fill('[name="residence.address"]', "25 Chi Lăng")
    phone.locator('[name="choice"]').nth(0).select_option("th-phu-hoi")
    phone.click("#apply-submit")

    summary = phone.locator("#apply-error")
    expect(summary).to_contain_text("Thiếu họ và tên học sinh.")
    expect(summary).to_contain_text("Thiếu ngày sinh.")
    name = phone.locator('[name="child.full_name"]')
    born = phone.locator('[name="child.date_of_birth"]')
    expect(name).to_be_focused()
    for field in (name, born):
        expect(field).to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#child-date_of_birth-error")).to_have_text("Thiếu ngày sinh.")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    phone.locator("#apply-form fieldset").first.screenshot(
        path=str(SCREENSHOTS / "date-field-phone-errors.png")
    )

    # the calendar: finger-sized days, a tap fills the field dd/mm/yyyy
    phone.click("#child-date_of_birth + [data-date-pick], [data-date-pick]")
    calendar = phone.locator(".date-cal")
    expect(calendar).to_be_visible()
    day = calendar.locator(".date-cal-day").nth(14)
    box = day.bounding_box()
    assert box and box["height"] >= 44
    assert calendar.bounding_box()["x"] + calendar.bounding_box()["width"] <= 390
    phone.screenshot(path=str(SCREENSHOTS / "date-field-phone-calendar.png"))
    day.tap()
    expect(calendar).to_have_count(0)
    expect(born).to_have_value(re.compile(r"^15/\d{2}/\d{4}$"))
