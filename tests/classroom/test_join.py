"""Joining a live lesson with the class's join code: the code, the roster, waiting, the
teacher's admission, the limited pass (that lesson only), throttling, code renewal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from classroom import admission
from classroom.access import lesson_standing
from classroom.models import ClassMember, LessonPass, PassStatus, SchoolClass
from classroom.seed import seed_demo_class
from core.db import utcnow
from core.extensions import db
from core.security import authenticate, user_by_username
from tests.classroom.conftest import make_students

pytestmark = pytest.mark.db


@pytest.fixture
def live(client, h, lesson):
    """The lesson, started, with a roster student without an account (Bé Na)."""
    response = client.post(f"/api/v1/lessons/{lesson['id']}/start", headers=h("giaovien"))
    assert response.status_code == 200
    school_class = db.session.get(SchoolClass, lesson["class"]["id"])
    school_class.members.append(ClassMember(full_name="Bé Na"))
    db.session.commit()
    lesson["code"] = school_class.join_code
    lesson["na"] = next(m.id for m in school_class.members if m.full_name == "Bé Na")
    return lesson


def _ask(client, code: str, member_id: int):
    return client.post(
        "/api/v1/classroom/join/requests", json={"code": code, "member_id": member_id}
    )


def _decide(lesson_id: int, request_id: int, admit: bool = True) -> None:
    teacher = lesson_standing(lesson_id, user_by_username("giaovien"))
    (admission.admit if admit else admission.refuse)(teacher, request_id)
    db.session.commit()


def _error(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"].strip()


def test_the_code_shows_the_roster_names_only(client, live):
    response = client.post("/api/v1/classroom/join", json={"code": live["code"].lower()})
    assert response.status_code == 200
    body = response.get_json()
    assert body["lesson"]["id"] == live["id"] and body["class"]["name"] == "3A"
    assert "Bé Na" in [s["name"] for s in body["students"]]
    assert set(body["students"][0]) == {"id", "name"}  # no accounts, no personal IDs


def test_wrong_expired_and_idle_codes(client, h, lesson, live):
    _error(client.post("/api/v1/classroom/join", json={"code": "ZZZZZZ"}), 404, "invalid_join_code")
    assert (
        "Mã vào lớp không đúng"
        in client.post("/api/v1/classroom/join", json={"code": "ABC"}).get_json()["error"][
            "message"
        ]
    )
    school_class = db.session.get(SchoolClass, live["class"]["id"])
    school_class.join_code_expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    _error(
        client.post("/api/v1/classroom/join", json={"code": live["code"]}), 404, "invalid_join_code"
    )
    school_class.join_code_expires_at = None
    db.session.commit()
    client.post(f"/api/v1/lessons/{live['id']}/end", headers=h("giaovien"))
    _error(
        client.post("/api/v1/classroom/join", json={"code": live["code"]}), 409, "no_live_lesson"
    )
    assert db.session.query(LessonPass).count() == 0


def test_a_name_of_another_class_or_a_student_of_another_class(client, h, auth, live):
    other = client.post(
        "/api/v1/classes",
        json={
            "school": "th-vinh-ninh",
            "name": "3B",
            "grade": 3,
            "teacher": "giaovien",
            "students": ["hocsinh"],
        },
        headers=h("giaovien"),
    ).get_json()
    stranger = db.session.scalar(
        select(ClassMember.id).where(
            ClassMember.class_id == other["id"], ClassMember.user_id.is_not(None)
        )
    )
    _error(_ask(client, live["code"], stranger), 422, "not_in_class")
    teacher_row = db.session.scalar(
        select(ClassMember.id).where(
            ClassMember.class_id == live["class"]["id"], ClassMember.role == "teacher"
        )
    )
    _error(_ask(client, live["code"], teacher_row), 422, "not_in_class")
    # a signed-in student of another class only (hs01 is in 3A, so take a new one)
    (outsider,) = make_students("ng", 1)
    db.session.add(
        ClassMember(
            class_id=other["id"], user_id=user_by_username(outsider).id, full_name="Người ngoài"
        )
    )
    db.session.commit()
    body = {"code": live["code"], "member_id": live["na"]}
    response = client.post("/api/v1/classroom/join/requests", json=body, headers=h(outsider))
    _error(response, 403, "other_class")
    assert db.session.query(LessonPass).count() == 0


def test_admitted_device_is_that_student_in_that_lesson_only(client, h, live):
    response = _ask(client, live["code"], live["na"])
    assert response.status_code == 201 and response.get_json()["status"] == "waiting"
    state = client.get("/api/v1/classroom/join/request").get_json()
    assert state["status"] == "waiting" and "url" not in state
    assert client.get(f"/classroom/lessons/{live['id']}").status_code in (302, 401)
    _decide(live["id"], state["request_id"])
    state = client.get("/api/v1/classroom/join/request").get_json()
    assert state["status"] == "admitted" and state["url"] == f"/classroom/lessons/{live['id']}"
    page = client.get(state["url"])
    assert page.status_code == 200 and 'id="hand-raise"' in page.get_data(as_text=True)
    doc = live["material"]["id"]
    assert client.get(f"/api/v1/materials/{doc}/file").status_code == 200
    # another lesson of the same class, the class page, the API: nothing
    other = client.post(
        f"/api/v1/classes/{live['class']['id']}/lessons",
        json={"title": "Khác"},
        headers=h("giaovien"),
    ).get_json()["id"]
    assert client.get(f"/classroom/lessons/{other}").status_code in (302, 401)
    assert client.get(f"/classroom/classes/{live['class']['id']}").status_code in (302, 401)
    assert client.get("/api/v1/classes").status_code == 401
    assert client.get(f"/api/v1/lessons/{live['id']}/attendance.pdf").status_code == 401
    # the roster account exists only to keep the lesson's records: no role, no password
    member = db.session.get(ClassMember, live["na"])
    assert member.user is not None and member.user.memberships == []
    assert authenticate(member.user.username, "") is None
    # the lesson ends: the pass stops working
    client.post(f"/api/v1/lessons/{live['id']}/end", headers=h("giaovien"))
    assert client.get("/api/v1/classroom/join/request").get_json()["status"] == "ended"
    assert client.get(f"/api/v1/materials/{doc}/file").status_code == 401


def test_refused_decided_twice_and_a_second_device(app, client, live):
    first = _ask(client, live["code"], live["na"]).get_json()
    _decide(live["id"], first["request_id"], admit=False)
    assert client.get("/api/v1/classroom/join/request").get_json()["status"] == "refused"
    with pytest.raises(Exception) as refused:
        _decide(live["id"], first["request_id"])
    assert getattr(refused.value, "code", "") == "request_decided"
    db.session.rollback()
    # one device admitted, then another asks under the same name: the teacher is warned
    one, two = app.test_client(), app.test_client()
    a = _ask(one, live["code"], live["na"]).get_json()
    _decide(live["id"], a["request_id"])
    b = _ask(two, live["code"], live["na"]).get_json()
    waiting = admission.waiting(live["id"])
    assert [w["conflict"] for w in waiting] == [True]
    _decide(live["id"], b["request_id"])  # the teacher lets the new device in
    assert one.get("/api/v1/classroom/join/request").get_json()["status"] == "revoked"
    assert two.get("/api/v1/classroom/join/request").get_json()["status"] == "admitted"
    row = db.session.get(LessonPass, a["request_id"])
    assert row.status == PassStatus.REVOKED


def test_no_request_is_a_404(client):
    _error(client.get("/api/v1/classroom/join/request"), 404, "request_not_found")


def test_wrong_codes_are_throttled_per_address(app, client, live):
    app.config["CLASS_JOIN_FAILURES_PER_ADDRESS"] = "3 per minute"
    for _ in range(3):
        _error(
            client.post("/api/v1/classroom/join", json={"code": "QQQQQQ"}), 404, "invalid_join_code"
        )
    response = client.post("/api/v1/classroom/join", json={"code": live["code"]})
    _error(response, 429, "too_many_attempts")
    assert "Quá nhiều lần nhập mã" in response.get_json()["error"]["message"]
    assert int(response.headers["Retry-After"]) > 0


def test_requests_are_throttled_per_code(app, client, live):
    app.config["CLASS_JOIN_REQUESTS_PER_CODE"] = "2 per minute"
    assert client.post("/api/v1/classroom/join", json={"code": live["code"]}).status_code == 200
    assert _ask(client, live["code"], live["na"]).status_code == 201
    _error(_ask(client, live["code"], live["na"]), 429, "too_many_attempts")
    assert db.session.query(LessonPass).count() == 1


def test_the_teacher_renews_the_code(client, h, live):
    url = f"/api/v1/classes/{live['class']['id']}/join-code"
    _error(client.post(url, json={}, headers=h("hocsinh")), 403, "not_teacher")
    _error(client.post(url, json={"hours": 0}, headers=h("giaovien")), 422, "invalid_hours")
    renewed = client.post(url, json={"hours": 2}, headers=h("giaovien")).get_json()
    assert renewed["join_code"] != live["code"] and renewed["expires_at"]
    _error(
        client.post("/api/v1/classroom/join", json={"code": live["code"]}), 404, "invalid_join_code"
    )
    assert (
        client.post("/api/v1/classroom/join", json={"code": renewed["join_code"]}).status_code
        == 200
    )


def test_join_and_new_class_pages(client, auth, live):
    page = client.get("/classroom/join")
    assert page.status_code == 200 and 'id="join-code-form"' in page.get_data(as_text=True)
    auth.login("hocsinh")
    assert client.get("/classroom/classes/new").status_code == 403
    assert "new-class-link" not in client.get("/classroom/").get_data(as_text=True)
    auth.logout()
    auth.login("giaovien")
    assert "new-class-link" in client.get("/classroom/").get_data(as_text=True)
    form = client.get("/classroom/classes/new").get_data(as_text=True)
    assert 'id="new-class-form"' in form and "giaovien" in form


def test_the_demo_class_is_seeded_once(demo):
    seed_demo_class()
    classes = db.session.scalars(select(SchoolClass).where(SchoolClass.name == "5A")).all()
    assert len(classes) == 1 and classes[0].lessons[0].materials[0].pages == 6
    assert sum(1 for m in classes[0].members if m.user_id is None) == 5
