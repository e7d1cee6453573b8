"""``/classroom`` events of the teacher's class management during a lesson: admitting the
devices that joined with the class's join code, and group work (split, look at a group's
board, bring everyone back). Mixed into ``classroom.sockets.ClassroomNamespace``."""

from __future__ import annotations

from typing import Any

from flask import session
from flask_babel import gettext as _

from classroom import admission, board, groups, strokes
from classroom.access import ClassRight, LessonStanding, lesson_standing
from classroom.events import publish, publish_teachers
from classroom.schemas import GroupRef, InLesson, RequestRef, SplitIn
from core.errors import DomainError
from core.models import User
from core.realtime import socket_event
from core.schemas import parse
from core.transaction import after_commit

TEACH = ClassRight.TEACH


def in_lesson(user: User, data: InLesson, *rights: ClassRight) -> LessonStanding:
    """The joined lesson (or the one named) and the caller's standing, checked."""
    lesson_id = data.lesson_id or session.get("lesson_id")
    if lesson_id is None or session.get("lesson_id") != lesson_id:
        raise DomainError("not_joined", _("Hãy vào tiết học trước (join)."), 409)
    return lesson_standing(lesson_id, user, *rights)


def _requests_changed(lesson_id: int) -> dict[str, Any]:
    payload = {"lesson_id": lesson_id, "requests": admission.waiting(lesson_id)}
    publish_teachers("join_requests_changed", payload, lesson_id)
    return payload


def _groups_changed(lesson_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    publish("groups_changed", payload, lesson_id)
    after_commit(lambda: strokes.rights.drop_lesson(lesson_id))
    return payload


class LessonWork:
    """Admission of join-code devices and group work (teachers of the class)."""

    @socket_event
    def on_admit_student(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(RequestRef, data)
        teacher = in_lesson(user, request, TEACH)
        admission.admit(teacher, request.request_id)
        return _requests_changed(teacher.the_lesson.id)

    @socket_event
    def on_refuse_student(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(RequestRef, data)
        teacher = in_lesson(user, request, TEACH)
        admission.refuse(teacher, request.request_id)
        return _requests_changed(teacher.the_lesson.id)

    @socket_event
    def on_split_groups(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(SplitIn, data)
        teacher = in_lesson(user, request, TEACH)
        payload = groups.split(teacher, request.count, request.groups)
        return _groups_changed(teacher.the_lesson.id, payload)

    @socket_event
    def on_end_groups(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        teacher = in_lesson(user, parse(InLesson, data), TEACH)
        strokes.writer.flush()
        return _groups_changed(teacher.the_lesson.id, groups.close(teacher))

    @socket_event
    def on_view_group(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        """A teacher looks at one group's board: the group and its strokes."""
        request = parse(GroupRef, data)
        teacher = in_lesson(user, request, TEACH)
        group = groups.group_for_teacher(teacher, request.group_id)
        return {
            "group_id": group.id,
            "document_id": group.material_id,
            "page": group.page,
            "strokes": board.strokes_on(group.lesson_id, group.material_id, group.page, group.id),
        }
