"""The live lesson over /classroom with a teacher and many real students: slides that
follow the teacher, the board, hands, polls with counts on a timer, attendance, late
joiners, reconnecting students and intruders."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from core.sample_pdf import numbered_pdf
from tests.classroom.devices import SCHOOL, Device, make_students
from tests.support import disconnect_all

pytestmark = [pytest.mark.db, pytest.mark.sockets]
STUDENTS = 12


@pytest.fixture(scope="module")
def roster(live_server) -> dict[str, str]:
    return make_students(live_server, f"s{uuid.uuid4().hex[:4]}", STUDENTS)


@pytest.fixture
def devices(live_server, tokens):
    made: list[Device] = []

    def connect(username: str, token: str | None = None, lang: str | None = None) -> Device:
        device = Device(live_server.url, username, token or tokens(username), lang=lang)
        made.append(device)
        return device

    yield connect
    disconnect_all([d.client for d in made if d.client.connected])


@pytest.fixture
def live_lesson(live_server, tokens, roster) -> dict[str, Any]:
    teacher = tokens("giaovien")
    body = {
        "school": SCHOOL,
        "name": f"4{uuid.uuid4().hex[:3]}",
        "grade": 4,
        "teacher": "giaovien",
        "students": list(roster),
    }
    response = live_server.api("POST", "/api/v1/classes", teacher, json=body)
    assert response.status_code == 201, response.text
    class_id = response.json()["id"]
    response = live_server.api(
        "POST", f"/api/v1/classes/{class_id}/lessons", teacher, json={"title": "Phân số"}
    )
    lesson_id = response.json()["id"]
    response = live_server.api(
        "POST",
        f"/api/v1/lessons/{lesson_id}/materials",
        teacher,
        files={"file": ("phan-so.pdf", numbered_pdf(4, "Phân số"), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    assert live_server.api("POST", f"/api/v1/lessons/{lesson_id}/start", teacher).ok
    return {"id": lesson_id, "class_id": class_id, "document_id": response.json()["id"]}


def _join_all(devices, roster, lesson_id: int) -> list[Device]:
    with ThreadPoolExecutor(8) as pool:
        students = list(pool.map(lambda item: devices(item[0], item[1]), roster.items()))
        acks = list(pool.map(lambda d: d.ok("join", lesson_id=lesson_id), students))
    assert all(a["me"]["teacher"] is False for a in acks)
    return students


def _stroke(doc: int, page: int, key: str, n: int = 5) -> dict[str, Any]:
    return {
        "stroke": key,
        "document_id": doc,
        "page": page,
        "tool": "pen",
        "color": "#dc2626",
        "width": 0.004,
        "points": [[0.1 + i / 200, 0.2 + i / 300] for i in range(n)],
    }


def test_slides_and_strokes_reach_every_student(devices, roster, live_lesson, live_server, tokens):
    lesson_id, doc = live_lesson["id"], live_lesson["document_id"]
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=lesson_id)
    students = _join_all(devices, roster, lesson_id)
    teacher.ok("change_page", document_id=doc, page=2)
    teacher.ok("draw_stroke", **_stroke(doc, 2, "a1"))
    teacher.ok("draw_stroke", **_stroke(doc, 2, "a1"))
    for student in students:
        assert student.wait_for("page_changed")["page"] == 2
        student.wait_for("stroke_drawn", lambda d: d["page"] == 2)
    assert not teacher.received("stroke_drawn")  # the sender draws locally
    pack = live_server.api("GET", f"/api/v1/lessons/{lesson_id}/pack.pdf", tokens("hocsinh"))
    assert pack.status_code == 404  # not in the class
    pack = live_server.api("GET", f"/api/v1/lessons/{lesson_id}/pack.pdf", tokens("giaovien"))
    assert pack.status_code == 200 and pack.content.startswith(b"%PDF")
    assert b"/Contents" in pack.content
    # a late joiner lands on slide 2 with both batches of the stroke
    late = devices("hocsinh")
    state = late.refused("join", "lesson_not_found", lesson_id=lesson_id) and None
    assert state is None
    again = devices(next(iter(roster)), roster[next(iter(roster))])
    state = again.ok("join", lesson_id=lesson_id)
    assert state["page"] == 2 and state["document_id"] == doc
    assert [s["stroke"] for s in state["strokes"]] == [s["stroke"] for s in state["strokes"][:2]]
    assert len(state["strokes"]) == 2
    # undo and clear
    teacher.ok("undo_stroke")
    students[0].wait_for("stroke_undone")
    teacher.ok("draw_stroke", **_stroke(doc, 2, "a2"))
    teacher.ok("clear_board", document_id=doc, page=2)
    students[0].wait_for("board_cleared")
    assert again.ok("join", lesson_id=lesson_id)["strokes"] == []


def test_students_may_not_lead(devices, roster, live_lesson):
    lesson_id, doc = live_lesson["id"], live_lesson["document_id"]
    name, token = next(iter(roster.items()))
    student = devices(name, token)
    student.ok("join", lesson_id=lesson_id)
    student.refused("change_page", "not_teacher", document_id=doc, page=2)
    student.refused("open_poll", "not_teacher", kind="true_false", question="?")
    student.refused("clear_board", "not_teacher", document_id=doc, page=1)
    student.refused("draw_stroke", "not_pen_holder", **_stroke(doc, 1, "x"))
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=lesson_id)
    teacher.refused("raise_hand", "not_student")
    teacher.ok("give_pen", user=name)
    student.wait_for("pen_changed")
    student.ok("draw_stroke", **_stroke(doc, 1, "y"))


def test_bad_strokes_are_refused(devices, live_lesson):
    lesson_id, doc = live_lesson["id"], live_lesson["document_id"]
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=lesson_id)
    for bad in (
        {"points": [[0.1, 2.0]]},
        {"points": [[0.1]]},
        {"points": [[0.1, 0.1]] * 121},
        {"points": "0,0"},
        {"color": "red"},
        {"page": 9},
        {"document_id": 999999},
    ):
        ack = teacher.call("draw_stroke", **{**_stroke(doc, 1, "b"), **bad})
        assert ack["ok"] is False and ack["error"]["message"], (bad, ack)
    # points per stroke are capped
    for _ in range(30):
        ack = teacher.call("draw_stroke", **_stroke(doc, 1, "long", 120))
        if not ack["ok"]:
            break
    assert ack["error"]["code"] == "stroke_too_long"


def test_a_refused_batch_after_the_first_speaks_the_devices_language(devices, live_lesson):
    """Batches after the first skip Flask's request context (classroom.strokes.draw_kept);
    a refusal among them still answers in the device's language."""
    lesson_id, doc = live_lesson["id"], live_lesson["document_id"]
    teacher = devices("giaovien", lang="en")
    teacher.ok("join", lesson_id=lesson_id)
    teacher.ok("draw_stroke", **_stroke(doc, 1, "e1"))  # the right is kept from here
    teacher.ok("draw_stroke", **_stroke(doc, 1, "e1"))
    ack = teacher.refused("draw_stroke", "page_out_of_range", **_stroke(doc, 9, "e2"))
    assert ack["error"]["message"] == "Page 9 is outside the document (1–4)."


def test_intruder_from_another_class(devices, live_lesson, tokens):
    intruder = devices("hocsinh")
    intruder.refused("join", "lesson_not_found", lesson_id=live_lesson["id"])
    intruder.refused("draw_stroke", "not_joined", **_stroke(live_lesson["document_id"], 1, "z"))
    intruder.refused(
        "answer_poll", "not_joined", lesson_id=live_lesson["id"], poll_id=1, answer=["0"]
    )


def test_poll_counts_arrive_on_a_timer_and_scores(
    devices, roster, live_lesson, live_server, tokens
):
    lesson_id = live_lesson["id"]
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=lesson_id)
    students = _join_all(devices, roster, lesson_id)
    poll = teacher.ok(
        "open_poll",
        kind="single",
        question="1/2 + 1/4 = ?",
        options=["3/4", "2/6", "1/6"],
        correct=[0],
        seconds=120,
    )
    for student in students:
        assert student.wait_for("poll_opened")["correct"] is None
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda pair: pair[1].ok(
                    "answer_poll", poll_id=poll["poll_id"], answer=[0 if pair[0] % 3 else 1]
                ),
                enumerate(students),
            )
        )
    results = teacher.wait_for("poll_results", lambda d: d["answered"] == len(students))
    assert sum(results["counts"]) == len(students) and results["eligible"] == len(students)
    # a burst of answers is a handful of messages, not one per answer
    assert len(teacher.received("poll_results")) < len(students)
    students[0].refused("answer_poll", "already_answered", poll_id=poll["poll_id"], answer=[0])
    students[0].refused("answer_poll", "invalid_answer", poll_id=poll["poll_id"], answer=[7])
    revealed = teacher.ok("reveal_poll", poll_id=poll["poll_id"])
    assert revealed["correct"] == ["0"]
    students[1].wait_for("poll_revealed")
    students[1].refused("answer_poll", "poll_closed", poll_id=poll["poll_id"], answer=[0])
    scores = live_server.api(
        "GET", f"/api/v1/lessons/{lesson_id}/scores", tokens("giaovien")
    ).json()
    assert sum(s["correct"] for s in scores) == sum(1 for i in range(len(students)) if i % 3)


def test_hands_and_attendance(devices, roster, live_lesson, live_server, tokens):
    lesson_id = live_lesson["id"]
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=lesson_id)
    students = _join_all(devices, roster, lesson_id)
    for student in students[:3]:
        student.ok("raise_hand")
    students[0].refused("raise_hand", "hand_already_raised")
    queue = teacher.wait_for("hands_changed", lambda d: len(d["queue"]) == 3)["queue"]
    assert [q["user"] for q in queue] == [s.username for s in students[:3]]
    teacher.ok("lower_hand", user=students[0].username)
    teacher.wait_for("hands_changed", lambda d: len(d["queue"]) == 2)
    # attendance: everyone present; one leaves early; the teacher corrects another
    students[4].client.disconnect()
    sheet = teacher.wait_for(
        "attendance_changed",
        lambda d: any(s["status"] == "left_early" for s in d["students"]),
    )["students"]
    by_user = {s["user"]: s for s in sheet}
    assert by_user[students[4].username]["status"] == "left_early"
    assert by_user[students[5].username]["status"] == "present"
    teacher.ok("mark_attendance", user=students[5].username, status="late")
    teacher.refused("mark_attendance", "not_in_class", user="hocsinh", status="late")
    listed = live_server.api(
        "GET", f"/api/v1/lessons/{lesson_id}/attendance", tokens("giaovien")
    ).json()
    assert {s["user"]: s["status"] for s in listed}[students[5].username] == "late"
    # the reconnecting student is back, present, on the current slide
    name = students[4].username
    back = devices(name, roster[name])
    state = back.ok("join", lesson_id=lesson_id)
    assert state["page"] >= 1 and state["poll"] is None
    listed = live_server.api(
        "GET", f"/api/v1/lessons/{lesson_id}/attendance", tokens("giaovien")
    ).json()
    assert {s["user"]: s["status"] for s in listed}[name] == "present"


def test_strokes_per_second_are_capped(devices, live_lesson):
    lesson_id, doc = live_lesson["id"], live_lesson["document_id"]
    teacher = devices("giaovien")
    teacher.ok("join", lesson_id=lesson_id)

    def send(i: int) -> dict[str, Any]:
        return teacher.call("draw_stroke", **_stroke(doc, 1, f"r{i}", 2))

    with ThreadPoolExecutor(8) as pool:
        acks = list(pool.map(send, range(160)))
    refused = [a for a in acks if not a["ok"]]
    assert refused, "more than 40 batches a second were all accepted"
    assert {a["error"]["code"] for a in refused} == {"too_many_strokes"}
