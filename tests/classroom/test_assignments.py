"""Assignments: setting them (with attachments), handing in (text, files, late, closed,
resubmission), grading and returning; who may see and do what; every refusal is a 4xx
with a Vietnamese message and changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from classroom import assignments
from classroom.work_models import Assignment, AssignmentFile, Submission, SubmissionFile
from core.db import utcnow
from core.extensions import db
from core.models import StoredFile
from tests.classroom.work import (
    JPEG,
    PNG,
    docx,
    due_text,
    make_assignment,
    pdf,
    upload,
    work_fixture,  # noqa: F401 - the `work` fixture
)

pytestmark = pytest.mark.db


def _rows() -> tuple[int, ...]:
    return tuple(
        db.session.query(model).count()
        for model in (Assignment, AssignmentFile, Submission, SubmissionFile, StoredFile)
    )


def _refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"] and error["message"] != code


def _later(monkeypatch, assignment: dict, hours: int = 1) -> None:
    """The clock moves past the due date."""
    due = datetime.fromisoformat(assignment["due_at"])
    monkeypatch.setattr(assignments, "utcnow", lambda: due + timedelta(hours=hours))


def _submit(client, h, assignment_id: int, user: str = "hocsinh", text: str = "Bài làm", files=()):
    url = f"/api/v1/assignments/{assignment_id}/submissions"
    return upload(client, url, h(user), list(files), text=text)


# -- setting an assignment ---------------------------------------------------------------------


def test_teacher_sets_an_assignment_with_a_vietnamese_due_date(client, h, work):
    created = work["assignment"]
    assert created["title"] == "Bài tập về phân số" and created["max_score"] == 10
    due = datetime.fromisoformat(created["due_at"])
    assert due.utcoffset() == timedelta(0) and due.hour == 10  # 17:00 in Vietnam is 10:00 UTC
    assert created["allow_late"] is False and created["allow_resubmission"] is False
    shown = client.get(f"/api/v1/assignments/{created['id']}", headers=h("hocsinh")).get_json()
    assert shown["instructions"] == "Làm bài 1, 2, 3."


def test_iso_due_dates_are_accepted_too(client, h, work):
    moment = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    created = make_assignment(client, h, work["class"], due_at=moment.isoformat(), max_score=20)
    assert datetime.fromisoformat(created["due_at"]) == moment and created["max_score"] == 20


@pytest.mark.parametrize(
    "change, status, code",
    [
        ({"title": ""}, 422, "missing_field"),
        ({"title": None}, 422, "missing_field"),
        ({"due_at": None}, 422, "missing_field"),
        ({"due_at": "31/02/2027 17:00"}, 422, "invalid_due_at"),
        ({"due_at": "ngày mai"}, 422, "invalid_due_at"),
        ({"due_at": "01/01/2020 08:00"}, 422, "due_in_past"),
        ({"max_score": 0}, 422, "invalid_max_score"),
        ({"max_score": 1000}, 422, "invalid_max_score"),
        ({"allow_late": "yes"}, 422, "invalid_flag"),
    ],
)
def test_bad_assignments_change_nothing(client, h, work, change, status, code):
    before = _rows()
    body = {"title": "Bài 2", "due_at": due_text(), **change}
    response = client.post(
        f"/api/v1/classes/{work['class']}/assignments", json=body, headers=h("giaovien")
    )
    _refused(response, status, code)
    assert _rows() == before


@pytest.mark.parametrize(
    "user, status, code",
    [("hocsinh", 403, "not_teacher"), ("kb01", 404, "class_not_found")],
)
def test_only_the_class_teachers_set_assignments(client, h, work, user, status, code):
    before = _rows()
    body = {"title": "Bài 2", "due_at": due_text()}
    response = client.post(
        f"/api/v1/classes/{work['class']}/assignments", json=body, headers=h(user)
    )
    _refused(response, status, code)
    assert _rows() == before


def test_attachments_pdf_word_and_images(client, h, work):
    url = f"/api/v1/assignments/{work['assignment']['id']}/attachments"
    sheet = pdf()
    files = [
        (sheet, "de-bai.pdf"),
        (docx(), "phiếu học tập.docx"),
        (PNG, "hinh.png"),
        (JPEG, "a.jpg"),
    ]
    response = upload(client, url, h("giaovien"), files)
    assert response.status_code == 201, response.get_json()
    added = response.get_json()
    assert [a["filename"] for a in added] == [
        "de-bai.pdf",
        "phiếu học tập.docx",
        "hinh.png",
        "a.jpg",
    ]
    fetched = client.get(added[0]["url"], headers=h("hocsinh"))
    assert fetched.status_code == 200 and fetched.data == sheet
    assert fetched.mimetype == "application/pdf"
    word = client.get(added[1]["url"], headers=h("hocsinh"))
    assert word.headers["Content-Disposition"].startswith("attachment")
    assert client.get(added[0]["url"], headers=h("kb01")).status_code == 404


@pytest.mark.parametrize(
    "content, name, status, code",
    [
        (b"MZ\x90\x00 not a document", "bai-tap.pdf", 415, "invalid_file_type"),
        (pdf(), "bai-tap.exe", 415, "invalid_file_type"),
        (docx(), "bai-tap.pdf", 415, "invalid_file_type"),
        (docx(macros=True), "bai-tap.docx", 415, "invalid_file_type"),
        (b"PK\x03\x04 broken zip", "bai-tap.docx", 415, "invalid_file_type"),
        (b"%PDF-1.7\n1 0 obj", "cut.pdf", 422, "truncated_pdf"),
        (b"", "empty.pdf", 422, "empty_file"),
    ],
)
def test_bad_attachments_change_nothing(client, h, work, content, name, status, code):
    before = _rows()
    url = f"/api/v1/assignments/{work['assignment']['id']}/attachments"
    response = upload(client, url, h("giaovien"), [(pdf(), "ok.pdf"), (content, name)])
    _refused(response, status, code)
    assert _rows() == before


def test_oversize_attachment_is_refused(app, client, h, work):
    app.config["ASSIGNMENT_MAX_FILE_BYTES"] = 1024 * 1024
    before = _rows()
    url = f"/api/v1/assignments/{work['assignment']['id']}/attachments"
    response = upload(client, url, h("giaovien"), [(PNG + b"\x00" * (1024 * 1024), "big.png")])
    _refused(response, 413, "file_too_large")
    assert "1 MB" in response.get_json()["error"]["message"]
    assert _rows() == before


def test_no_file_and_a_student_attaching_are_refused(client, h, work):
    url = f"/api/v1/assignments/{work['assignment']['id']}/attachments"
    _refused(upload(client, url, h("giaovien"), []), 422, "missing_file")
    _refused(upload(client, url, h("hocsinh"), [(PNG, "a.png")]), 403, "not_teacher")
    _refused(upload(client, url, h("kb01"), [(PNG, "a.png")]), 404, "assignment_not_found")


# -- handing in --------------------------------------------------------------------------------


def test_student_hands_in_text_and_files(client, h, work):
    assignment_id = work["assignment"]["id"]
    work_pdf = pdf()
    response = _submit(
        client, h, assignment_id, files=[(work_pdf, "bai-lam.pdf"), (PNG, "anh.png")]
    )
    assert response.status_code == 201, response.get_json()
    handed = response.get_json()
    assert handed["status"] == "submitted" and handed["late"] is False
    assert handed["text"] == "Bài làm" and len(handed["files"]) == 2
    assert handed["score"] is None
    assert client.get(handed["files"][0]["url"], headers=h("hocsinh")).data == work_pdf
    assert client.get(handed["files"][0]["url"], headers=h("giaovien")).status_code == 200
    assert client.get(handed["files"][0]["url"], headers=h("hs01")).status_code == 404


def test_json_text_submission(client, h, work):
    response = client.post(
        f"/api/v1/assignments/{work['assignment']['id']}/submissions",
        json={"text": "Đáp án: 3/4"},
        headers=h("hs01"),
    )
    assert response.status_code == 201 and response.get_json()["text"] == "Đáp án: 3/4"


def test_late_work_is_marked_late_when_the_teacher_accepts_it(client, h, work, monkeypatch):
    late_ok = make_assignment(client, h, work["class"], allow_late=True)
    _later(monkeypatch, late_ok)
    handed = _submit(client, h, late_ok["id"]).get_json()
    assert handed["late"] is True and handed["status"] == "late"


def test_a_submission_after_the_deadline_when_late_work_is_closed(client, h, work, monkeypatch):
    _later(monkeypatch, work["assignment"])
    before = _rows()
    response = _submit(client, h, work["assignment"]["id"], files=[(pdf(), "muon.pdf")])
    _refused(response, 409, "deadline_passed")
    assert "quá hạn" in response.get_json()["error"]["message"]
    assert _rows() == before


@pytest.mark.parametrize(
    "user, text, files, status, code",
    [
        ("hocsinh", "", [], 422, "empty_submission"),
        ("hocsinh", "x", [(b"#!/bin/sh\nrm -rf /", "bai.docx")], 415, "invalid_file_type"),
        ("hocsinh", "x", [(PNG, "a.png")] * 6, 422, "too_many_files"),
        ("hocsinh", "x" * 20001, [], 422, "invalid_text"),
        ("hocsinh", "a\x00b", [], 422, "invalid_text"),
        ("giaovien", "x", [], 403, "not_student"),
        ("kb01", "x", [], 404, "assignment_not_found"),
    ],
)
def test_bad_submissions_change_nothing(client, h, work, user, text, files, status, code):
    before = _rows()
    _refused(_submit(client, h, work["assignment"]["id"], user, text, files), status, code)
    assert _rows() == before


def test_oversize_submission_file(app, client, h, work):
    app.config["ASSIGNMENT_MAX_FILE_BYTES"] = 2 * 1024 * 1024
    before = _rows()
    big = JPEG + b"\x00" * (2 * 1024 * 1024)
    _refused(
        _submit(client, h, work["assignment"]["id"], files=[(big, "anh.jpg")]),
        413,
        "file_too_large",
    )
    assert _rows() == before


def test_a_second_submission_needs_resubmission(client, h, work):
    assignment_id = work["assignment"]["id"]
    assert _submit(client, h, assignment_id).status_code == 201
    before = _rows()
    _refused(_submit(client, h, assignment_id, text="Lần 2"), 409, "already_submitted")
    assert _rows() == before


def test_resubmission_replaces_the_work_and_clears_the_grade(client, h, work):
    again = make_assignment(client, h, work["class"], allow_resubmission=True)
    first = _submit(client, h, again["id"], files=[(PNG, "a.png")]).get_json()
    graded = client.post(
        f"/api/v1/submissions/{first['id']}/grade", json={"score": 5}, headers=h("giaovien")
    )
    assert graded.get_json()["status"] == "returned"
    second = _submit(client, h, again["id"], text="Đã sửa").get_json()
    assert second["id"] == first["id"] and second["attempt"] == 2
    assert second["status"] == "submitted" and second["score"] is None and second["files"] == []
    assert db.session.query(SubmissionFile).count() == 0


# -- grading -----------------------------------------------------------------------------------


def test_teacher_grades_and_the_student_sees_it(client, h, work):
    assignment_id = work["assignment"]["id"]
    handed = _submit(client, h, assignment_id).get_json()
    _submit(client, h, assignment_id, "hs01")
    response = client.post(
        f"/api/v1/submissions/{handed['id']}/grade",
        json={"score": 8.5, "feedback": "Trình bày rõ ràng."},
        headers=h("giaovien"),
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "returned"
    mine = client.get(f"/api/v1/assignments/{assignment_id}/submissions", headers=h("hocsinh"))
    assert [(s["student"], s["score"], s["feedback"]) for s in mine.get_json()] == [
        ("hocsinh", 8.5, "Trình bày rõ ràng.")
    ]
    every = client.get(f"/api/v1/assignments/{assignment_id}/submissions", headers=h("giaovien"))
    assert {s["student"] for s in every.get_json()} == {"hocsinh", "hs01"}
    listing = client.get(f"/api/v1/classes/{work['class']}/assignments", headers=h("hocsinh"))
    assert listing.get_json()[0]["status"] == "returned"
    counts = client.get(f"/api/v1/classes/{work['class']}/assignments", headers=h("giaovien"))
    assert counts.get_json()[0]["counts"] == {"submitted": 2, "late": 0, "returned": 1}


@pytest.mark.parametrize(
    "user, body, status, code",
    [
        ("giaovien", {"score": 10.5}, 422, "score_out_of_range"),
        ("giaovien", {"score": -1}, 422, "invalid_score"),
        ("giaovien", {"score": "mười"}, 422, "invalid_score"),
        ("giaovien", {"score": True}, 422, "invalid_score"),
        ("giaovien", {"feedback": "Tốt"}, 422, "missing_field"),
        ("hocsinh", {"score": 10}, 403, "not_teacher"),
        ("hs01", {"score": 10}, 404, "submission_not_found"),
        ("kb01", {"score": 10}, 404, "submission_not_found"),
    ],
)
def test_bad_grades_change_nothing(client, h, work, user, body, status, code):
    handed = _submit(client, h, work["assignment"]["id"]).get_json()
    response = client.post(f"/api/v1/submissions/{handed['id']}/grade", json=body, headers=h(user))
    _refused(response, status, code)
    submission = db.session.get(Submission, handed["id"])
    db.session.refresh(submission)
    assert submission.score is None and submission.status == "submitted"


def test_score_message_names_the_maximum(client, h, work):
    handed = _submit(client, h, work["assignment"]["id"]).get_json()
    response = client.post(
        f"/api/v1/submissions/{handed['id']}/grade", json={"score": 11}, headers=h("giaovien")
    )
    assert response.get_json()["error"]["message"] == "Điểm phải từ 0 đến 10."
    english = client.post(
        f"/api/v1/submissions/{handed['id']}/grade",
        json={"score": 11},
        headers={**h("giaovien"), "Accept-Language": "en"},
    )
    assert english.get_json()["error"]["message"] == "The score must be between 0 and 10."


def test_students_see_only_their_own_work(client, h, work):
    handed = _submit(client, h, work["assignment"]["id"]).get_json()
    assert (
        client.get(f"/api/v1/submissions/{handed['id']}", headers=h("hocsinh")).status_code == 200
    )
    assert (
        client.get(f"/api/v1/submissions/{handed['id']}", headers=h("giaovien")).status_code == 200
    )
    for other in ("hs01", "kb01"):
        response = client.get(f"/api/v1/submissions/{handed['id']}", headers=h(other))
        _refused(response, 404, "submission_not_found")
    listed = client.get(
        f"/api/v1/assignments/{work['assignment']['id']}/submissions", headers=h("hs01")
    )
    assert listed.get_json() == []


def test_other_classes_do_not_see_the_assignments(client, h, work):
    _refused(
        client.get(f"/api/v1/classes/{work['class']}/assignments", headers=h("kb01")),
        404,
        "class_not_found",
    )
    _refused(
        client.get(f"/api/v1/assignments/{work['assignment']['id']}", headers=h("kb01")),
        404,
        "assignment_not_found",
    )


def test_student_status_rule():
    submission = Submission(late=False, status="submitted")
    assert assignments.student_status(None) == "not_submitted"
    assert assignments.student_status(submission) == "submitted"
    submission.late = True
    assert assignments.student_status(submission) == "late"
    submission.status = "returned"
    assert assignments.student_status(submission) == "returned"


def test_the_calls_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    create = paths["/api/v1/classes/{class_id}/assignments"]["post"]
    assert "due_at" in create["requestBody"]["content"]["application/json"]["schema"]["properties"]
    assert "text" in str(paths["/api/v1/assignments/{assignment_id}/submissions"]["post"])
    assert "score" in str(paths["/api/v1/submissions/{submission_id}/grade"]["post"])
    assert "get" in paths["/api/v1/classes/{class_id}/gradebook.csv"]


def test_due_dates_are_kept_in_utc(client, h, work):
    stored = db.session.get(Assignment, work["assignment"]["id"])
    assert stored.due_at.tzinfo is not None and stored.due_at.utcoffset() == timedelta(0)
    assert stored.due_at > datetime.now(UTC)
