"""Classes, rosters, lessons and their slide decks (the rules; they flush, never commit)."""

from __future__ import annotations

import csv
import io
import secrets
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from classroom.access import ClassStanding, LessonStanding, can_create_class
from classroom.models import (
    ClassMember,
    Lesson,
    LessonStatus,
    Material,
    MemberRole,
    SchoolClass,
)
from classroom.schemas import ClassIn, LessonIn
from core import files
from core.access import owned_row
from core.db import utcnow
from core.errors import Conflict, DomainError, Forbidden, NotFound, unknown_organization
from core.extensions import db
from core.models import User
from core.pdf import validate_pdf
from core.security import org_by_code, user_by_username
from core.uploads import pdf_stem

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
MAX_ROSTER_ROWS = 500


def school_year_of(moment: datetime) -> str:
    """A Vietnamese school year starts in September: 2026-2027 from 09/2026."""
    start = moment.year if moment.month >= 8 else moment.year - 1
    return f"{start}-{start + 1}"


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(6))
        if db.session.scalar(select(SchoolClass.id).where(SchoolClass.join_code == code)) is None:
            return code


def _user(username: str, field: str) -> User:
    user = user_by_username(username)
    if user is None:
        raise DomainError(
            "unknown_user", _l("Không có tài khoản %(name)s.", name=username), 422, field=field
        )
    return user


def create_class(creator: User, data: ClassIn) -> SchoolClass:
    """A class of a school with its homeroom teacher and students."""
    school = org_by_code(data.school)
    if school is None or school.kind != "school":
        raise unknown_organization(data.school)
    if not can_create_class(creator, school):
        raise Forbidden("not_school_staff", _l("Chỉ cán bộ, giáo viên của trường được tạo lớp."))
    teacher = _user(data.teacher, "teacher")
    if not teacher.is_admin and "teacher" not in teacher.roles_in(school.id):
        raise DomainError(
            "not_a_teacher",
            _l("%(name)s không phải giáo viên của trường.", name=teacher.display_name),
            422,
            field="teacher",
        )
    students = [_user(name, "students") for name in dict.fromkeys(data.students)]
    school_class = SchoolClass(
        organization_id=school.id,
        name=data.name,
        grade=data.grade,
        school_year=data.school_year or school_year_of(utcnow()),
        homeroom_teacher_id=teacher.id,
        join_code=new_join_code(),
    )
    school_class.members.append(
        ClassMember(user_id=teacher.id, role=MemberRole.TEACHER, full_name=teacher.display_name)
    )
    for student in students:
        if student.id == teacher.id:
            continue
        school_class.members.append(
            ClassMember(user_id=student.id, role=MemberRole.STUDENT, full_name=student.display_name)
        )
    db.session.add(school_class)
    db.session.flush()
    return school_class


def students_of(school_class: SchoolClass) -> list[ClassMember]:
    return [m for m in school_class.members if m.role == MemberRole.STUDENT]


# -- roster import ----------------------------------------------------------------------------

HEADERS = {
    "full_name": ("full_name", "ho_ten", "họ tên", "họ và tên"),
    "personal_id": ("personal_id", "ma_dinh_danh", "mã định danh"),
    "username": ("username", "ten_dang_nhap", "tên đăng nhập"),
}


def _columns(header: list[str]) -> dict[str, int]:
    normal = [h.strip().lower() for h in header]
    found = {}
    for key, names in HEADERS.items():
        for index, name in enumerate(normal):
            if name in names:
                found[key] = index
    if "full_name" not in found:
        raise DomainError(
            "invalid_roster",
            _l("Tệp danh sách cần cột họ tên (full_name hoặc ho_ten)."),
            422,
        )
    return found


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            "invalid_roster", _l("Tệp danh sách phải là CSV mã UTF-8."), 422
        ) from None
    if "\x00" in text:
        raise DomainError("invalid_roster", _l("Tệp danh sách phải là CSV mã UTF-8."), 422)
    rows = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    if len(rows) < 2:
        raise DomainError("invalid_roster", _l("Tệp danh sách không có học sinh nào."), 422)
    if len(rows) > MAX_ROSTER_ROWS + 1:
        raise DomainError(
            "invalid_roster", _l("Tệp danh sách có quá %(n)s dòng.", n=MAX_ROSTER_ROWS), 422
        )
    return rows


def _check_row(
    cells: list[str], cols: dict[str, int], seen: set[str], taken: set[str]
) -> tuple[dict[str, Any] | None, str | None]:
    def cell(key: str) -> str:
        index = cols.get(key)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    name, pid, username = cell("full_name"), cell("personal_id"), cell("username")
    if not name or len(name) > 200:
        return None, str(_l("Thiếu họ tên hoặc họ tên quá dài."))
    if pid and (len(pid) != 12 or not pid.isdigit()):
        return None, str(_l("Mã định danh phải gồm đúng 12 chữ số."))
    user = user_by_username(username) if username else None
    if username and user is None:
        return None, str(_l("Không có tài khoản %(name)s.", name=username))
    key = f"u:{user.id}" if user else f"p:{pid}" if pid else f"n:{name.lower()}"
    if key in seen or key in taken:
        return None, str(_l("Học sinh đã có trong danh sách lớp."))
    seen.add(key)
    return {"full_name": name, "personal_id": pid or None, "user": user}, None


def import_roster(teacher: ClassStanding, data: bytes) -> list[ClassMember]:
    """Add the students of a CSV file (họ tên, mã định danh, tên đăng nhập). Every row is
    checked first: when any is refused nothing is added, and the refusal lists every
    rejected row with its line number and reason."""
    rows = _read_csv(data)
    cols = _columns(rows[0])
    school_class = teacher.school_class
    taken = set()
    for m in school_class.members:
        taken.add(
            f"u:{m.user_id}"
            if m.user_id
            else f"p:{m.personal_id}"
            if m.personal_id
            else f"n:{m.full_name.lower()}"
        )
    seen: set[str] = set()
    accepted, rejected = [], []
    for line, cells in enumerate(rows[1:], start=2):
        row, reason = _check_row(cells, cols, seen, taken)
        if row is None:
            rejected.append({"line": line, "reason": reason})
        else:
            accepted.append(row)
    if rejected:
        raise DomainError(
            "invalid_roster",
            _l("%(n)s dòng không hợp lệ; chưa thêm học sinh nào.", n=len(rejected)),
            422,
            rejected=rejected,
        )
    added = []
    for row in accepted:
        user = row["user"]
        member = ClassMember(
            role=MemberRole.STUDENT,
            user_id=user.id if user else None,
            full_name=user.display_name if user and not row["full_name"] else row["full_name"],
            personal_id=row["personal_id"],
        )
        school_class.members.append(member)
        added.append(member)
    db.session.flush()
    return added


def place_confirmed_seat(
    school: str, grade: int, school_year: str, full_name: str, personal_id: str
) -> ClassMember | None:
    """A confirmed seat from enrollment joins the least filled class of its school, grade
    and year (None when the school has no such class yet, or the child is already placed)."""
    org = org_by_code(school)
    if org is None:
        return None
    classes = list(
        db.session.scalars(
            select(SchoolClass).where(
                SchoolClass.organization_id == org.id,
                SchoolClass.grade == grade,
                SchoolClass.school_year == school_year,
            )
        )
    )
    if not classes:
        return None
    ids = [c.id for c in classes]
    placed = db.session.scalar(
        select(ClassMember.id).where(
            ClassMember.class_id.in_(ids), ClassMember.personal_id == personal_id
        )
    )
    if placed is not None:
        return None
    target = min(classes, key=lambda c: (len(students_of(c)), c.id))
    member = ClassMember(role=MemberRole.STUDENT, full_name=full_name, personal_id=personal_id)
    target.members.append(member)
    db.session.flush()
    return member


# -- lessons and slides ---------------------------------------------------------------------


def add_lesson(teacher: ClassStanding, data: LessonIn) -> Lesson:
    lesson = Lesson(
        title=data.title,
        starts_at=data.starts_at,
        created_by_id=teacher.user.id,
        presenter_id=teacher.user.id,
    )
    teacher.school_class.lessons.append(lesson)
    db.session.flush()
    return lesson


def add_material(teacher: LessonStanding, data: bytes, filename: str) -> Material:
    """A slide deck (PDF), validated like meeting documents and stored by its sha256."""
    lesson = teacher.the_lesson
    config = current_app.config
    info = validate_pdf(data, config["MAX_DOCUMENT_BYTES"], config["MAX_DOCUMENT_PAGES"])
    stored = files.store_bytes(data, "application/pdf")
    title = pdf_stem(filename)
    material = Material(
        title=(title or info.title or "Bài giảng")[:300],
        sha256=stored.sha256,
        pages=info.pages,
        size=len(data),
        uploaded_by_id=teacher.user.id,
    )
    lesson.materials.append(material)
    db.session.flush()
    if lesson.live_document_id is None:
        lesson.live_document_id, lesson.live_page = material.id, 1
    return material


def lesson_material(lesson_id: int, material_id: int) -> Material:
    missing = NotFound("material_not_found", _l("Không tìm thấy học liệu."))
    return owned_row(Material, material_id, missing, lesson_id=lesson_id)


def start_lesson(teacher: LessonStanding) -> Lesson:
    lesson = teacher.the_lesson
    if lesson.status == LessonStatus.ENDED:
        raise Conflict("lesson_ended", _l("Tiết học đã kết thúc."))
    if lesson.status == LessonStatus.SCHEDULED:
        lesson.status, lesson.started_at = LessonStatus.LIVE, datetime.now(UTC)
        lesson.presenter_id = teacher.user.id
    db.session.flush()
    return lesson


def end_lesson(teacher: LessonStanding) -> Lesson:
    lesson = teacher.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise Conflict("lesson_not_live", _l("Tiết học không diễn ra."))
    lesson.status, lesson.ended_at = LessonStatus.ENDED, utcnow()
    db.session.flush()
    return lesson


def student_count(school_class: SchoolClass) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(ClassMember)
            .where(ClassMember.class_id == school_class.id, ClassMember.role == MemberRole.STUDENT)
        )
        or 0
    )
