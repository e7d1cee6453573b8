"""The gradebook: assignment grades and quiz scores per student, the average on a
10-point scale, the CSV export for Excel; the pages of assignments and the gradebook."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event

from classroom.models import (
    ClassMember,
    Lesson,
    MemberRole,
    Poll,
    PollAnswer,
    PollKind,
    SchoolClass,
)
from core.extensions import db
from core.security import user_by_username
from tests.classroom.conftest import make_students
from tests.classroom.work import (
    make_assignment,
    upload,
    work_fixture,  # noqa: F401 - the `work` fixture
)

pytestmark = pytest.mark.db


def _hand_in(client, h, assignment_id: int, user: str) -> int:
    url = f"/api/v1/assignments/{assignment_id}/submissions"
    response = upload(client, url, h(user), [], text=f"Bài của {user}")
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def _grade(client, h, submission_id: int, score: float) -> None:
    response = client.post(
        f"/api/v1/submissions/{submission_id}/grade", json={"score": score}, headers=h("giaovien")
    )
    assert response.status_code == 200, response.get_json()


def _quiz(class_id: int, answers: dict[str, list[bool]]) -> int:
    """A lesson of the class with questions answered right or wrong by each student."""
    teacher = user_by_username("giaovien")
    lesson = Lesson(class_id=class_id, title="Ôn tập phân số", created_by_id=teacher.id)
    db.session.add(lesson)
    db.session.flush()
    rounds = max(len(v) for v in answers.values())
    for number in range(rounds):
        poll = Poll(
            lesson_id=lesson.id,
            kind=PollKind.SINGLE,
            question=f"Câu {number}",
            options=["A", "B"],
            correct=["0"],
        )
        db.session.add(poll)
        db.session.flush()
        for username, marks in answers.items():
            if number < len(marks):
                db.session.add(
                    PollAnswer(
                        poll_id=poll.id,
                        user_id=user_by_username(username).id,
                        answer=["0" if marks[number] else "1"],
                        is_correct=marks[number],
                    )
                )
    db.session.commit()
    return lesson.id


@pytest.fixture
def graded(client, h, work):
    """4A: assignment 1 (out of 10) graded 8 for hocsinh, hs01 handed in; assignment 2
    (out of 20, formula-like title) graded 15 for hocsinh; a quiz lesson."""
    first = work["assignment"]["id"]
    _grade(client, h, _hand_in(client, h, first, "hocsinh"), 8)
    _hand_in(client, h, first, "hs01")
    second = make_assignment(client, h, work["class"], title="=Bài 2", max_score=20)
    _grade(client, h, _hand_in(client, h, second["id"], "hocsinh"), 15)
    lesson = _quiz(work["class"], {"hocsinh": [True, True, False], "hs01": [False]})
    return {**work, "second": second["id"], "lesson": lesson}


def test_teacher_sees_every_student(client, h, graded):
    book = client.get(f"/api/v1/classes/{graded['class']}/gradebook", headers=h("giaovien"))
    assert book.status_code == 200
    body = book.get_json()
    assert [a["title"] for a in body["assignments"]] == ["Bài tập về phân số", "=Bài 2"]
    assert body["lessons"] == [{"id": graded["lesson"], "title": "Ôn tập phân số"}]
    rows = {r["user"]: r for r in body["students"]}
    assert set(rows) == {"hocsinh", "hs01", "hs02"}
    first, second = str(graded["assignment"]["id"]), str(graded["second"])
    assert rows["hocsinh"]["assignments"][first] == {"status": "returned", "score": 8}
    assert rows["hocsinh"]["average"] == 7.75  # (8/10·10 + 15/20·10) / 2
    assert rows["hocsinh"]["quizzes"][str(graded["lesson"])] == {"answered": 3, "correct": 2}
    assert rows["hs01"]["assignments"][first] == {"status": "submitted", "score": None}
    assert rows["hs01"]["average"] is None
    assert rows["hs02"]["assignments"][second]["status"] == "not_submitted"
    assert rows["hs02"]["quizzes"][str(graded["lesson"])] == {"answered": 0, "correct": 0}


def test_a_student_sees_only_their_own_line(client, h, graded):
    book = client.get(f"/api/v1/classes/{graded['class']}/gradebook", headers=h("hs01")).get_json()
    assert [r["user"] for r in book["students"]] == ["hs01"]


def test_csv_export_opens_in_excel_with_vietnamese(client, h, graded):
    response = client.get(f"/api/v1/classes/{graded['class']}/gradebook.csv", headers=h("giaovien"))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "filename*=UTF-8''S%E1%BB%95" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "STT",
        "Họ và tên",
        "Tài khoản",
        "Bài tập về phân số (điểm tối đa 10)",
        "'=Bài 2 (điểm tối đa 20)",
        "Câu hỏi trên lớp: Ôn tập phân số",
        "Điểm trung bình bài tập (thang 10)",
    ]
    lines = {row[2]: row for row in rows[1:]}
    assert lines["hocsinh"][3:] == ["8", "15", "2/3 đúng", "7.75"]
    assert lines["hs01"][3:] == ["Đã nộp", "Chưa nộp", "0/1 đúng", ""]
    assert lines["hs02"][3:5] == ["Chưa nộp", "Chưa nộp"]


def test_csv_in_english(client, h, graded):
    headers = {**h("giaovien"), "Accept-Language": "en"}
    response = client.get(f"/api/v1/classes/{graded['class']}/gradebook.csv", headers=headers)
    header = next(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert header[0] == "No." and header[-1] == "Assignment average (out of 10)"


@pytest.mark.parametrize(
    "user, status, code",
    [("hocsinh", 403, "not_teacher"), ("kb01", 404, "class_not_found")],
)
def test_csv_is_for_the_class_teachers(client, h, work, user, status, code):
    response = client.get(f"/api/v1/classes/{work['class']}/gradebook.csv", headers=h(user))
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_another_class_cannot_read_the_gradebook(client, h, work):
    response = client.get(f"/api/v1/classes/{work['class']}/gradebook", headers=h("kb01"))
    assert response.status_code == 404


# -- pages -------------------------------------------------------------------------------------


def test_class_page_has_the_assignments_section(client, auth, graded):
    auth.login("giaovien")
    page = client.get(f"/classroom/classes/{graded['class']}").get_data(as_text=True)
    assert 'id="work"' in page and "Bài tập về phân số" in page
    assert "Đã nộp 2/3" in page and "Giao bài tập mới" in page
    auth.logout()
    auth.login("hocsinh")
    page = client.get(f"/classroom/classes/{graded['class']}").get_data(as_text=True)
    assert "Đã chấm" in page and "8/10 điểm" in page and "Giao bài tập mới" not in page


def test_assignment_page_for_teacher_and_student(client, auth, graded):
    url = f"/classroom/assignments/{graded['assignment']['id']}"
    auth.login("giaovien")
    page = client.get(url).get_data(as_text=True)
    assert "Bài nộp (2/3)" in page and "Bài của hs01" in page and 'class="grade-form"' in page
    auth.logout()
    auth.login("hs01", "hoc-sinh-2026")
    page = client.get(url).get_data(as_text=True)
    assert "Bài của hs01" in page and "Bài của hocsinh" not in page
    assert "Giáo viên không cho phép nộp lại bài này." in page
    auth.logout()
    auth.login("hs02", "hoc-sinh-2026")
    page = client.get(url).get_data(as_text=True)
    assert 'id="submit-form"' in page and "Chưa nộp" in page
    auth.logout()
    auth.login("kb01", "hoc-sinh-2026")
    assert client.get(url).status_code == 404


def test_gradebook_page(client, auth, graded):
    auth.login("giaovien")
    page = client.get(f"/classroom/classes/{graded['class']}/gradebook").get_data(as_text=True)
    assert "Sổ điểm lớp 4A" in page and "7.75" in page and "2/3" in page
    assert "gradebook.csv" in page
    auth.logout()
    auth.login("hs01", "hoc-sinh-2026")
    page = client.get(f"/classroom/classes/{graded['class']}/gradebook").get_data(as_text=True)
    assert "gradebook.csv" not in page and "Học sinh HS 01" in page and "Lý Thị Quỳnh" not in page


def _queries(client, h, url: str) -> int:
    seen: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        assert client.get(url, headers=h("giaovien")).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_the_gradebook_costs_the_same_queries_for_a_bigger_class(client, h, graded):
    url = f"/api/v1/classes/{graded['class']}/gradebook"
    _queries(client, h, url)  # the first call also records the token's use
    small = _queries(client, h, url)
    more = make_students("gb", 6)
    school_class = db.session.get(SchoolClass, graded["class"])
    for username in more:
        user = user_by_username(username)
        school_class.members.append(
            ClassMember(user_id=user.id, role=MemberRole.STUDENT, full_name=user.display_name)
        )
    db.session.commit()
    for username in more:
        _hand_in(client, h, graded["assignment"]["id"], username)
    assert _queries(client, h, url) <= small  # not one more per student or submission
