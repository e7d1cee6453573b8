"""The classroom forms (a class, a lesson, an assignment) are sent to the API: a refusal
lists every field wrong, each named in words, so the form marks them all at once."""

from __future__ import annotations

import pytest

from classroom.models import SchoolClass
from core.extensions import db
from tests.classroom.conftest import SCHOOL

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
