"""The classroom forms (a class, a lesson, an assignment) are sent to the API: a refusal
lists every field wrong, each named in words, so the form marks them all at once."""

from __future__ import annotations

import pytest

from classroom.models import SchoolClass
from classroom.schemas import OpenPollIn
from core.errors import DomainError
from core.extensions import db
from core.schemas import parse
from tests.classroom.conftest import SCHOOL
from tests.classroom.work import (
    upload,
    work_fixture,  # noqa: F401 - the `work` fixture
)

pytestmark = pytest.mark.db


def listed(response) -> dict[str, str]:
    assert response.status_code == 422, response.get_json()
    return {e["field"]: e["message"] for e in response.get_json()["error"]["details"]["errors"]}


def test_a_class_left_without_name_and_grade_names_both(client, h):
    before = db.session.query(SchoolClass).count()
    body = {"school": SCHOOL, "name": "", "grade": None, "teacher": "giaovien", "students": []}
    response = client.post("/api/v1/classes", json=body, headers=h("giaovien"))
    assert listed(response) == {"name": "Thiếu tên lớp.", "grade": "Thiếu khối."}
    assert db.session.query(SchoolClass).count() == before


def test_an_assignment_names_its_title_and_a_mistyped_due_date(client, h):
    class_id = client.get("/api/v1/classes", headers=h("giaovien")).get_json()[0]["id"]
    body = {"title": "", "due_at": "31/02/2027 17:00", "max_score": 0}
    response = client.post(f"/api/v1/classes/{class_id}/assignments", json=body,
                           headers=h("giaovien"))
    assert listed(response) == {
        "title": "Thiếu tên bài tập.",
        "due_at": "Hạn nộp không phải ngày giờ có thật (31/02/2027 17:00).",
        "max_score": "Thang điểm nằm ngoài khoảng cho phép.",
    }
    assert response.get_json()["error"]["code"] == "missing_field"


def test_a_due_date_in_12_hour_clock_is_refused_with_the_form_to_use(client, h):
    class_id = client.get("/api/v1/classes", headers=h("giaovien")).get_json()[0]["id"]
    body = {"title": "Bài 1", "due_at": "12/31/2027 5:00 PM"}
    response = client.post(f"/api/v1/classes/{class_id}/assignments", json=body,
                           headers=h("giaovien"))
    error = response.get_json()["error"]
    assert (response.status_code, error["code"]) == (422, "invalid_due_at")
    assert error["message"] == "Hạn nộp không đúng dạng dd/mm/yyyy HH:MM (giờ 24)."


def test_the_assignment_form_uses_the_shared_date_field(client, auth, demo):
    auth.login("giaovien")
    class_id = db.session.query(SchoolClass).first().id
    page = client.get(f"/classroom/classes/{class_id}").get_data(as_text=True)
    assert 'id="assignment-due" name="due_at" type="text" inputmode="numeric"' in page
    assert 'data-date-input="datetime"' in page and 'id="assignment-error"' in page


def test_a_grade_names_the_score_and_the_feedback(client, h, work):
    url = f"/api/v1/assignments/{work['assignment']['id']}/submissions"
    handed = upload(client, url, h("hocsinh"), [], text="Bài làm").get_json()
    body = {"score": None, "feedback": "x" * 5001}
    response = client.post(f"/api/v1/submissions/{handed['id']}/grade", json=body,
                           headers=h("giaovien"))
    assert listed(response) == {
        "score": "Thiếu điểm.",
        "feedback": "Nhận xét dài quá 5000 ký tự.",
    }


def test_a_join_code_left_out_is_named(client):
    response = client.post("/api/v1/classroom/join", json={"code": ""})
    error = response.get_json()["error"]
    assert (response.status_code, error["message"]) == (422, "Thiếu mã vào lớp.")
    assert error["details"] == {"field": "code"}


def test_a_poll_names_its_question_and_timer(app):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        parse(OpenPollIn, {"kind": "single", "question": "", "options": ["1", ""], "seconds": 2})
    every = {e["field"]: e["message"] for e in refused.value.details["errors"]}
    assert every == {
        "question": "Thiếu câu hỏi.",
        "options.1": "Phương án không được để trống.",
        "seconds": "Thời gian nằm ngoài khoảng cho phép.",
    }


def test_the_poll_form_uses_the_shared_errors(client, auth, h):
    class_id = db.session.query(SchoolClass).first().id
    lesson = client.post(f"/api/v1/classes/{class_id}/lessons", json={"title": "Bài 1"},
                         headers=h("giaovien"))
    auth.login("giaovien")
    page = client.get(f"/classroom/lessons/{lesson.get_json()['id']}").get_data(as_text=True)
    assert 'id="poll-form" autocomplete="off" novalidate' in page
    for name in ("kind", "question", "options", "correct", "seconds"):
        assert f'name="{name}"' in page
    assert 'id="poll-form-errors" data-form-errors' in page
