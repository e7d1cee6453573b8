"""The classroom API of CONTRACT.md: classes, lessons, slide decks, roster import."""

from __future__ import annotations

import io

import pytest

from classroom.models import ClassMember, SchoolClass
from core.extensions import db
from core.signals import seat_confirmed
from tests.classroom.conftest import SCHOOL, make_students, pdf

pytestmark = pytest.mark.db


def test_create_class_returns_id_and_join_code(client, h):
    body = {
        "school": SCHOOL,
        "name": "1A",
        "grade": 1,
        "teacher": "giaovien",
        "students": ["hocsinh"],
    }
    response = client.post("/api/v1/classes", json=body, headers=h("giaovien"))
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) == {"id", "join_code"} and len(created["join_code"]) == 6
    shown = client.get(f"/api/v1/classes/{created['id']}", headers=h("hocsinh")).get_json()
    assert [m["user"] for m in shown["members"]] == ["giaovien", "hocsinh"]


@pytest.mark.parametrize(
    "change, code",
    [
        ({"school": "khong-co"}, "unknown_organization"),
        ({"school": "hue"}, "unknown_organization"),
        ({"teacher": "hocsinh"}, "not_a_teacher"),
        ({"students": ["ai-do"]}, "unknown_user"),
        ({"grade": 13}, "invalid_grade"),
        ({"name": ""}, "missing_field"),
    ],
)
def test_bad_class_changes_nothing(client, h, change, code):
    before = db.session.query(SchoolClass).count()  # the demo class is there
    body = {"school": SCHOOL, "name": "1A", "grade": 1, "teacher": "giaovien", "students": []}
    response = client.post("/api/v1/classes", json={**body, **change}, headers=h("giaovien"))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == code
    assert db.session.query(SchoolClass).count() == before


def test_a_student_cannot_create_a_class(client, h):
    body = {"school": SCHOOL, "name": "1A", "grade": 1, "teacher": "giaovien", "students": []}
    response = client.post("/api/v1/classes", json=body, headers=h("hocsinh"))
    assert response.status_code == 403


def test_lesson_and_material(client, h, lesson):
    material = lesson["material"]
    assert material["pages"] == 3 and len(material["sha256"]) == 64
    shown = client.get(f"/api/v1/lessons/{lesson['id']}", headers=h("hocsinh")).get_json()
    assert shown["materials"][0]["id"] == material["id"]
    response = client.get(
        f"/api/v1/materials/{material['id']}/file", headers={**h("hocsinh"), "Range": "bytes=0-9"}
    )
    assert response.status_code == 206 and response.data == pdf(3)[:10]


def test_outsiders_do_not_see_the_lesson(client, h, lesson):
    for path in (
        f"/api/v1/lessons/{lesson['id']}",
        f"/api/v1/materials/{lesson['material']['id']}/file",
    ):
        assert client.get(path, headers=h("daibieu")).status_code == 404


def test_students_cannot_plan_or_upload(client, h, lesson):
    response = client.post(
        f"/api/v1/classes/{lesson['class']['id']}/lessons",
        json={"title": "X"},
        headers=h("hocsinh"),
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "not_teacher"


def test_bad_material_is_refused(client, h, lesson):
    response = client.post(
        f"/api/v1/lessons/{lesson['id']}/materials",
        data={"file": (io.BytesIO(b"%PDF-1.4 not really"), "hong.pdf")},
        headers=h("giaovien"),
        content_type="multipart/form-data",
    )
    assert response.status_code in (413, 422)
    shown = client.get(f"/api/v1/lessons/{lesson['id']}", headers=h("giaovien")).get_json()
    assert len(shown["materials"]) == 1


def _roster(client, h, class_id: int, text: str):
    return client.post(
        f"/api/v1/classes/{class_id}/roster",
        data={"file": (io.BytesIO(text.encode()), "lop.csv")},
        headers=h("giaovien"),
        content_type="multipart/form-data",
    )


def test_roster_csv_import(client, h, lesson):
    make_students("nk", 1)
    text = "ho_ten,ma_dinh_danh,ten_dang_nhap\nNguyễn Văn Tý,046123456789,\nLê Thị Na,,nk01\n"
    response = _roster(client, h, lesson["class"]["id"], text)
    assert response.status_code == 201, response.get_json()
    assert [m["name"] for m in response.get_json()["added"]] == ["Nguyễn Văn Tý", "Lê Thị Na"]


def test_roster_with_bad_rows_reports_them_and_adds_nothing(client, h, lesson):
    before = db.session.query(ClassMember).count()
    text = (
        "ho_ten,ma_dinh_danh,ten_dang_nhap\n"
        "Nguyễn Văn Tý,123,\n,046123456789,\nAn,,khong-co\nBé Na,,\n"
    )
    response = _roster(client, h, lesson["class"]["id"], text)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid_roster"
    assert [r["line"] for r in error["details"]["rejected"]] == [2, 3, 4]
    assert all(r["reason"] for r in error["details"]["rejected"])
    assert db.session.query(ClassMember).count() == before


def test_roster_without_a_name_column(client, h, lesson):
    response = _roster(client, h, lesson["class"]["id"], "a,b\n1,2\n")
    assert response.status_code == 422


def test_seat_confirmed_places_the_child(client, h, lesson):
    school_class = db.session.get(SchoolClass, lesson["class"]["id"])
    seat_confirmed.send(
        "round-1",
        school=SCHOOL,
        grade=3,
        school_year=school_class.school_year,
        full_name="Trần Bé Ba",
        personal_id="046000000001",
    )
    db.session.commit()
    names = [m.full_name for m in db.session.get(SchoolClass, school_class.id).members]
    assert "Trần Bé Ba" in names


def test_attendance_sheet_and_pack_are_pdfs(client, h, lesson):
    assert (
        client.post(f"/api/v1/lessons/{lesson['id']}/start", headers=h("giaovien")).status_code
        == 200
    )
    sheet = client.get(f"/api/v1/lessons/{lesson['id']}/attendance.pdf", headers=h("giaovien"))
    assert sheet.status_code == 200 and sheet.data.startswith(b"%PDF")
    assert (
        client.get(
            f"/api/v1/lessons/{lesson['id']}/attendance.pdf", headers=h("hocsinh")
        ).status_code
        == 403
    )
    pack = client.get(f"/api/v1/lessons/{lesson['id']}/pack.pdf", headers=h("hocsinh"))
    assert pack.status_code == 200 and pack.data.startswith(b"%PDF")
