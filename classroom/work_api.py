"""The assignments and gradebook JSON API (/api/v1).

Each view parses its body with one schema, loads the caller's standing once
(``classroom.work_access``) with the right it needs, and calls one rule; the blueprint
commits once (``core.transaction``)."""

from __future__ import annotations

from flask import Response, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from classroom import assignments, gradebook
from classroom.access import ClassRight, ClassStanding, class_standing
from classroom.work_access import assignment_standing, submission_standing
from classroom.work_models import AssignmentFile, AttachedFile, SubmissionFile
from classroom.work_schemas import AssignmentIn, GradeIn, SubmissionIn
from classroom.work_shapes import assignment_dict, attachment_dict, submission_dict
from core import files
from core.access import owned_row
from core.api import api_blueprint
from core.errors import NotFound
from core.http import content_disposition
from core.schemas import body, form_or_json
from core.uploads import DOCX, Upload, read_upload, uploads_in

api = api_blueprint("api_classroom_work", __name__)
TEACH, LEARN = ClassRight.TEACH, ClassRight.LEARN


def _uploads() -> list[Upload]:
    """The files of a multipart call (field ``file``, repeated), each checked."""
    limit = assignments.max_file_bytes()
    return [read_upload(f, limit, assignments.ALLOWED_TYPES) for f in uploads_in(request.files)]


def _no_file() -> NotFound:
    return NotFound("file_not_found", _l("Không tìm thấy tệp."))


def _send(row: AttachedFile) -> Response:
    response = send_file(
        files.path_for(row.sha256), mimetype=row.content_type, conditional=True, etag=row.sha256
    )
    disposition = "attachment" if row.content_type == DOCX else "inline"
    response.headers["Content-Disposition"] = content_disposition(row.filename, disposition)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _listing(standing: ClassStanding) -> list[dict]:
    """Assignments with the counts (teachers) or the caller's own status and grade."""
    class_id = standing.school_class.id
    rows = assignments.assignments_of(class_id)
    if standing.is_teacher:
        tally = assignments.counts(class_id)
        empty = {"submitted": 0, "late": 0, "returned": 0}
        return [{**assignment_dict(a), "counts": tally.get(a.id, empty)} for a in rows]
    mine = assignments.by_assignment(assignments.submissions_of_class(class_id, current_user.id))
    return [
        {
            **assignment_dict(a),
            "status": assignments.student_status(mine.get(a.id)).value,
            "submission": submission_dict(mine[a.id]) if a.id in mine else None,
        }
        for a in rows
    ]


@api.get("/classes/<int:class_id>/assignments")
@login_required
def list_assignments(class_id: int) -> ResponseReturnValue:
    """A class's assignments: teachers see how many were handed in, students their own
    status (not_submitted, submitted, late, returned) and grade."""
    return jsonify(_listing(class_standing(class_id, current_user)))


@api.post("/classes/<int:class_id>/assignments")
@login_required
@body(AssignmentIn)
def create_assignment(class_id: int, body: AssignmentIn) -> ResponseReturnValue:
    """Set an assignment (teachers of the class) → 201 the assignment."""
    teacher = class_standing(class_id, current_user, TEACH)
    return jsonify(assignment_dict(assignments.create_assignment(teacher, body))), 201


@api.get("/assignments/<int:assignment_id>")
@login_required
def get_assignment(assignment_id: int) -> ResponseReturnValue:
    """An assignment with its attachments."""
    return jsonify(assignment_dict(assignment_standing(assignment_id, current_user).the_assignment))


@api.post("/assignments/<int:assignment_id>/attachments")
@login_required
def add_attachments(assignment_id: int) -> ResponseReturnValue:
    """Attach files (multipart ``file``, repeatable): PDF, Word .docx, JPEG or PNG, up to
    10 MB each."""
    teacher = assignment_standing(assignment_id, current_user, TEACH)
    added = assignments.attach(teacher, _uploads())
    return jsonify([attachment_dict(row) for row in added]), 201


@api.get("/assignments/<int:assignment_id>/attachments/<int:file_id>")
@login_required
def attachment_file(assignment_id: int, file_id: int) -> ResponseReturnValue:
    """An attached file, for the class."""
    assignment_standing(assignment_id, current_user)
    return _send(owned_row(AssignmentFile, file_id, _no_file(), assignment_id=assignment_id))


@api.get("/assignments/<int:assignment_id>/submissions")
@login_required
def list_submissions(assignment_id: int) -> ResponseReturnValue:
    """Submissions: teachers see every student's, a student only their own."""
    found = assignment_standing(assignment_id, current_user)
    rows = found.the_assignment.submissions
    if not found.is_teacher:
        rows = [s for s in rows if s.student_id == current_user.id]
    return jsonify([submission_dict(s) for s in rows])


@api.post("/assignments/<int:assignment_id>/submissions")
@login_required
@form_or_json(SubmissionIn)
def submit(assignment_id: int, body: SubmissionIn) -> ResponseReturnValue:
    """Hand in work (students of the class): multipart ``text`` and ``file`` (repeatable,
    PDF, Word .docx, JPEG or PNG, up to 10 MB each) or JSON ``{text}``. Late after the due
    date; refused with 409 when late work is closed or the work was handed in already and
    resubmission is not allowed."""
    student = assignment_standing(assignment_id, current_user, LEARN)
    submission = assignments.submit(student, body.text, _uploads())
    return jsonify(submission_dict(submission)), 201


@api.get("/submissions/<int:submission_id>")
@login_required
def get_submission(submission_id: int) -> ResponseReturnValue:
    """A submission (its student or the class's teachers)."""
    return jsonify(submission_dict(submission_standing(submission_id, current_user).the_submission))


@api.get("/submissions/<int:submission_id>/files/<int:file_id>")
@login_required
def submission_file(submission_id: int, file_id: int) -> ResponseReturnValue:
    """A handed-in file (its student or the class's teachers)."""
    submission_standing(submission_id, current_user)
    return _send(owned_row(SubmissionFile, file_id, _no_file(), submission_id=submission_id))


@api.post("/submissions/<int:submission_id>/grade")
@login_required
@body(GradeIn)
def grade_submission(submission_id: int, body: GradeIn) -> ResponseReturnValue:
    """Grade and return a submission {score, feedback?} (teachers of the class)."""
    teacher = submission_standing(submission_id, current_user, TEACH)
    return jsonify(submission_dict(assignments.grade(teacher, body)))


@api.get("/classes/<int:class_id>/gradebook")
@login_required
def class_gradebook(class_id: int) -> ResponseReturnValue:
    """The gradebook: assignment grades and quiz scores per student (a student sees only
    their own line)."""
    book = gradebook.gradebook(class_standing(class_id, current_user))
    return jsonify(gradebook.gradebook_dict(book))


@api.get("/classes/<int:class_id>/gradebook.csv")
@login_required
def gradebook_csv(class_id: int) -> ResponseReturnValue:
    """The gradebook as CSV (UTF-8 with BOM, for Excel), for the class's teachers."""
    teacher = class_standing(class_id, current_user, TEACH)
    data = gradebook.to_csv(gradebook.gradebook(teacher))
    response = Response(data, content_type="text/csv; charset=utf-8")
    name = f"Sổ điểm lớp {teacher.school_class.name}.csv"
    response.headers["Content-Disposition"] = content_disposition(name, "attachment")
    response.headers["Cache-Control"] = "no-store"
    return response
