"""Pages of assignments and the gradebook (bài tập, sổ điểm), on the classroom blueprint;
and the "Bài tập" section of the class page (``classroom/_work.html``)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import render_template
from flask_login import current_user, login_required

from classroom import assignments, gradebook
from classroom.access import class_standing
from classroom.models import MemberRole, SchoolClass
from classroom.routes import bp
from classroom.work_access import assignment_standing
from core.db import utcnow
from core.i18n import to_local

STATUS_BADGES = {
    "not_submitted": "badge",
    "submitted": "badge badge-blue",
    "late": "badge badge-warn",
    "returned": "badge badge-ok",
}


def default_due() -> str:
    """A week from now at 17:00, Vietnam time, as the form shows it."""
    day = to_local(utcnow() + timedelta(days=7))
    return day.strftime("%d/%m/%Y") + " 17:00"


@bp.app_template_global("class_work")
def class_work(school_class: SchoolClass, is_teacher: bool) -> dict[str, Any]:
    """What the class page's "Bài tập" section shows (the page checked the caller)."""
    rows = assignments.assignments_of(school_class.id)
    if is_teacher:
        tally = assignments.counts(school_class.id)
        students = sum(1 for m in school_class.members if m.role == MemberRole.STUDENT)
        return {
            "items": [{"assignment": a, "counts": tally.get(a.id)} for a in rows],
            "students": students,
            "default_due": default_due(),
        }
    mine = assignments.by_assignment(
        assignments.submissions_of_class(school_class.id, current_user.id)
    )
    items = []
    for a in rows:
        submission = mine.get(a.id)
        items.append(
            {
                "assignment": a,
                "submission": submission,
                "status": assignments.student_status(submission).value,
            }
        )
    return {"items": items}


@bp.app_template_filter("file_size")
def file_size(size: int) -> str:
    """1.2 MB, 340 KB."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


@bp.app_template_global("work_status")
def work_status(status: str) -> dict[str, str]:
    return {"label": gradebook.status_label(status), "css": STATUS_BADGES.get(status, "badge")}


@bp.get("/assignments/<int:assignment_id>")
@login_required
def assignment(assignment_id: int):
    """An assignment: students hand in and read their grade; teachers grade each student."""
    found = assignment_standing(assignment_id, current_user)
    item = found.the_assignment
    handed = {s.student_id: s for s in item.submissions}
    if found.is_teacher:
        rows = []
        for m in found.school_class.members:
            if m.role == MemberRole.STUDENT and m.user_id is not None:
                sub = handed.get(m.user_id)
                rows.append((m, sub, assignments.student_status(sub).value))
        return render_template(
            "classroom/assignment.html", found=found, assignment=item, rows=rows, is_teacher=True
        )
    mine = handed.get(current_user.id)
    return render_template(
        "classroom/assignment.html",
        found=found,
        assignment=item,
        mine=mine,
        status=assignments.student_status(mine).value,
        closed=utcnow() > item.due_at and not item.allow_late,
        is_teacher=False,
    )


@bp.get("/classes/<int:class_id>/gradebook")
@login_required
def class_gradebook(class_id: int):
    """The gradebook: every student's grades (teachers) or one's own (students)."""
    found = class_standing(class_id, current_user)
    return render_template(
        "classroom/gradebook.html",
        school_class=found.school_class,
        book=gradebook.gradebook(found),
        is_teacher=found.is_teacher,
    )
