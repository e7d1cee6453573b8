"""The gradebook (sổ điểm) of a class: every student's assignment grades and the
lessons' quiz scores, with the average of the returned grades on a 10-point scale; and
its CSV export (UTF-8 with a byte-order mark, so Excel shows Vietnamese)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from classroom.access import ClassStanding
from classroom.assignments import assignments_of, student_status, submissions_of_class
from classroom.models import ClassMember, Lesson, MemberRole, Poll, PollAnswer
from classroom.work_models import Assignment, StudentStatus
from core.extensions import db

SCALE = 10.0  # Vietnamese schools grade out of 10
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Row:
    """One student's line of the gradebook."""

    user: str
    name: str
    assignments: dict[int, dict[str, Any]] = field(default_factory=dict)
    quizzes: dict[int, dict[str, int]] = field(default_factory=dict)
    average: float | None = None


@dataclass
class Gradebook:
    assignments: list[Assignment]
    lessons: list[tuple[int, str]]  # lessons with graded quiz questions: (id, title)
    rows: list[Row]


def quiz_scores(class_id: int) -> dict[tuple[int, int], dict[str, int]]:
    """Per (lesson, student): questions with a correct answer answered, and how many
    right — for every lesson of the class in one query."""
    right = func.sum(case((PollAnswer.is_correct.is_(True), 1), else_=0))
    rows: Any = db.session.execute(
        select(Poll.lesson_id, PollAnswer.user_id, func.count(), right)
        .select_from(PollAnswer)
        .join(Poll, Poll.id == PollAnswer.poll_id)
        .join(Lesson, Lesson.id == Poll.lesson_id)
        .where(Lesson.class_id == class_id, PollAnswer.is_correct.is_not(None))
        .group_by(Poll.lesson_id, PollAnswer.user_id)
    )
    return {
        (lesson_id, user_id): {"answered": int(n), "correct": int(ok or 0)}
        for lesson_id, user_id, n, ok in rows
    }


def _quiz_lessons(class_id: int, lesson_ids: set[int]) -> list[tuple[int, str]]:
    """The class's lessons with graded quiz answers, in order: (id, title)."""
    if not lesson_ids:
        return []
    query = select(Lesson.id, Lesson.title).where(
        Lesson.class_id == class_id, Lesson.id.in_(lesson_ids)
    )
    return [
        (lesson_id, title) for lesson_id, title in db.session.execute(query.order_by(Lesson.id))
    ]


def _average(row: Row, assignments: list[Assignment]) -> float | None:
    marks = [
        row.assignments[a.id]["score"] / a.max_score * SCALE
        for a in assignments
        if row.assignments.get(a.id, {}).get("score") is not None
    ]
    return round(sum(marks) / len(marks), 2) if marks else None


def gradebook(found: ClassStanding) -> Gradebook:
    """Teachers see every student; a student sees only their own line."""
    school_class = found.school_class
    only = None if found.is_teacher else found.user.id
    students = [
        m
        for m in school_class.members
        if m.role == MemberRole.STUDENT and m.user_id and only in (None, m.user_id)
    ]
    assignments = assignments_of(school_class.id)
    submissions = {
        (s.assignment_id, s.student_id): s for s in submissions_of_class(school_class.id, only)
    }
    quizzes = quiz_scores(school_class.id)
    lessons = _quiz_lessons(school_class.id, {lesson_id for lesson_id, _user in quizzes})
    rows = [_row(m, assignments, lessons, submissions, quizzes) for m in students]
    return Gradebook(assignments, lessons, rows)


def _row(
    member: ClassMember,
    assignments: list[Assignment],
    lessons: list[tuple[int, str]],
    submissions: dict[tuple[int, int], Any],
    quizzes: dict[tuple[int, int], dict[str, int]],
) -> Row:
    assert member.user_id is not None and member.user is not None
    row = Row(user=member.user.username, name=member.full_name)
    for assignment in assignments:
        submission = submissions.get((assignment.id, member.user_id))
        status = student_status(submission)
        score = submission.score if submission and status == StudentStatus.RETURNED else None
        row.assignments[assignment.id] = {"status": status.value, "score": score}
    for lesson_id, _title in lessons:
        row.quizzes[lesson_id] = quizzes.get(
            (lesson_id, member.user_id), {"answered": 0, "correct": 0}
        )
    row.average = _average(row, assignments)
    return row


def gradebook_dict(book: Gradebook) -> dict[str, Any]:
    return {
        "assignments": [
            {"id": a.id, "title": a.title, "max_score": a.max_score, "due_at": a.due_at.isoformat()}
            for a in book.assignments
        ],
        "lessons": [{"id": lesson_id, "title": title} for lesson_id, title in book.lessons],
        "scale": SCALE,
        "students": [
            {
                "user": r.user,
                "name": r.name,
                "assignments": {str(k): v for k, v in r.assignments.items()},
                "quizzes": {str(k): v for k, v in r.quizzes.items()},
                "average": r.average,
            }
            for r in book.rows
        ],
    }


def status_label(status: str) -> str:
    labels = {
        "not_submitted": _("Chưa nộp"),
        "submitted": _("Đã nộp"),
        "late": _("Nộp muộn"),
        "returned": _("Đã chấm"),
    }
    return labels.get(status, status)


def _cell(value: Any) -> str:
    """A CSV cell; text that a spreadsheet would run as a formula is quoted with '."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _header(book: Gradebook) -> list[str]:
    head = [_("STT"), _("Họ và tên"), _("Tài khoản")]
    head += [
        _("%(title)s (điểm tối đa %(max)s)", title=a.title, max=f"{a.max_score:g}")
        for a in book.assignments
    ]
    head += [_("Câu hỏi trên lớp: %(title)s", title=title) for _id, title in book.lessons]
    head.append(_("Điểm trung bình bài tập (thang 10)"))
    return head


def to_csv(book: Gradebook) -> bytes:
    """The gradebook as CSV: a returned grade as a number, otherwise the status
    (chưa nộp, đã nộp, nộp muộn); quiz scores as "right/answered"."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_cell(h) for h in _header(book)])
    for number, row in enumerate(book.rows, start=1):
        line: list[Any] = [number, row.name, row.user]
        for assignment in book.assignments:
            mark = row.assignments[assignment.id]
            line.append(
                mark["score"] if mark["score"] is not None else status_label(mark["status"])
            )
        for lesson_id, _title in book.lessons:
            quiz = row.quizzes[lesson_id]
            line.append(_("%(correct)s/%(answered)s đúng", **quiz))
        line.append(row.average)
        writer.writerow([_cell(v) for v in line])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
