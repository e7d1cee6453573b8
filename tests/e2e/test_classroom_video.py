"""Video in a real live lesson (two Chromium pages with fake cameras): the teacher turns
the class video on, the student's page decodes the teacher's camera while the slides
still follow; the teacher calls on the student, whose camera then reaches the teacher;
a student on a weak link switches video off and keeps following the slides."""

from __future__ import annotations

import os
import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from core.sample_pdf import numbered_pdf
from tests.e2e.conftest import CHROMIUM_ARGS, SCREENS, SCREENSHOTS
from tests.e2e.test_conference import FAKE_MEDIA
from tests.e2e.test_login import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def media_browser(browser):
    """A Chromium with fake camera and microphone, for these tests only."""
    launched = browser.browser_type.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        headless=True,
        args=[*CHROMIUM_ARGS, *FAKE_MEDIA],
    )
    yield launched
    launched.close()


@pytest.fixture
def device(media_browser, live_server):
    contexts = []

    def open_page(username: str, kind: str) -> Page:
        context = media_browser.new_context(
            base_url=live_server.url,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
            **SCREENS[kind],
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.goto("/login")
        sign_in(page, username)
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    yield open_page
    for context in contexts:
        context.close()


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
        "POST", f"/api/v1/classes/{class_id}/lessons", teacher, json={"title": "Phân số bằng nhau"}
    ).json()["id"]
    response = live_server.api(
        "POST",
        f"/api/v1/lessons/{lesson}/materials",
        teacher,
        files={"file": ("phan-so.pdf", numbered_pdf(4, "Phân số bằng nhau"), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert live_server.api("POST", f"/api/v1/lessons/{lesson}/start", teacher).ok
    return lesson


def enter(page: Page, lesson: int) -> Page:
    page.goto(f"/classroom/lessons/{lesson}")
    expect(page.locator("#lesson-conn")).to_have_attribute("data-state", "connected")
    expect(page.locator("#live-document")).to_have_attribute("data-rendered", "1")
    return page


def frames(page: Page, code: str) -> int:
    return int(page.evaluate("(code) => window.sohoaVideo.framesFrom(code)", code))


def wait_for_frames(page: Page, code: str) -> int:
    for _ in range(60):
        if frames(page, code) > 10:
            break
        page.wait_for_timeout(500)
    return frames(page, code)


def test_student_sees_the_teacher_and_is_called_on_while_slides_follow(device, lesson_id):
    teacher = enter(device("giaovien", "tablet"), lesson_id)
    student = enter(device("hocsinh", "phone"), lesson_id)
    panel = student.locator("#lesson-video")
    expect(panel).to_be_hidden()  # no video yet: the lesson runs without it
    expect(teacher.locator("#lv-start")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    teacher.screenshot(path=str(SCREENSHOTS / "classroom-video-teacher-before-tablet.png"))
    teacher.click("#lv-start")
    expect(teacher.locator("#lesson-video")).to_have_attribute("data-state", "on")
    expect(panel).to_have_attribute("data-state", "on")
    host = student.evaluate("() => window.sohoaVideo.state.pass.conference.host")
    me = student.evaluate("() => window.sohoaVideo.state.pass.site")
    assert wait_for_frames(student, host) > 10  # the student's page decodes the teacher
    expect(student.locator(f'.lv-tile[data-site="{host}"]')).to_have_class(
        re.compile(r"\bplaying\b")
    )
    teacher.click(".ld-next")  # the slides still follow the teacher
    expect(student.locator("#live-document")).to_have_attribute("data-page", "2")
    # a student may not give the floor: the server refuses it
    refused = student.evaluate(
        "(site) => new Promise((ok) => window.sohoaVideo.socket.emit('give_floor', {site}, ok))",
        me,
    )
    assert refused["ok"] is False and refused["error"]["code"] == "not_host"
    # the student raises a hand; the teacher calls them on from the video panel
    student.click('.side-tab[data-panel="hands"]')
    student.click("#hand-raise")
    expect(teacher.locator("#lv-student optgroup").first).to_have_attribute("label", "Đang giơ tay")
    teacher.select_option("#lv-student", me)
    teacher.click("#lv-give")
    expect(student.locator(".lesson-toast").filter(has_text="mời bạn phát biểu")).to_be_visible()
    expect(student.locator("#lv-floor")).to_have_text("Đang phát biểu: Bạn")
    assert wait_for_frames(teacher, me) > 10  # the teacher sees the student on the floor
    expect(teacher.locator("#hands-count")).to_have_text("0")  # called on: hand lowered
    student.click('.side-tab[data-panel="poll"]')
    expect(student.locator(".lesson-toast")).to_have_count(0)  # the notices have faded
    teacher.screenshot(path=str(SCREENSHOTS / "classroom-video-teacher-tablet.png"))
    student.screenshot(path=str(SCREENSHOTS / "classroom-video-student-phone.png"))
    teacher.click("#lv-take")
    expect(student.locator("#lv-floor")).to_be_hidden()
    expect(student.locator(f'.lv-tile[data-site="{me}"]')).to_have_count(0)
    # weak link: the student switches video off and keeps following the slides
    student.click("#lv-off")
    expect(panel).to_have_attribute("data-state", "off")
    expect(student.locator(".lv-tile")).to_have_count(0)
    teacher.click(".ld-next")
    expect(student.locator("#live-document")).to_have_attribute("data-page", "3")
    expect(student.locator(".lesson-toast")).to_have_count(0)
    student.screenshot(path=str(SCREENSHOTS / "classroom-video-off-phone.png"))
    student.click("#lv-on")
    assert wait_for_frames(student, host) > 10
    # the link drops and comes back: the page receives the teacher again on a new connection
    student.evaluate(
        "(h) => { window.oldPc = window.sohoaVideo.state.receivers.get(h);"
        " window.sohoaVideo.socket.io.engine.close(); }",
        host,
    )
    renewed = "(h) => { const pc = window.sohoaVideo.state.receivers.get(h);"
    renewed += " return Boolean(pc) && pc !== window.oldPc; }"
    student.wait_for_function(renewed, arg=host)
    assert wait_for_frames(student, host) > 10
    # the teacher stops the video: the student's panel goes away, the lesson goes on
    teacher.click("#lv-stop")
    expect(panel).to_be_hidden()
    expect(teacher.locator("#lesson-video")).to_have_attribute("data-state", "none")
