"""Group work (làm việc nhóm): the teacher splits the class into groups, each with its own
board — a copy of the slide the class was on, with strokes of its own — looks at any
group's board, then brings everyone back to the slides. A student sees and draws on their
own group's board only."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update

from classroom.access import LessonStanding
from classroom.models import (
    LessonConnection,
    LessonGroup,
    LessonGroupMember,
    LessonStatus,
    MemberRole,
)
from core.errors import Conflict, DomainError, NotFound
from core.extensions import db
from core.models import User

MAX_GROUPS = 20


def group_room(lesson_id: int, group_id: int) -> str:
    return f"lesson:{lesson_id}:group:{group_id}"


def active_groups(lesson_id: int) -> list[LessonGroup]:
    return list(
        db.session.scalars(
            select(LessonGroup)
            .where(LessonGroup.lesson_id == lesson_id, LessonGroup.active.is_(True))
            .order_by(LessonGroup.number)
        )
    )


def group_of(lesson_id: int, user_id: int) -> LessonGroup | None:
    """The student's group while the class works in groups (one query)."""
    return db.session.scalar(
        select(LessonGroup)
        .join(LessonGroupMember, LessonGroupMember.group_id == LessonGroup.id)
        .where(
            LessonGroup.lesson_id == lesson_id,
            LessonGroup.active.is_(True),
            LessonGroupMember.user_id == user_id,
        )
    )


def group_dict(group: LessonGroup, members: list[User]) -> dict[str, Any]:
    return {
        "id": group.id,
        "number": group.number,
        "document_id": group.material_id,
        "page": group.page,
        "members": [{"user": u.username, "name": u.display_name} for u in members],
    }


def groups_state(lesson_id: int) -> dict[str, Any]:
    """``groups_changed``: every active group with its members (two queries)."""
    groups = active_groups(lesson_id)
    members: dict[int, list[User]] = {g.id: [] for g in groups}
    if groups:
        rows = db.session.scalars(
            select(LessonGroupMember)
            .where(LessonGroupMember.group_id.in_(members))
            .order_by(LessonGroupMember.id)
        )
        for row in rows:
            members[row.group_id].append(row.user)
    return {
        "lesson_id": lesson_id,
        "active": bool(groups),
        "groups": [group_dict(g, members[g.id]) for g in groups],
    }


def _students(teacher: LessonStanding) -> dict[str, int]:
    """Username → user id of the class's students with an account."""
    return {
        m.user.username: m.user.id
        for m in teacher.school_class.members
        if m.role == MemberRole.STUDENT and m.user is not None
    }


def _auto(teacher: LessonStanding, count: int) -> list[list[int]]:
    """Students in the lesson now (or the whole roster when fewer are connected than
    groups asked) dealt round-robin into ``count`` groups."""
    roster = _students(teacher)
    online = set(
        db.session.scalars(
            select(LessonConnection.user_id).where(
                LessonConnection.lesson_id == teacher.the_lesson.id
            )
        )
    )
    present = [uid for uid in roster.values() if uid in online]
    ids = present if len(present) >= count else list(roster.values())
    if len(ids) < count:
        raise DomainError(
            "too_few_students", _l("Không đủ học sinh để chia thành %(n)s nhóm.", n=count), 422
        )
    return [ids[i::count] for i in range(count)]


def _picked(teacher: LessonStanding, groups: list[list[str]]) -> list[list[int]]:
    roster = _students(teacher)
    seen: set[str] = set()
    out = []
    for names in groups:
        for name in names:
            if name not in roster:
                raise DomainError(
                    "not_in_class", _l("%(name)s không phải học sinh của lớp.", name=name), 422
                )
            if name in seen:
                raise DomainError(
                    "invalid_groups",
                    _l("Mỗi học sinh chỉ thuộc một nhóm (%(name)s).", name=name),
                    422,
                )
            seen.add(name)
        out.append([roster[name] for name in names])
    return out


def split(
    teacher: LessonStanding, count: int | None, groups: list[list[str]] | None
) -> dict[str, Any]:
    """Split the class into groups (automatically into ``count`` or as picked); a new split
    closes the previous groups. Every group's board starts from the current slide."""
    lesson = teacher.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise Conflict("lesson_not_live", _l("Tiết học chưa bắt đầu hoặc đã kết thúc."))
    if lesson.live_document_id is None:
        raise Conflict("no_slide", _l("Tiết học chưa có bài giảng để làm việc nhóm."))
    plan = _picked(teacher, groups) if groups else _auto(teacher, count or 2)
    close(teacher, quiet=True)
    for number, ids in enumerate(plan, start=1):
        group = LessonGroup(
            lesson_id=lesson.id,
            number=number,
            material_id=lesson.live_document_id,
            page=lesson.live_page,
        )
        db.session.add(group)
        db.session.flush()
        db.session.add_all(LessonGroupMember(group_id=group.id, user_id=uid) for uid in ids)
    db.session.flush()
    return groups_state(lesson.id)


def close(teacher: LessonStanding, quiet: bool = False) -> dict[str, Any]:
    """Bring everyone back to the slides (the groups' boards are kept)."""
    lesson_id = teacher.the_lesson.id
    closed = db.session.execute(
        update(LessonGroup)
        .where(LessonGroup.lesson_id == lesson_id, LessonGroup.active.is_(True))
        .values(active=False)
    )
    if not quiet and not closed.rowcount:  # type: ignore[attr-defined]
        raise Conflict("no_groups", _l("Lớp đang không làm việc nhóm."))
    db.session.flush()
    return {"lesson_id": lesson_id, "active": False, "groups": []}


def group_for_teacher(teacher: LessonStanding, group_id: int) -> LessonGroup:
    group = db.session.get(LessonGroup, group_id)
    if group is None or group.lesson_id != teacher.the_lesson.id or not group.active:
        raise NotFound("group_not_found", _l("Không tìm thấy nhóm."))
    return group
