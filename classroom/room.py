"""The live lesson room: who is connected, attendance from joins and leaves, raised
hands, and the state a (re)joining device needs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from classroom import admission, board, groups, polls
from classroom.access import LessonStanding
from classroom.events import teachers_room
from classroom.models import (
    AttendanceStatus,
    ClassMember,
    Lesson,
    LessonAttendance,
    LessonConnection,
    LessonStatus,
    MemberRole,
    RaisedHand,
)
from core.db import utcnow
from core.errors import DomainError, Forbidden
from core.extensions import db
from core.live_document import live_state
from core.models import User
from core.security import user_by_username

LATE_AFTER = timedelta(minutes=10)


def _attendance_row(lesson_id: int, user_id: int) -> LessonAttendance:
    row = db.session.scalar(
        select(LessonAttendance).where(
            LessonAttendance.lesson_id == lesson_id, LessonAttendance.user_id == user_id
        )
    )
    if row is None:
        row = LessonAttendance(lesson_id=lesson_id, user_id=user_id)
        db.session.add(row)
    return row


def _on_time(lesson: Lesson, first: Any) -> bool:
    start = lesson.starts_at or lesson.started_at
    return start is None or first <= start + LATE_AFTER


def enter(found: LessonStanding, sid: str) -> int | None:
    """The device joins the lesson; a student's attendance is kept when the lesson is live.
    Returns the lesson the device was in before (or None)."""
    lesson = found.the_lesson
    previous = db.session.get(LessonConnection, sid)
    before = previous.lesson_id if previous is not None else None
    if previous is not None:
        db.session.delete(previous)
        db.session.flush()
    db.session.add(LessonConnection(sid=sid, lesson_id=lesson.id, user_id=found.user.id))
    if found.is_student and lesson.status == LessonStatus.LIVE:
        row = _attendance_row(lesson.id, found.user.id)
        now = utcnow()
        if row.first_joined_at is None:
            row.first_joined_at = now
        if row.edited_by_id is None:
            on_time = _on_time(lesson, row.first_joined_at)
            row.status = AttendanceStatus.PRESENT if on_time else AttendanceStatus.LATE
    db.session.flush()
    return before if before != lesson.id else None


def leave(sid: str) -> tuple[int, int] | None:
    """The device left; a student with no other device in a live lesson has left early."""
    connection = db.session.get(LessonConnection, sid)
    if connection is None:
        return None
    lesson_id, user_id = connection.lesson_id, connection.user_id
    db.session.delete(connection)
    db.session.flush()
    others = db.session.scalar(
        select(func.count())
        .select_from(LessonConnection)
        .where(LessonConnection.lesson_id == lesson_id, LessonConnection.user_id == user_id)
    )
    lesson = db.session.get(Lesson, lesson_id)
    if not others and lesson is not None and lesson.status == LessonStatus.LIVE:
        row = db.session.scalar(
            select(LessonAttendance).where(
                LessonAttendance.lesson_id == lesson_id, LessonAttendance.user_id == user_id
            )
        )
        if row is not None:
            row.last_left_at = utcnow()
            if row.edited_by_id is None:
                row.status = AttendanceStatus.LEFT_EARLY
    db.session.flush()
    return lesson_id, user_id


def attendance(lesson: Lesson) -> list[dict[str, Any]]:
    """Every student of the class with their attendance and whether they are online
    (three queries, whatever the class size)."""
    students = [m for m in lesson.school_class.members if m.role == MemberRole.STUDENT]
    rows = {
        r.user_id: r
        for r in db.session.scalars(
            select(LessonAttendance).where(LessonAttendance.lesson_id == lesson.id)
        )
    }
    online = set(
        db.session.scalars(
            select(LessonConnection.user_id).where(LessonConnection.lesson_id == lesson.id)
        )
    )
    out = []
    for member in students:
        row = rows.get(member.user_id) if member.user_id else None
        out.append(
            {
                "user": member.user.username if member.user else None,
                "name": member.full_name,
                "status": (row.status if row else AttendanceStatus.ABSENT).value,
                "online": member.user_id in online,
                "joined_at": row.first_joined_at.isoformat()
                if row and row.first_joined_at
                else None,
                "edited": bool(row and row.edited_by_id),
            }
        )
    return out


def attendance_message(lesson_id: int) -> tuple[str, dict[str, Any], str] | None:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None:
        return None
    payload = {"lesson_id": lesson_id, "students": attendance(lesson)}
    return "attendance_changed", payload, teachers_room(lesson_id)


def _student(found: LessonStanding, username: str) -> User:
    user = user_by_username(username)
    member = None
    if user is not None:
        member = db.session.scalar(
            select(ClassMember).where(
                ClassMember.class_id == found.school_class.id,
                ClassMember.user_id == user.id,
                ClassMember.role == MemberRole.STUDENT,
            )
        )
    if user is None or member is None:
        raise DomainError(
            "not_in_class", _l("%(name)s không phải học sinh của lớp.", name=username), 422
        )
    return user


def mark_attendance(
    teacher: LessonStanding, username: str, status: AttendanceStatus, note: str
) -> None:
    user = _student(teacher, username)
    row = _attendance_row(teacher.the_lesson.id, user.id)
    row.status, row.edited_by_id, row.note = status, teacher.user.id, note
    db.session.flush()


# -- raised hands -----------------------------------------------------------------------------


def hands(lesson_id: int) -> dict[str, Any]:
    """``hands_changed``: the queue, first raised first (one query)."""
    rows = db.session.scalars(
        select(RaisedHand).where(RaisedHand.lesson_id == lesson_id).order_by(RaisedHand.id)
    )
    return {
        "queue": [
            {"user": h.user.username, "name": h.user.display_name, "at": h.raised_at.isoformat()}
            for h in rows
        ]
    }


def raise_hand(student: LessonStanding) -> None:
    lesson = student.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise DomainError("lesson_not_live", _l("Tiết học chưa bắt đầu hoặc đã kết thúc."), 409)
    exists = db.session.scalar(
        select(RaisedHand.id).where(
            RaisedHand.lesson_id == lesson.id, RaisedHand.user_id == student.user.id
        )
    )
    if exists is not None:
        raise DomainError("hand_already_raised", _l("Bạn đã giơ tay rồi."), 409)
    db.session.add(RaisedHand(lesson_id=lesson.id, user_id=student.user.id))
    db.session.flush()


def lower_hand(found: LessonStanding, username: str | None) -> None:
    """A student lowers their own hand; the teacher lowers anyone's (called on)."""
    target = found.user
    if username and username != found.user.username:
        if not found.is_teacher:
            raise Forbidden("not_teacher", _l("Chỉ giáo viên của lớp được thực hiện thao tác này."))
        target = _student(found, username)
    db.session.execute(
        delete(RaisedHand).where(
            RaisedHand.lesson_id == found.the_lesson.id, RaisedHand.user_id == target.id
        )
    )


def give_pen(teacher: LessonStanding, username: str | None) -> dict[str, Any]:
    lesson = teacher.the_lesson
    user = _student(teacher, username) if username else None
    lesson.pen_holder_id = user.id if user else None
    db.session.flush()
    return {"user": user.username if user else None, "name": user.display_name if user else None}


# -- the state of a (re)joining device ------------------------------------------------------


def room_state(found: LessonStanding) -> dict[str, Any]:
    """Everything a device needs: the slide, its strokes, the open poll, the hands."""
    lesson = found.the_lesson
    live = live_state(lesson)
    poll = polls.open_poll_of(lesson.id)
    poll_state = None
    if poll is not None:
        poll_state = {
            **polls.poll_dict(poll),
            "mine": polls.my_answer(poll, found.user.id),
            "results": polls.results(poll) if found.is_teacher else None,
        }
    pen = db.session.get(User, lesson.pen_holder_id) if lesson.pen_holder_id else None
    state = {
        "lesson_id": lesson.id,
        "status": lesson.status.value,
        **live,
        "strokes": board.strokes_on(lesson.id, lesson.live_document_id, lesson.live_page),
        "poll": poll_state,
        "hands": hands(lesson.id),
        "pen": {"user": pen.username, "name": pen.display_name} if pen else None,
        "me": {
            "user": found.user.username,
            "id": found.user.id,
            "teacher": found.is_teacher,
        },
    }
    state["groups"] = groups.groups_state(lesson.id)
    state["group"] = None
    if found.is_teacher:
        state["attendance"] = attendance(lesson)
        state["join_requests"] = admission.waiting(lesson.id)
        state["join_code"] = admission.code_dict(found.school_class)
    else:
        mine = groups.group_of(lesson.id, found.user.id)
        if mine is not None:
            state["group"] = {
                "id": mine.id,
                "number": mine.number,
                "document_id": mine.material_id,
                "page": mine.page,
                "strokes": board.strokes_on(lesson.id, mine.material_id, mine.page, mine.id),
            }
    return state
