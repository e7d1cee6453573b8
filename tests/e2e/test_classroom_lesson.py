"""A real lesson in Chromium: the teacher draws on slide 2 and opens a poll; the student's
page shows the stroke and answers; the teacher sees the histogram."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import Page, expect

from core.sample_pdf import numbered_pdf
from tests.e2e.conftest import SCREENSHOTS
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def lesson_id(live_server) -> int:
    teacher = live_server.token("giaovien")
    body = {
        "school": "th-vinh-ninh",
        "name": f"5{uuid.uuid4().hex[:3]}",
        "grade": 5,
        "teacher": "giaovien",
        "students": ["hocsinh"],
    }
    class_id = live_server.api("POST", "/api/v1/classes", teacher, json=body).json()["id"]
    lesson = live_server.api(
        "POST", f"/api/v1/classes/{class_id}/lessons", teacher, json={"title": "Hình tam giác"}
    ).json()["id"]
    response = live_server.api(
        "POST",
        f"/api/v1/lessons/{lesson}/materials",
        teacher,
        files={"file": ("tam-giac.pdf", numbered_pdf(3, "Hình tam giác"), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert live_server.api("POST", f"/api/v1/lessons/{lesson}/start", teacher).ok
    return lesson


def _open(page_factory, username: str, lesson: int, kind: str) -> Page:
    page = page_factory(kind)
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#logout-button")).to_have_count(1)
    page.goto(f"/classroom/lessons/{lesson}")
    expect(page.locator("#lesson-conn")).to_have_attribute("data-state", "connected")
    expect(page.locator("#live-document")).to_have_attribute("data-rendered", "1")
    return page


def test_teacher_draws_and_asks_student_answers(page, lesson_id):
    teacher = _open(page, "giaovien", lesson_id, "tablet")
    student = _open(page, "hocsinh", lesson_id, "phone")
    teacher.click(".ld-next")
    expect(student.locator("#live-document")).to_have_attribute("data-page", "2")
    expect(student.locator("#live-document")).to_have_attribute("data-rendered", "1")
    box = teacher.locator(".board-layer").bounding_box()
    assert box is not None
    teacher.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + box["height"] * 0.3)
    teacher.mouse.down()
    for i in range(1, 15):
        teacher.mouse.move(
            box["x"] + box["width"] * (0.2 + i * 0.03), box["y"] + box["height"] * (0.3 + i * 0.01)
        )
        teacher.wait_for_timeout(15)
    teacher.mouse.up()
    expect(student.locator(".board-layer")).to_have_attribute("data-strokes", "1")
    teacher.fill("#poll-text", "Tam giác có mấy cạnh?")
    teacher.fill("#poll-options-text", "2 cạnh\n3 cạnh\n4 cạnh")
    teacher.fill("#poll-correct", "2")
    teacher.click("#poll-open")
    option = student.locator('.poll-option[data-index="1"]')
    expect(option).to_be_enabled()
    option.click()
    expect(teacher.locator("#histogram")).to_have_attribute("data-answered", "1")
    expect(teacher.locator(".bar-n").nth(1)).to_have_text("1")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    teacher.screenshot(path=str(SCREENSHOTS / "classroom-teacher-tablet.png"))
    student.screenshot(path=str(SCREENSHOTS / "classroom-student-phone.png"))
    teacher.click("#poll-reveal")
    expect(student.locator(".poll-option.correct")).to_have_count(1)
    display = page("tablet")
    display.set_viewport_size({"width": 1920, "height": 1080})
    display.goto("/login")
    display.fill("#username", "giaovien")
    display.fill("#password", DEMO_PASSWORD)
    display.click("#login-submit")
    display.goto(f"/classroom/lessons/{lesson_id}")
    expect(display.locator(".board-layer")).to_have_attribute("data-strokes", "1")
    display.screenshot(path=str(SCREENSHOTS / "classroom-display.png"))
