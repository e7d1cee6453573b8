"""A young student joins with the class's code in Chromium: types the code, picks a name,
waits; the teacher admits the device from the live lesson; the student is in the lesson.
Then group work: the student draws on the group's board, the teacher looks at it and
brings everyone back."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from core.sample_pdf import numbered_pdf
from tests.e2e.conftest import SCREENSHOTS
from tests.support import DEMO_PASSWORD

pytestmark = pytest.mark.e2e


@pytest.fixture
def live(live_server) -> dict:
    teacher = live_server.token("giaovien")
    body = {
        "school": "th-vinh-ninh",
        "name": f"1{uuid.uuid4().hex[:3]}",
        "grade": 1,
        "teacher": "giaovien",
        "students": ["hocsinh"],
    }
    made = live_server.api("POST", "/api/v1/classes", teacher, json=body).json()
    live_server.api(
        "POST",
        f"/api/v1/classes/{made['id']}/roster",
        teacher,
        files={"file": ("ds.csv", "ho_ten\nBé Na\nBé Bin\n".encode(), "text/csv")},
    )
    lesson = live_server.api(
        "POST", f"/api/v1/classes/{made['id']}/lessons", teacher, json={"title": "Chữ cái"}
    ).json()["id"]
    live_server.api(
        "POST",
        f"/api/v1/lessons/{lesson}/materials",
        teacher,
        files={"file": ("chu-cai.pdf", numbered_pdf(3, "Chữ cái"), "application/pdf")},
    )
    assert live_server.api("POST", f"/api/v1/lessons/{lesson}/start", teacher).ok
    return {"id": lesson, "code": made["join_code"]}


def _teacher(page_factory, lesson: int) -> Page:
    page = page_factory("tablet")
    page.goto("/login")
    page.fill("#username", "giaovien")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#logout-button")).to_have_count(1)
    page.goto(f"/classroom/lessons/{lesson}")
    expect(page.locator("#lesson-conn")).to_have_attribute("data-state", "connected")
    return page


def _draw(page: Page) -> None:
    box = page.locator(".board-layer").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.3)
    page.mouse.down()
    for i in range(1, 10):
        page.mouse.move(box["x"] + box["width"] * (0.3 + i * 0.03), box["y"] + box["height"] * 0.4)
        page.wait_for_timeout(15)
    page.mouse.up()


def test_join_with_the_code_then_group_work(page, live):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    teacher = _teacher(page, live["id"])
    teacher.click('.side-tab[data-panel="join"]')
    expect(teacher.locator("#join-code-big")).to_have_text(live["code"])
    student = page("phone")
    student.goto("/classroom/join")
    student.fill("#join-code", "SAIMA9")
    student.click('#join-code-form button[type="submit"]')
    expect(student.locator("#join-code-form .field-error")).to_contain_text("Mã vào lớp không đúng")
    expect(student.locator("#join-code")).to_be_focused()
    student.fill("#join-code", live["code"].lower())
    student.click('#join-code-form button[type="submit"]')
    expect(student.locator(".join-name")).to_have_count(3)
    student.screenshot(path=str(SCREENSHOTS / "classroom-join-names-phone.png"))
    student.locator(".join-name", has_text="Bé Na").click()
    expect(student.locator("#join-wait")).to_be_visible()
    student.screenshot(path=str(SCREENSHOTS / "classroom-join-wait-phone.png"))
    request = teacher.locator("#join-requests li", has_text="Bé Na")
    expect(request).to_have_count(1)
    expect(teacher.locator("#join-count")).to_have_text("1")
    teacher.screenshot(path=str(SCREENSHOTS / "classroom-join-teacher-tablet.png"))
    request.locator(".req-admit").click()
    expect(student).to_have_url(re.compile(rf"/classroom/lessons/{live['id']}$"))
    expect(student.locator("#lesson-conn")).to_have_attribute("data-state", "connected")
    expect(student.locator("#live-document")).to_have_attribute("data-rendered", "1")
    expect(student.locator("#hand-raise")).to_have_count(1)
    teacher.click('.side-tab[data-panel="attendance"]')
    expect(teacher.locator(".att", has_text="Bé Na").locator(".att-dot.online")).to_have_count(1)
    # group work: two groups; Bé Na draws on her group's board, the teacher looks at it
    teacher.click('.side-tab[data-panel="groups"]')
    teacher.fill("#group-count", "2")
    teacher.click('#group-form button[type="submit"]')
    expect(teacher.locator("#group-list > li")).to_have_count(2)
    expect(student.locator("#group-banner")).to_be_visible()
    expect(student.locator("#board-tools")).to_be_visible()
    _draw(student)
    expect(student.locator(".board-layer")).to_have_attribute("data-strokes", "1")
    student.screenshot(path=str(SCREENSHOTS / "classroom-group-student-phone.png"))
    group = teacher.locator("#group-list > li", has_text="Bé Na")
    group.locator(".group-view").click()
    expect(teacher.locator("#group-banner")).to_be_visible()
    expect(teacher.locator(".board-layer")).to_have_attribute("data-strokes", "1")
    teacher.screenshot(path=str(SCREENSHOTS / "classroom-groups-teacher-tablet.png"))
    teacher.click("#groups-end")
    expect(student.locator("#group-banner")).to_be_hidden()
    expect(teacher.locator("#group-banner")).to_be_hidden()
    expect(student.locator(".board-layer")).to_have_attribute("data-strokes", "0")


def test_school_staff_create_a_class_with_its_roster(page, tmp_path):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    roster = tmp_path / "lop.csv"
    roster.write_text("ho_ten,ma_dinh_danh\nHồ Bảo Ngọc,046000000123\nĐặng Tuấn Kiệt,\n")
    bad = tmp_path / "sai.csv"
    bad.write_text("ho_ten,ma_dinh_danh\nAn,12\n")
    for kind in ("phone", "tablet"):
        staff = _teacher_home(page, kind)
        staff.click("#new-class-link")
        name = f"1{uuid.uuid4().hex[:3]}"
        staff.fill('input[name="name"]', name)
        staff.fill('input[name="grade"]', "1")
        staff.screenshot(path=str(SCREENSHOTS / f"classroom-new-class-{kind}.png"), full_page=True)
        if kind == "phone":  # a bad roster: the class exists, the rows are listed
            staff.set_input_files('input[name="file"]', str(bad))
            staff.click('#new-class-form button[type="submit"]')
            expect(staff.locator("#new-class-error")).to_contain_text("Dòng 2")
            continue
        staff.set_input_files('input[name="file"]', str(roster))
        staff.click('#new-class-form button[type="submit"]')
        expect(staff.locator("h1")).to_contain_text(name)
        expect(staff.locator(".roster")).to_contain_text("Hồ Bảo Ngọc")
        expect(staff.locator("#join-code")).to_have_count(1)
        staff.screenshot(path=str(SCREENSHOTS / "classroom-new-class-done-tablet.png"))


def _teacher_home(page_factory, kind: str) -> Page:
    page = page_factory(kind)
    page.goto("/login")
    page.fill("#username", "giaovien")
    page.fill("#password", DEMO_PASSWORD)
    page.click("#login-submit")
    expect(page.locator("#logout-button")).to_have_count(1)
    page.goto("/classroom/")
    return page
