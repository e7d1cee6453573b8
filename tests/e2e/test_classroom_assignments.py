"""Assignments in Chromium: the teacher sets one on the class page (tablet), the student
hands in text and a picture (phone), the teacher grades it, the student sees the score."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from tests.classroom.work import PNG
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def class_id(live_server) -> int:
    teacher = live_server.token("giaovien")
    body = {
        "school": "th-vinh-ninh",
        "name": f"6{uuid.uuid4().hex[:3]}",
        "grade": 5,
        "teacher": "giaovien",
        "students": ["hocsinh"],
    }
    response = live_server.api("POST", "/api/v1/classes", teacher, json=body)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def _signed_in(page_factory, username: str, kind: str) -> Page:
    page = page_factory(kind)
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#logout-button")).to_have_count(1)
    return page


def test_set_hand_in_grade_and_see_the_score(page, class_id):
    teacher = _signed_in(page, "giaovien", "tablet")
    teacher.goto(f"/classroom/classes/{class_id}")
    teacher.click("#work-new summary")
    form = teacher.locator("#assignment-form")
    form.locator("[name=title]").fill("Viết đoạn văn tả cây phượng")
    form.locator("[name=instructions]").fill("Viết 5–7 câu, chụp ảnh bài làm.")
    expect(form.locator("[name=due_at]")).to_have_value(re.compile(r"^\d{2}/\d{2}/\d{4} 17:00$"))
    form.locator("[name=allow_resubmission]").check()
    teacher.click("#assignment-create")
    expect(teacher.locator("h1")).to_have_text("Viết đoạn văn tả cây phượng")
    expect(teacher.locator("#grading")).to_contain_text("Chưa nộp")

    student = _signed_in(page, "hocsinh", "phone")
    student.goto(f"/classroom/classes/{class_id}")
    row = student.locator(".work-row").first
    expect(row.locator("[data-status]")).to_have_text("Chưa nộp")
    row.locator(".work-title").click()
    student.fill("#submit-form [name=text]", "Cây phượng trước cổng trường em nở đỏ rực.")
    student.set_input_files(
        "#submit-form [name=file]",
        files=[{"name": "bai-lam.png", "mimeType": "image/png", "buffer": PNG}],
    )
    student.click("#submit-work")
    expect(student.locator("#my-status")).to_have_attribute("data-status", "submitted")
    expect(student.locator("#my-work")).to_contain_text("bai-lam.png")

    teacher.reload()
    card = teacher.locator('.submission[data-student="hocsinh"]')
    expect(card).to_contain_text("Cây phượng trước cổng trường")
    card.locator("[name=score]").fill("9")
    card.locator("[name=feedback]").fill("Bài viết giàu hình ảnh.")
    card.locator("button[type=submit]").click()
    expect(teacher.locator('.submission[data-student="hocsinh"]')).to_have_attribute(
        "data-status", "returned"
    )

    student.reload()
    expect(student.locator("#my-status")).to_have_attribute("data-status", "returned")
    expect(student.locator("#my-grade [data-score]")).to_have_text("9")
    expect(student.locator("#my-feedback")).to_have_text("Bài viết giàu hình ảnh.")
    student.goto(f"/classroom/classes/{class_id}")
    expect(student.locator(".work-row [data-score]")).to_contain_text("9/10")
