"""Lớp học thông minh: the pages (classes, a class's roster and lessons, the live lesson)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from classroom.access import ClassRight, class_standing, classes_for, lesson_standing
from classroom.models import MemberRole
from core.transaction import CommittingBlueprint

bp = CommittingBlueprint(
    "classroom", __name__, template_folder="templates", url_prefix="/classroom"
)


@bp.get("/")
@login_required
def index():
    """The caller's classes."""
    return render_template("classroom/index.html", classes=classes_for(current_user))


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
@login_required
def lesson(lesson_id: int):
    """The live lesson: slides that follow the teacher, the board, polls, hands."""
    found = lesson_standing(lesson_id, current_user)
    return render_template(
        "classroom/lesson.html",
        lesson=found.the_lesson,
        school_class=found.school_class,
        is_teacher=found.is_teacher,
    )
