"""A parent on a phone: apply for grade 1, download the receipt, look up the status."""

from __future__ import annotations

import io
import random

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

pytestmark = pytest.mark.e2e


def test_apply_download_receipt_and_track_on_a_phone(page, live_server, tmp_path):
    phone = page("phone")
    phone.goto("/enrollment/")
    phone.click("#apply-1")
    year = int(phone.locator("h1").inner_text().split()[-1].split("-")[0])
    personal_id = f"0462{random.randrange(10**8):08d}"
    phone.fill('[name="child.full_name"]', "Lê Thị Hồng Nhung")
    phone.fill('[name="child.date_of_birth"]', f"02/09/{year - 6}")
    phone.select_option('[name="child.gender"]', "female")
    phone.fill('[name="child.personal_id"]', "12345")  # too short: named under the field
    phone.fill('[name="guardian.full_name"]', "Lê Văn Hải")
    phone.fill('[name="guardian.phone"]', "0914123456")
    phone.select_option('[name="residence.ward_code"]', "phu-hoi")
    phone.fill('[name="residence.address"]', "25 Chi Lăng")
    phone.locator('[name="choice"]').nth(0).select_option("th-phu-hoi")
    phone.locator('[name="choice"]').nth(1).select_option("th-vinh-ninh")
    phone.click("#apply-submit")
    expect(phone.locator("#apply-error")).to_be_visible()
    expect(phone.locator('[name="child.personal_id"]')).to_have_attribute("aria-invalid", "true")
    expect(phone.locator('[name="child.personal_id"]')).to_be_focused()
    phone.fill('[name="child.personal_id"]', personal_id)
    phone.click("#apply-submit")
    expect(phone.locator("#apply-done")).to_be_visible()
    code = phone.locator("#done-code").inner_text().replace("-", "")
    pin = phone.locator("#done-pin").inner_text()
    assert len(code) == 9 and len(pin) == 6
    proof = tmp_path / "giay-khai-sinh.pdf"
    proof.write_bytes(b"%PDF-1.4\n%%EOF\n")
    phone.set_input_files('[name="birth_certificate"]', str(proof))
    phone.click("#files-submit")
    expect(phone.locator("#files-status")).to_contain_text("giay-khai-sinh.pdf")

    with phone.expect_download() as download:
        phone.click("#done-receipt")
    pdf = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Lê Thị Hồng Nhung" in text and pin in text

    phone.click("#done-track")
    phone.fill('[name="date_of_birth"]', f"02/09/{year - 6}")
    phone.click("#track-submit")
    expect(phone.locator("#track-status")).to_have_text("Đã nộp hồ sơ")
    expect(phone.locator(".enr-history li")).to_have_count(1)

    phone.fill('[name="date_of_birth"]', f"03/09/{year - 6}")
    phone.click("#track-submit")
    expect(phone.locator("#track-error")).to_be_visible()
    expect(phone.locator("#track-result")).to_have_count(0)
