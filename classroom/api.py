"""The classroom JSON API (/api/v1): CONTRACT.md's classroom table and a few more calls.

Each view parses its body with one schema, loads the caller's standing once
(``classroom.access``) with the right it needs, and calls one rule; the blueprint commits
once and then publishes to the lesson's room (``core.transaction``)."""

from __future__ import annotations

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from classroom import admission, documents, polls, room, services, sheet, strokes, video
from classroom.access import ClassRight, class_standing, classes_for, lesson_standing
from classroom.events import publish
from classroom.models import Material
from classroom.schemas import ClassIn, LessonIn
from classroom.shapes import class_dict, lesson_dict, material_dict, member_dict
from core import files
from core.api import api_blueprint
from core.errors import DomainError
from core.http import content_disposition
from core.schemas import body
from core.transaction import after_commit

api = api_blueprint("api_classroom", __name__)
TEACH = ClassRight.TEACH


def _upload(field: str = "file") -> tuple[bytes, str]:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise DomainError("missing_file", _("Chưa chọn tệp để tải lên."), 422)
    return upload.read(), upload.filename


@api.get("/classes")
@login_required
def list_classes() -> ResponseReturnValue:
    """Classes the caller teaches, learns in, or runs as school staff."""
    return jsonify([class_dict(c, with_roster=False) for c in classes_for(current_user)])


@api.post("/classes")
@login_required
@body(ClassIn)
def create_class(body: ClassIn) -> ResponseReturnValue:
    """Create a class {school, name, grade, teacher, students:[username]} → {id, join_code}."""
    school_class = services.create_class(current_user, body)
    return jsonify(id=school_class.id, join_code=school_class.join_code), 201


@api.get("/classes/<int:class_id>")
@login_required
def get_class(class_id: int) -> ResponseReturnValue:
    """A class with its roster and lessons (students see only the class list of names)."""
    return jsonify(class_dict(class_standing(class_id, current_user).school_class))


@api.post("/classes/<int:class_id>/roster")
@login_required
def import_roster(class_id: int) -> ResponseReturnValue:
    """Import students from a CSV file (field `file`: full_name/ho_ten, personal_id,
    username). Any bad row refuses the whole file with the list of rejected rows."""
    teacher = class_standing(class_id, current_user, TEACH)
    data, _name = _upload()
    added = services.import_roster(teacher, data)
    return jsonify(added=[member_dict(m) for m in added], rejected=[]), 201


@api.post("/classes/<int:class_id>/lessons")
@login_required
@body(LessonIn)
def create_lesson(class_id: int, body: LessonIn) -> ResponseReturnValue:
    """Schedule a lesson {title, starts_at?} → {id}."""
    lesson = services.add_lesson(class_standing(class_id, current_user, TEACH), body)
    return jsonify(id=lesson.id), 201


@api.get("/lessons/<int:lesson_id>")
@login_required
def get_lesson(lesson_id: int) -> ResponseReturnValue:
    """A lesson with its slide decks."""
    return jsonify(lesson_dict(lesson_standing(lesson_id, current_user).the_lesson))


@api.post("/lessons/<int:lesson_id>/materials")
@login_required
def upload_material(lesson_id: int) -> ResponseReturnValue:
    """Upload a slide deck (multipart `file`, a PDF validated like meeting documents)."""
    teacher = lesson_standing(lesson_id, current_user, TEACH)
    data, filename = _upload()
    material = services.add_material(teacher, data, filename)
    return jsonify(
        id=material.id, pages=material.pages, sha256=material.sha256, title=material.title
    ), 201


@api.get("/materials/<int:material_id>")
@login_required
def get_material(material_id: int) -> ResponseReturnValue:
    """A slide deck's metadata."""
    material = documents.readable_material(material_id, current_user)
    return jsonify(material_dict(material))


@api.get("/materials/<int:material_id>/file")
def material_file(material_id: int) -> ResponseReturnValue:
    """The PDF itself; honours Range so devices fetch only what they show, once. A device
    admitted with the join code reads its lesson's slides only."""
    material: Material = documents.readable_material(material_id, admission.lesson_reader())
    return files.send_stored(material.sha256, "application/pdf", f"{material.title}.pdf")


@api.post("/lessons/<int:lesson_id>/start")
@login_required
def start_lesson(lesson_id: int) -> ResponseReturnValue:
    """The teacher starts the lesson: students' attendance is kept from now on."""
    lesson = services.start_lesson(lesson_standing(lesson_id, current_user, TEACH))
    after_commit(lambda: strokes.rights.drop_lesson(lesson_id))
    publish(
        "lesson_status_changed", {"lesson_id": lesson.id, "status": lesson.status.value}, lesson.id
    )
    return jsonify(lesson_dict(lesson))


@api.post("/lessons/<int:lesson_id>/end")
@login_required
def end_lesson(lesson_id: int) -> ResponseReturnValue:
    """The teacher ends the lesson."""
    strokes.writer.flush()  # every batch drawn is kept before the lesson closes
    lesson = services.end_lesson(lesson_standing(lesson_id, current_user, TEACH))
    after_commit(lambda: strokes.rights.drop_lesson(lesson_id))
    publish(
        "lesson_status_changed", {"lesson_id": lesson.id, "status": lesson.status.value}, lesson.id
    )
    if video.end_with_lesson(lesson) is not None:
        publish("video_changed", video.video_payload(None), lesson.id)
    return jsonify(lesson_dict(lesson))


@api.get("/lessons/<int:lesson_id>/attendance")
@login_required
def lesson_attendance(lesson_id: int) -> ResponseReturnValue:
    """Attendance of every student (teachers)."""
    teacher = lesson_standing(lesson_id, current_user, TEACH)
    return jsonify(room.attendance(teacher.the_lesson))


@api.get("/lessons/<int:lesson_id>/scores")
@login_required
def lesson_scores(lesson_id: int) -> ResponseReturnValue:
    """Per-student poll scores (teachers see all, a student only their own)."""
    found = lesson_standing(lesson_id, current_user)
    lesson = found.the_lesson
    table = polls.scores(lesson.id)
    rows = []
    for member in services.students_of(lesson.school_class):
        if member.user is None or not (found.is_teacher or member.user_id == current_user.id):
            continue
        entry = table.get(member.user.id, {"answered": 0, "correct": 0})
        rows.append({"user": member.user.username, "name": member.full_name, **entry})
    return jsonify(rows)


def _pdf(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(name)
    return response


@api.get("/lessons/<int:lesson_id>/pack.pdf")
@login_required
def lesson_pack(lesson_id: int) -> ResponseReturnValue:
    """The lesson pack: the slides with the board's strokes drawn on them and the polls."""
    strokes.writer.flush()
    found = lesson_standing(lesson_id, current_user)
    return _pdf(documents.lesson_pack(found.the_lesson), f"{found.the_lesson.title}.pdf")


@api.get("/lessons/<int:lesson_id>/attendance.pdf")
@login_required
def attendance_sheet(lesson_id: int) -> ResponseReturnValue:
    """The attendance sheet (danh sách điểm danh) as an official A4 draft (teachers)."""
    teacher = lesson_standing(lesson_id, current_user, TEACH)
    lesson = teacher.the_lesson
    return _pdf(documents.attendance_sheet(lesson), f"Diem danh {lesson.title}.pdf")


@api.post("/lessons/<int:lesson_id>/attendance/signature")
@login_required
def sign_attendance_sheet(lesson_id: int) -> ResponseReturnValue:
    """After the lesson, the attendance sheet signed by the calling teacher with their own
    certificate, or sealed by the school's system seal when they have none (PAdES; the
    ``X-Signed-By`` header says which: ``teacher`` or ``seal``)."""
    teacher = lesson_standing(lesson_id, current_user, TEACH)
    data, how = sheet.signed_attendance_sheet(teacher)
    response = _pdf(data, f"Diem danh {teacher.the_lesson.title} (da ky).pdf")
    response.headers["X-Signed-By"] = how
    return response
