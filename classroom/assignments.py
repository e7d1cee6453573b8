"""Assignments (bài tập): the teacher sets them, students hand in text or files, the
teacher grades and returns them. The rules flush, never commit.

- A submission after the due date is *late*; when the teacher closed late work it is
  refused (409 ``deadline_passed``).
- A student hands in once; a second time only when the assignment allows resubmission,
  which replaces the work (files included) and clears the earlier grade until the teacher
  grades it again.
- Files: PDF (validated like meeting documents), Word .docx, JPEG or PNG, each at most
  ``ASSIGNMENT_MAX_FILE_BYTES`` (10 MB), at most 5 a submission and 10 an assignment.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from classroom.access import ClassStanding
from classroom.work_access import AssignmentStanding
from classroom.work_models import (
    Assignment,
    AssignmentFile,
    AttachedFile,
    StudentStatus,
    Submission,
    SubmissionFile,
    SubmissionStatus,
)
from classroom.work_schemas import AssignmentIn, GradeIn
from core import files
from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from core.pdf import MB, validate_pdf
from core.uploads import DOCX, JPEG, PDF, PNG, Upload

ALLOWED_TYPES = (PDF, DOCX, JPEG, PNG)
MAX_FILE_BYTES = 10 * MB
MAX_SUBMISSION_FILES = 5
MAX_ATTACHMENTS = 10


def max_file_bytes() -> int:
    return int(current_app.config.get("ASSIGNMENT_MAX_FILE_BYTES", MAX_FILE_BYTES))


def _too_many(limit: int) -> DomainError:
    return DomainError(
        "too_many_files", _l("Chỉ được gửi tối đa %(n)s tệp.", n=limit), 422, limit=limit
    )


def _store(upload: Upload, row: AttachedFile) -> None:
    """Validate a PDF like a meeting document, then keep the bytes in the file store."""
    if upload.content_type == PDF:
        config = current_app.config
        validate_pdf(upload.data, max_file_bytes(), config["MAX_DOCUMENT_PAGES"])
    stored = files.store_bytes(upload.data, upload.content_type)
    row.sha256, row.size = stored.sha256, stored.size
    row.filename, row.content_type = upload.filename, upload.content_type


def create_assignment(teacher: ClassStanding, data: AssignmentIn) -> Assignment:
    """A new assignment of the teacher's class; its due date must lie ahead."""
    if data.due_at <= utcnow():
        raise DomainError(
            "due_in_past", _l("Hạn nộp phải sau thời điểm hiện tại."), 422, field="due_at"
        )
    assignment = Assignment(
        class_id=teacher.school_class.id,
        title=data.title,
        instructions=data.instructions,
        due_at=data.due_at,
        max_score=round(data.max_score, 2),
        allow_late=data.allow_late,
        allow_resubmission=data.allow_resubmission,
        created_by_id=teacher.user.id,
    )
    db.session.add(assignment)
    db.session.flush()
    return assignment


def attach(teacher: AssignmentStanding, uploads: Sequence[Upload]) -> list[AssignmentFile]:
    """Attach files to an assignment (all or none)."""
    assignment = teacher.the_assignment
    if not uploads:
        raise DomainError("missing_file", _l("Chưa chọn tệp để tải lên."), 422)
    if len(assignment.attachments) + len(uploads) > MAX_ATTACHMENTS:
        raise _too_many(MAX_ATTACHMENTS)
    added = []
    for upload in uploads:
        row = AssignmentFile()
        _store(upload, row)
        assignment.attachments.append(row)
        added.append(row)
    db.session.flush()
    return added


def submission_of(assignment_id: int, student_id: int) -> Submission | None:
    return db.session.scalar(
        select(Submission).where(
            Submission.assignment_id == assignment_id, Submission.student_id == student_id
        )
    )


def _open_for(assignment: Assignment, existing: Submission | None) -> bool:
    """Whether the student may hand in now; raises the reason when not. Returns late."""
    late = utcnow() > assignment.due_at
    if late and not assignment.allow_late:
        raise Conflict(
            "deadline_passed",
            _l("Đã quá hạn nộp bài và giáo viên không nhận bài nộp muộn."),
        )
    if existing is not None and not assignment.allow_resubmission:
        raise Conflict(
            "already_submitted", _l("Bạn đã nộp bài này; giáo viên không cho phép nộp lại.")
        )
    return late


def submit(student: AssignmentStanding, text: str, uploads: Sequence[Upload]) -> Submission:
    """Hand in (or, when allowed, hand in again) the student's work."""
    assignment = student.the_assignment
    existing = submission_of(assignment.id, student.user.id)
    late = _open_for(assignment, existing)
    if not text and not uploads:
        raise DomainError(
            "empty_submission", _l("Bài nộp cần có nội dung hoặc ít nhất một tệp."), 422
        )
    if len(uploads) > MAX_SUBMISSION_FILES:
        raise _too_many(MAX_SUBMISSION_FILES)
    submission = existing or Submission(assignment_id=assignment.id, student_id=student.user.id)
    if existing is not None:
        existing.files.clear()
        existing.attempt += 1
    submission.text, submission.late, submission.submitted_at = text, late, utcnow()
    submission.status, submission.score, submission.feedback = SubmissionStatus.SUBMITTED, None, ""
    submission.graded_by_id = submission.graded_at = None
    for upload in uploads:
        row = SubmissionFile()
        _store(upload, row)
        submission.files.append(row)
    db.session.add(submission)
    db.session.flush()
    return submission


def _number(value: float) -> str:
    return f"{value:g}"


def grade(teacher: AssignmentStanding, data: GradeIn) -> Submission:
    """Score and feedback; the work is returned to the student at once."""
    submission = teacher.the_submission
    top = submission.assignment.max_score
    if data.score > top:
        raise DomainError(
            "score_out_of_range",
            _l("Điểm phải từ 0 đến %(max)s.", max=_number(top)),
            422,
            field="score",
        )
    submission.score, submission.feedback = round(data.score, 2), data.feedback
    submission.status = SubmissionStatus.RETURNED
    submission.graded_by_id, submission.graded_at = teacher.user.id, utcnow()
    db.session.flush()
    return submission


def student_status(submission: Submission | None) -> StudentStatus:
    if submission is None:
        return StudentStatus.NOT_SUBMITTED
    if submission.status == SubmissionStatus.RETURNED:
        return StudentStatus.RETURNED
    return StudentStatus.LATE if submission.late else StudentStatus.SUBMITTED


def assignments_of(class_id: int) -> list[Assignment]:
    return list(
        db.session.scalars(
            select(Assignment)
            .where(Assignment.class_id == class_id)
            .order_by(Assignment.due_at, Assignment.id)
        )
    )


def counts(class_id: int) -> dict[int, dict[str, int]]:
    """Per assignment: handed in, of which late, and returned (one query)."""
    rows = db.session.execute(
        select(Submission.assignment_id, Submission.late, Submission.status, func.count())
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.class_id == class_id)
        .group_by(Submission.assignment_id, Submission.late, Submission.status)
    )
    table: dict[int, dict[str, int]] = {}
    for assignment_id, late, status, n in rows:
        entry = table.setdefault(assignment_id, {"submitted": 0, "late": 0, "returned": 0})
        entry["submitted"] += n
        entry["late"] += n if late else 0
        entry["returned"] += n if status == SubmissionStatus.RETURNED else 0
    return table


def submissions_of_class(class_id: int, student_id: int | None = None) -> list[Submission]:
    """Every submission of the class (or of one student), in one query."""
    query = (
        select(Submission)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .where(Assignment.class_id == class_id)
    )
    if student_id is not None:
        query = query.where(Submission.student_id == student_id)
    return list(db.session.scalars(query))


def by_assignment(submissions: Sequence[Submission]) -> dict[int, Submission]:
    return {s.assignment_id: s for s in submissions}
