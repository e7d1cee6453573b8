"""Lớp học thông minh: the pages (classes, a class's roster and lessons, the live lesson)."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from classroom import admission
from classroom.access import (
    ClassRight,
    class_standing,
    classes_for,
    creatable_schools,
    lesson_standing,
    teachers_of,
)
from classroom.models import MemberRole
from classroom.services import school_year_of
from core.db import utcnow
from core.errors import DomainError, Forbidden
from core.transaction import CommittingBlueprint

bp = CommittingBlueprint(
    "classroom", __name__, template_folder="templates", url_prefix="/classroom"
)


@bp.get("/")
@login_required
def index():
    """The caller's classes."""
    return render_template(
        "classroom/index.html",
        classes=classes_for(current_user),
        can_create=bool(creatable_schools(current_user)),
    )


@bp.get("/classes/<int:class_id>")
@login_required
def class_detail(class_id: int):
    """A class: roster, lessons, join code; teachers import a roster and plan lessons."""
    found = class_standing(class_id, current_user)
    school_class = found.school_class
    students = [m for m in school_class.members if m.role == MemberRole.STUDENT]
    teachers = [m for m in school_class.members if m.role == MemberRole.TEACHER]
    return render_template(
        "classroom/class.html",
        school_class=school_class,
        students=students,
        teachers=teachers,
        is_teacher=found.has(ClassRight.TEACH),
    )


@bp.get("/lessons/<int:lesson_id>")
def lesson(lesson_id: int):
    """The live lesson: slides that follow the teacher, the board, polls, hands. A device
    admitted with the join code sees its own lesson only."""
    try:
        reader = admission.lesson_reader(lesson_id)
    except DomainError:
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    found = lesson_standing(lesson_id, reader)
    return render_template(
        "classroom/lesson.html",
        lesson=found.the_lesson,
        school_class=found.school_class,
        is_teacher=found.is_teacher,
        reader=reader,
        with_pass=not current_user.is_authenticated,
    )


@bp.get("/join")
def join():
    """Vào lớp bằng mã: a young student's device types the class's code, picks a name and
    waits for the teacher."""
    return render_template("classroom/join.html")


@bp.get("/classes/new")
@login_required
def new_class():
    """A form for the school's staff: a class with its homeroom teacher and roster."""
    schools = [org for org in creatable_schools(current_user) if org.kind == "school"]
    if not schools:
        raise Forbidden("not_school_staff", _l("Chỉ cán bộ, giáo viên của trường được tạo lớp."))
    return render_template(
        "classroom/new_class.html",
        schools=schools,
        teachers=teachers_of(schools),
        school_year=school_year_of(utcnow()),
    )
