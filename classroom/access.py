"""Who may see and do what in a class and its lessons — loaded once per call
(see ``core.access``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, or_, select
from sqlalchemy.orm import joinedload, lazyload

from classroom.models import ClassMember, Lesson, MemberRole, SchoolClass
from core.access import Standing
from core.db import prepared
from core.errors import Forbidden, NotFound
from core.extensions import db
from core.models import Membership, Organization, User

SCHOOL_STAFF = {"school_admin"}


class ClassRight(enum.Enum):
    VIEW = "view"  # see the class, its lessons and materials
    TEACH = "teach"  # a teacher of the class (or the school's administrator): run lessons
    LEARN = "learn"  # a student of the class: join lessons, answer polls, raise a hand


def class_not_found() -> NotFound:
    return NotFound("class_not_found", _l("Không tìm thấy lớp học."))


def lesson_not_found() -> NotFound:
    return NotFound("lesson_not_found", _l("Không tìm thấy tiết học."))


@dataclass(frozen=True)
class ClassStanding(Standing):
    """A caller, a class and the caller's roster row (or None)."""

    school_class: SchoolClass
    user: User
    member: ClassMember | None

    @property
    def is_teacher(self) -> bool:
        if self.member is not None and self.member.role == MemberRole.TEACHER:
            return True
        return self.user.is_admin or bool(
            self.user.roles_in(self.school_class.organization_id) & SCHOOL_STAFF
        )

    @property
    def is_student(self) -> bool:
        return self.member is not None and self.member.role == MemberRole.STUDENT

    def has(self, right: enum.Enum) -> bool:
        if right is ClassRight.VIEW:
            return self.is_teacher or self.member is not None
        if right is ClassRight.TEACH:
            return self.is_teacher
        return right is ClassRight.LEARN and self.is_student

    def refusal(self, right: enum.Enum) -> NotFound | Forbidden:
        if right is ClassRight.VIEW or not self.has(ClassRight.VIEW):
            return class_not_found()
        if right is ClassRight.TEACH:
            return Forbidden(
                "not_teacher", _l("Chỉ giáo viên của lớp được thực hiện thao tác này.")
            )
        return Forbidden("not_student", _l("Chỉ học sinh của lớp được thực hiện thao tác này."))


@dataclass(frozen=True)
class LessonStanding(ClassStanding):
    lesson: Lesson | None = None

    @property
    def the_lesson(self) -> Lesson:
        if self.lesson is None:
            raise lesson_not_found()
        return self.lesson


@prepared
def _member() -> Select[ClassMember]:
    # The caller already holds the user: do not join it in again (with its memberships).
    return select(ClassMember).options(lazyload(ClassMember.user)).where(
        ClassMember.class_id == bindparam("class_id"), ClassMember.user_id == bindparam("user_id")
    )


@prepared
def _lesson_and_class() -> Select[Lesson]:
    """A lesson with its class's own columns (rights need its school), in one query: not
    the school and homeroom teacher rows the class joins in for pages."""
    in_class = joinedload(Lesson.school_class)
    return (
        select(Lesson)
        .where(Lesson.id == bindparam("lesson_id"))
        .options(
            in_class.lazyload(SchoolClass.school),
            in_class.lazyload(SchoolClass.homeroom_teacher),
        )
    )


def member_of(school_class: SchoolClass, user: User) -> ClassMember | None:
    return db.session.scalar(_member(), {"class_id": school_class.id, "user_id": user.id})


def class_standing(class_id: int, user: User, *rights: ClassRight) -> ClassStanding:
    """Load the class and the caller's standing once; a class the caller may not see is a 404."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        raise class_not_found()
    found = ClassStanding(school_class, user, member_of(school_class, user))
    found.require(ClassRight.VIEW, *rights)
    return found


def lesson_standing(lesson_id: int, user: User, *rights: ClassRight) -> LessonStanding:
    """Load the lesson, its class and the caller's standing once (404 when not visible)."""
    lesson = db.session.scalar(_lesson_and_class(), {"lesson_id": lesson_id})
    if lesson is None:
        raise lesson_not_found()
    school_class = lesson.school_class
    found = LessonStanding(school_class, user, member_of(school_class, user), lesson)
    if not found.has(ClassRight.VIEW):
        raise lesson_not_found()
    found.require(*rights)
    return found


def can_create_class(user: User, school: Organization) -> bool:
    return user.is_admin or bool(user.roles_in(school.id) & (SCHOOL_STAFF | {"teacher"}))


def classes_for(user: User) -> list[SchoolClass]:
    """Classes the user teaches or learns in, or runs as school staff (one query)."""
    staff_orgs = [m.organization_id for m in user.memberships if m.role in SCHOOL_STAFF]
    query = select(SchoolClass).outerjoin(ClassMember, ClassMember.class_id == SchoolClass.id)
    if not user.is_admin:
        query = query.where(
            or_(ClassMember.user_id == user.id, SchoolClass.organization_id.in_(staff_orgs))
        )
    return list(
        db.session.scalars(query.distinct().order_by(SchoolClass.grade, SchoolClass.name)).unique()
    )


def creatable_schools(user: User) -> list[Organization]:
    """Schools where the user may create classes (staff and teachers; admins: every school)."""
    if not user.is_authenticated:
        return []
    query = select(Organization).where(Organization.kind == "school")
    if not user.is_admin:
        ids = [m.organization_id for m in user.memberships if m.role in SCHOOL_STAFF | {"teacher"}]
        query = query.where(Organization.id.in_(ids))
    return list(db.session.scalars(query.order_by(Organization.name)))


def teachers_of(schools: list[Organization]) -> list[dict[str, str]]:
    """Teachers of these schools, for the homeroom teacher field (one query)."""
    rows = db.session.execute(
        select(User.username, User.full_name, Organization.code)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(
            Membership.organization_id.in_([s.id for s in schools]),
            Membership.role == "teacher",
            User.active.is_(True),
        )
        .order_by(User.full_name)
    )
    return [{"username": u, "name": n or u, "school": code} for u, n, code in rows]
