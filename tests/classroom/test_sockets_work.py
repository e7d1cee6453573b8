"""The live lesson's class management over /classroom with real clients: a young student's
device joins with the class's code and is admitted by the teacher (a pass for that lesson
only), group work with a board per group, an intruder, and strokes kept for a student who
reconnects at once (batches are written in groups, off the emit path)."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests
import socketio

from core.sample_pdf import numbered_pdf
from tests.classroom.devices import NS, SCHOOL, Device, make_students
from tests.support import disconnect_all

pytestmark = [pytest.mark.db, pytest.mark.sockets]


@pytest.fixture(scope="module")
def roster(live_server) -> dict[str, str]:
    return make_students(live_server, f"w{uuid.uuid4().hex[:4]}", 4)


@pytest.fixture
def devices(live_server, tokens):
    made: list[Device] = []

    def connect(username: str, token: str | None = None, **kw: Any) -> Device:
        if token is None and "headers" not in kw:  # a pass device signs in with its cookie
            token = tokens(username)
        device = Device(live_server.url, username, token, **kw)
        made.append(device)
        return device

    yield connect
    disconnect_all([d.client for d in made if d.client.connected])


def _lesson(live_server, teacher: str, students: list[str]) -> dict[str, Any]:
    body = {
        "school": SCHOOL,
        "name": f"2{uuid.uuid4().hex[:3]}",
        "grade": 2,
        "teacher": "giaovien",
        "students": students,
    }
    made = live_server.api("POST", "/api/v1/classes", teacher, json=body).json()
    live_server.api(
        "POST",
        f"/api/v1/classes/{made['id']}/roster",
        teacher,
        files={"file": ("ds.csv", "ho_ten\nBé Na\n".encode(), "text/csv")},
    )
    lesson = live_server.api(
        "POST", f"/api/v1/classes/{made['id']}/lessons", teacher, json={"title": "Tập đọc"}
    ).json()["id"]
    doc = live_server.api(
        "POST",
        f"/api/v1/lessons/{lesson}/materials",
        teacher,
        files={"file": ("bai.pdf", numbered_pdf(3, "Tập đọc"), "application/pdf")},
    ).json()["id"]
    assert live_server.api("POST", f"/api/v1/lessons/{lesson}/start", teacher).ok
    return {"id": lesson, "class_id": made["id"], "code": made["join_code"], "doc": doc}


@pytest.fixture
def live(live_server, tokens, roster):
    return _lesson(live_server, tokens("giaovien"), list(roster))


def _stroke(doc: int, key: str, page: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "stroke": key,
        "document_id": doc,
        "page": page,
        "points": [[0.2, 0.3], [0.4, 0.5]],
        **extra,
    }


def _ask(live_server, code: str) -> tuple[requests.Session, dict[str, Any]]:
    """A browser without an account: the code, then the name Bé Na."""
    browser = requests.Session()
    found = browser.post(f"{live_server.url}/api/v1/classroom/join", json={"code": code}).json()
    na = next(s["id"] for s in found["students"] if s["name"] == "Bé Na")
    response = browser.post(
        f"{live_server.url}/api/v1/classroom/join/requests", json={"code": code, "member_id": na}
    )
    assert response.status_code == 201, response.text
    return browser, response.json()


def _cookie(browser: requests.Session) -> dict[str, str]:
    return {"Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items())}


def test_a_device_joins_with_the_code_once_admitted(devices, live, live_server, tokens, roster):
    teacher = devices("giaovien")
    assert teacher.ok("join", lesson_id=live["id"])["join_requests"] == []
    browser, asked = _ask(live_server, live["code"])
    waiting = teacher.wait_for("join_requests_changed", lambda d: d["requests"])
    assert waiting["requests"][0]["name"] == "Bé Na" and not waiting["requests"][0]["conflict"]
    # waiting: the socket does not let it in
    refused = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(
            live_server.url,
            namespaces=[NS],
            headers=_cookie(browser),
            transports=["websocket"],
            wait_timeout=10,
        )
    name = next(iter(roster))
    student = devices(name, roster[name])
    student.refused(
        "admit_student", "not_joined", lesson_id=live["id"], request_id=asked["request_id"]
    )
    teacher.refused("admit_student", "request_not_found", request_id=999999)
    assert teacher.ok("admit_student", request_id=asked["request_id"])["requests"] == []
    teacher.refused("refuse_student", "request_decided", request_id=asked["request_id"])
    state = browser.get(f"{live_server.url}/api/v1/classroom/join/request").json()
    assert state["status"] == "admitted"
    assert browser.get(live_server.url + state["url"]).status_code == 200
    device = devices("Bé Na", None, headers=_cookie(browser))
    joined = device.ok("join", lesson_id=live["id"])
    assert joined["me"]["teacher"] is False and "join_requests" not in joined
    attendance = teacher.wait_for(
        "attendance_changed",
        lambda d: any(s["name"] == "Bé Na" and s["online"] for s in d["students"]),
    )
    assert attendance
    device.ok("raise_hand")
    device.refused("change_page", "not_teacher", document_id=live["doc"], page=2)
    device.refused("draw_stroke", "not_pen_holder", **_stroke(live["doc"], "n1"))
    device.refused("split_groups", "not_teacher", count=2)
    # the pass opens this lesson only, not another lesson of the class
    other = live_server.api(
        "POST",
        f"/api/v1/classes/{live['class_id']}/lessons",
        tokens("giaovien"),
        json={"title": "B"},
    ).json()["id"]
    device.refused("join", "lesson_not_found", lesson_id=other)
    assert browser.get(f"{live_server.url}/api/v1/classes").status_code == 401


def test_a_refused_device_and_an_intruder(devices, live, live_server):
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=live["id"])
    browser, asked = _ask(live_server, live["code"])
    teacher.ok("refuse_student", request_id=asked["request_id"])
    assert (
        browser.get(f"{live_server.url}/api/v1/classroom/join/request").json()["status"]
        == "refused"
    )
    intruder = devices("hocsinh")  # a student of other classes only
    intruder.refused("join", "lesson_not_found", lesson_id=live["id"])
    intruder.refused("split_groups", "not_joined", lesson_id=live["id"], count=2)
    intruder.refused("view_group", "not_joined", lesson_id=live["id"], group_id=1)


def test_group_work(devices, live, roster):
    doc = live["doc"]
    names = list(roster)
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=live["id"])
    students = [devices(n, roster[n]) for n in names]
    for s in students:
        s.ok("join", lesson_id=live["id"])
    teacher.refused("end_groups", "no_groups")
    teacher.refused("split_groups", "not_in_class", groups=[[names[0]], ["hocsinh"]])
    teacher.refused("split_groups", "invalid_groups", groups=[[names[0]], [names[0]]])
    teacher.refused("split_groups", "invalid_groups", count=1)
    teacher.refused("split_groups", "too_few_students", count=9)
    split = teacher.ok("split_groups", groups=[names[:2], names[2:]])
    one, two = split["groups"]
    assert [m["user"] for m in one["members"]] == names[:2]
    for s in students:
        s.wait_for("groups_changed", lambda d: d["active"])
        state = s.ok("join", lesson_id=live["id"])  # the page joins again to learn its group
        assert state["group"]["id"] == (one if s.username in names[:2] else two)["id"]
    a, b, c, _d = students
    a.ok("draw_stroke", **_stroke(doc, "g1", group_id=one["id"]))
    b.wait_for("stroke_drawn", lambda d: d["group"] == one["id"])
    teacher.wait_for("stroke_drawn", lambda d: d["group"] == one["id"])
    c.refused("draw_stroke", "not_your_group", **_stroke(doc, "g2", group_id=one["id"]))
    c.refused("draw_stroke", "not_pen_holder", **_stroke(doc, "g3"))
    c.refused("draw_stroke", "invalid_page", **_stroke(doc, "g4", page=2, group_id=two["id"]))
    c.refused("view_group", "not_teacher", group_id=one["id"])
    assert not c.received("stroke_drawn")  # another group's board stays with that group
    seen = teacher.ok("view_group", group_id=one["id"])
    assert [s["stroke"].split("-", 1)[1] for s in seen["strokes"]] == ["g1"]
    teacher.ok("draw_stroke", **_stroke(doc, "t1", group_id=two["id"]))
    c.wait_for("stroke_drawn", lambda d: d["group"] == two["id"])
    # a reconnecting student gets the group's strokes at once
    again = a.ok("join", lesson_id=live["id"])
    assert [s["stroke"].split("-", 1)[1] for s in again["group"]["strokes"]] == ["g1"]
    assert again["strokes"] == []  # the slides' board has none of it
    teacher.ok("end_groups")
    a.wait_for("groups_changed", lambda d: not d["active"])
    a.refused("draw_stroke", "not_your_group", **_stroke(doc, "g5", group_id=one["id"]))
    assert a.ok("join", lesson_id=live["id"])["group"] is None
    teacher.refused("view_group", "group_not_found", group_id=one["id"])


def test_strokes_are_kept_for_a_student_who_reconnects_at_once(devices, live, roster):
    doc = live["doc"]
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=live["id"])
    for i in range(5):
        teacher.ok("draw_stroke", **_stroke(doc, f"r{i}"))
    name = next(iter(roster))
    state = devices(name, roster[name]).ok("join", lesson_id=live["id"])
    assert [s["stroke"].split("-", 1)[1] for s in state["strokes"]] == [f"r{i}" for i in range(5)]
    # batches handled out of order keep their place in the stroke
    teacher.ok("draw_stroke", **_stroke(doc, "q", seq=1))
    teacher.ok("draw_stroke", **_stroke(doc, "q", seq=0))
    again = devices(name, roster[name]).ok("join", lesson_id=live["id"])
    assert [s["seq"] for s in again["strokes"] if s["stroke"].endswith("-q")] == [1, 0]
    teacher.ok("undo_stroke")
    teacher.ok("undo_stroke")
    later = devices(name, roster[name]).ok("join", lesson_id=live["id"])
    assert len(later["strokes"]) == 4
    # the pen: a student drawing loses the right as soon as the teacher takes it back
    teacher.ok("give_pen", user=name)
    student = devices(name, roster[name])
    student.ok("join", lesson_id=live["id"])
    student.ok("draw_stroke", **_stroke(doc, "p1"))
    teacher.ok("give_pen")
    student.refused("draw_stroke", "not_pen_holder", **_stroke(doc, "p2"))
