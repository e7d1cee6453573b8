"""Joining a live lesson with the class's join code (/api/v1, no account needed), and the
teacher's code renewal. The rules are in ``classroom.admission``; the device's pass secret
stays in its session cookie (signed, HttpOnly), only its hash in the database."""

from __future__ import annotations

from flask import session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required

from classroom import admission
from classroom.access import ClassRight, class_standing
from classroom.api import api
from classroom.events import publish_teachers
from classroom.schemas import JoinCodeIn, JoinCodeRenewIn, JoinRequestIn
from core.errors import NotFound
from core.schemas import body

PASS_KEY = "lesson_pass"


@api.post("/classroom/join")
@body(JoinCodeIn)
def join_with_code(body: JoinCodeIn) -> ResponseReturnValue:
    """A device types the class's join code: the class, its live lesson and the names of
    its roster to pick from. A wrong or expired code → 404 (attempts are rate limited per
    address and per code)."""
    school_class = admission.class_for_code(body.code)
    lesson = admission.live_lesson_of(school_class)
    return {
        "class": {"name": school_class.name, "school": school_class.school.name},
        "lesson": {"id": lesson.id, "title": lesson.title},
        "students": admission.roster(school_class),
    }


@api.post("/classroom/join/requests")
@body(JoinRequestIn)
def ask_to_join(body: JoinRequestIn) -> ResponseReturnValue:
    """The device asks to join as the student it picked; it waits for a teacher to admit it."""
    school_class = admission.class_for_code(body.code)
    device_user = current_user if current_user.is_authenticated else None
    row, secret = admission.request_pass(
        school_class, body.member_id, device_user, get_remote_address() or ""
    )
    session[PASS_KEY] = secret
    lesson_id = row.lesson_id
    payload = {"lesson_id": lesson_id, "requests": admission.waiting(lesson_id)}
    publish_teachers("join_requests_changed", payload, lesson_id)
    return admission.pass_state(row), 201


@api.get("/classroom/join/request")
def join_request_state() -> ResponseReturnValue:
    """The device's request: waiting, admitted (with the lesson's address), refused,
    revoked, or ended (the lesson is over)."""
    secret = session.get(PASS_KEY)
    row = admission.pass_for(secret)
    if row is None:
        raise NotFound("request_not_found", _("Không tìm thấy yêu cầu vào lớp."))
    state = admission.pass_state(row)
    if state["status"] == "admitted":
        if admission.pass_user(secret, row.lesson_id) is None:
            state["status"] = "ended"
        else:
            state["url"] = url_for("classroom.lesson", lesson_id=row.lesson_id)
    return state


@api.post("/classes/<int:class_id>/join-code")
@login_required
@body(JoinCodeRenewIn)
def renew_join_code(class_id: int, body: JoinCodeRenewIn) -> ResponseReturnValue:
    """A teacher of the class makes a new join code {hours?} → {join_code, expires_at}."""
    teacher = class_standing(class_id, current_user, ClassRight.TEACH)
    return admission.code_dict(admission.regenerate_code(teacher, body.hours))
