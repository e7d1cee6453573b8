"""Joining a live lesson with the class's join code (vào lớp bằng mã), for young students
without an account: the device types the code, picks a name from the roster and waits;
a teacher of the class admits it (or refuses). An admitted device holds a *lesson pass*:
it acts as that student in that lesson only, while the lesson is live — no sign-in, no
other page, no other lesson. The device keeps the pass's secret; only its hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import session
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from classroom import join_guard
from classroom.access import ClassStanding, LessonStanding
from classroom.models import (
    ClassMember,
    Lesson,
    LessonConnection,
    LessonPass,
    LessonStatus,
    MemberRole,
    PassStatus,
    SchoolClass,
)
from classroom.services import JOIN_CODE_ALPHABET, new_join_code
from core.db import utcnow
from core.errors import Conflict, DomainError, Forbidden, NotFound
from core.extensions import db
from core.models import User
from core.security import hash_password, user_by_username

PASS_KIND = "lesson_pass"
PASS_HOURS = 8
CODE_LENGTH = 6


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def normal_code(text: str) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())[:12]


def _wrong_code() -> NotFound:
    return NotFound("invalid_join_code", _l("Mã vào lớp không đúng hoặc đã hết hạn."))


def class_for_code(text: str) -> SchoolClass:
    """The class of a join code still in force (the address's budgets are checked first);
    a wrong or expired code spends one attempt and answers 404."""
    join_guard.check_address()
    code = normal_code(text)
    found = None
    if len(code) == CODE_LENGTH and all(c in JOIN_CODE_ALPHABET for c in code):
        found = db.session.scalar(select(SchoolClass).where(SchoolClass.join_code == code))
    expires = found.join_code_expires_at if found is not None else None
    if found is None or (expires is not None and expires <= utcnow()):
        join_guard.wrong_code()
        raise _wrong_code()
    join_guard.use_code(code)
    return found


def live_lesson_of(school_class: SchoolClass) -> Lesson:
    lesson = db.session.scalar(
        select(Lesson)
        .where(Lesson.class_id == school_class.id, Lesson.status == LessonStatus.LIVE)
        .order_by(Lesson.started_at.desc(), Lesson.id.desc())
        .limit(1)
    )
    if lesson is None:
        raise Conflict(
            "no_live_lesson", _l("Lớp chưa có tiết học nào đang diễn ra. Hãy chờ giáo viên.")
        )
    return lesson


def roster(school_class: SchoolClass) -> list[dict[str, Any]]:
    """The names a device may pick (no accounts, no personal IDs)."""
    return [
        {"id": m.id, "name": m.full_name}
        for m in sorted(school_class.members, key=lambda m: m.full_name)
        if m.role == MemberRole.STUDENT
    ]


def _refuse_other_class(school_class: SchoolClass, device_user: User | None) -> None:
    """A signed-in student of another class may not join this class's lesson."""
    if device_user is None or not device_user.is_authenticated:
        return
    rows = db.session.execute(
        select(ClassMember.class_id, ClassMember.role).where(ClassMember.user_id == device_user.id)
    ).all()
    if rows and school_class.id not in {class_id for class_id, _role in rows}:
        raise Forbidden(
            "other_class", _l("Bạn là học sinh của lớp khác: không thể vào tiết học này.")
        )


def request_pass(
    school_class: SchoolClass, member_id: int, device_user: User | None, address: str
) -> tuple[LessonPass, str]:
    """The device asks to join the class's live lesson as a roster student; (pass, secret)."""
    lesson = live_lesson_of(school_class)
    member = db.session.get(ClassMember, member_id)
    if member is None or member.class_id != school_class.id or member.role != MemberRole.STUDENT:
        raise DomainError(
            "not_in_class", _l("Tên này không có trong danh sách lớp."), 422, field="member_id"
        )
    _refuse_other_class(school_class, device_user)
    waiting = db.session.scalar(
        select(func.count())
        .select_from(LessonPass)
        .where(LessonPass.lesson_id == lesson.id, LessonPass.status == PassStatus.WAITING)
    )
    if (waiting or 0) >= 2 * len(school_class.members) + 10:
        raise DomainError(
            "too_many_waiting", _l("Có quá nhiều thiết bị đang chờ vào lớp. Hãy thử lại sau."), 429
        )
    secret = secrets.token_urlsafe(32)
    row = LessonPass(
        lesson_id=lesson.id,
        member_id=member.id,
        token_hash=_digest(secret),
        address=address[:64],
        expires_at=utcnow() + timedelta(hours=PASS_HOURS),
    )
    db.session.add(row)
    db.session.flush()
    return row, secret


def pass_for(secret: str | None) -> LessonPass | None:
    if not isinstance(secret, str) or not secret:
        return None
    return db.session.scalar(select(LessonPass).where(LessonPass.token_hash == _digest(secret)))


def _in_force(row: LessonPass, lesson: Lesson | None, now: datetime) -> bool:
    return (
        row.status == PassStatus.ADMITTED
        and row.expires_at > now
        and lesson is not None
        and lesson.status == LessonStatus.LIVE
    )


def pass_user(secret: str | None, lesson_id: int | None = None) -> tuple[User, int] | None:
    """The student an admitted pass stands for and its lesson, while the pass holds."""
    row = pass_for(secret)
    if row is None or row.user_id is None or (lesson_id is not None and row.lesson_id != lesson_id):
        return None
    if not _in_force(row, db.session.get(Lesson, row.lesson_id), utcnow()):
        return None
    user = db.session.get(User, row.user_id)
    return (user, row.lesson_id) if user is not None and user.active else None


def credential_of(secret: str | None) -> tuple[User, dict[str, Any], int] | None:
    """A socket connection's user, limited credential and lesson, from the pass secret."""
    found = pass_user(secret)
    if found is None:
        return None
    user, lesson_id = found
    credential = {"uid": user.id, "kind": PASS_KIND, "secret": _digest(str(secret))}
    return user, credential, lesson_id


def check_credential(credential: dict[str, Any]) -> User | None:
    """core.socket_auth's check of a pass credential (on every event and on the sweep)."""
    row = db.session.scalar(
        select(LessonPass).where(LessonPass.token_hash == str(credential.get("secret")))
    )
    if row is None or row.user_id != credential.get("uid"):
        return None
    if not _in_force(row, db.session.get(Lesson, row.lesson_id), utcnow()):
        return None
    return db.session.get(User, row.user_id)


def pass_state(row: LessonPass) -> dict[str, Any]:
    return {
        "request_id": row.id,
        "status": row.status.value,
        "lesson_id": row.lesson_id,
        "name": row.member.full_name,
    }


# -- the teacher's side -----------------------------------------------------------------------


def waiting(lesson_id: int) -> list[dict[str, Any]]:
    """``join_requests_changed``: devices waiting, with a warning when the name is already
    admitted on another device (the teacher decides). Two queries."""
    rows = list(
        db.session.scalars(
            select(LessonPass)
            .where(LessonPass.lesson_id == lesson_id, LessonPass.status == PassStatus.WAITING)
            .order_by(LessonPass.id)
        )
    )
    admitted = set(
        db.session.scalars(
            select(LessonPass.member_id).where(
                LessonPass.lesson_id == lesson_id, LessonPass.status == PassStatus.ADMITTED
            )
        )
    )
    online = set(
        db.session.scalars(
            select(LessonConnection.user_id).where(LessonConnection.lesson_id == lesson_id)
        )
    )
    return [
        {
            "id": r.id,
            "name": r.member.full_name,
            "member_id": r.member_id,
            "conflict": r.member_id in admitted or r.member.user_id in online,
            "at": r.created_at.isoformat(),
        }
        for r in rows
    ]


def _waiting_request(teacher: LessonStanding, request_id: int) -> LessonPass:
    row = db.session.get(LessonPass, request_id)
    if row is None or row.lesson_id != teacher.the_lesson.id:
        raise NotFound("request_not_found", _l("Không tìm thấy yêu cầu vào lớp."))
    if row.status != PassStatus.WAITING:
        raise Conflict("request_decided", _l("Yêu cầu vào lớp này đã được xử lý."))
    return row


def _roster_account(member: ClassMember) -> User:
    """The account a roster student without one acts as: no password anyone knows, no
    role anywhere — it only exists so the lesson can keep their attendance and answers."""
    if member.user is not None:
        return member.user
    base = f"lop{member.class_id}.hs{member.id}"
    username = base if user_by_username(base) is None else f"{base}.{secrets.token_hex(3)}"
    user = User(
        username=username,
        full_name=member.full_name,
        password_hash=hash_password(secrets.token_urlsafe(32)),
    )
    db.session.add(user)
    db.session.flush()
    member.user_id = user.id
    member.user = user
    return user


def admit(teacher: LessonStanding, request_id: int) -> LessonPass:
    """Let the device in as the student it named; any other device admitted under the same
    name in this lesson loses its pass."""
    row = _waiting_request(teacher, request_id)
    user = _roster_account(row.member)
    for other in db.session.scalars(
        select(LessonPass).where(
            LessonPass.lesson_id == row.lesson_id,
            LessonPass.member_id == row.member_id,
            LessonPass.status == PassStatus.ADMITTED,
        )
    ):
        other.status = PassStatus.REVOKED
    row.user_id, row.status = user.id, PassStatus.ADMITTED
    row.decided_at, row.decided_by_id = utcnow(), teacher.user.id
    db.session.flush()
    return row


def refuse(teacher: LessonStanding, request_id: int) -> LessonPass:
    row = _waiting_request(teacher, request_id)
    row.status, row.decided_at, row.decided_by_id = PassStatus.REFUSED, utcnow(), teacher.user.id
    db.session.flush()
    return row


def regenerate_code(teacher: ClassStanding, hours: int) -> SchoolClass:
    """A new join code for the class, in force for ``hours``; the old one stops working."""
    school_class = teacher.school_class
    school_class.join_code = new_join_code()
    school_class.join_code_expires_at = utcnow() + timedelta(hours=hours)
    db.session.flush()
    return school_class


def code_dict(school_class: SchoolClass) -> dict[str, Any]:
    expires = school_class.join_code_expires_at
    return {
        "join_code": school_class.join_code,
        "expires_at": expires.isoformat() if expires else None,
    }


def lesson_reader(lesson_id: int | None = None) -> User:
    """Who reads a lesson's page or slides over HTTP: the signed-in user, else the student
    of the device's admitted pass (of that lesson); else a 401."""
    if current_user.is_authenticated:
        return current_user._get_current_object()
    found = pass_user(session.get("lesson_pass"), lesson_id)
    if found is None:
        raise DomainError("unauthorized", _l("Bạn cần đăng nhập để tiếp tục."), 401)
    return found[0]


def pass_lesson() -> int | None:
    """The lesson the device's pass opens, when it is not signed in (None otherwise)."""
    if current_user.is_authenticated:
        return None
    found = pass_user(session.get("lesson_pass"))
    return found[1] if found else None
