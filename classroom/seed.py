"""Demo class: 5A of Vĩnh Ninh primary school with the demo teacher (giaovien), the demo
student (hocsinh) and young students without accounts (they join with the class's code),
and a lesson with a slide deck to try the live lesson. Idempotent."""

from __future__ import annotations

from sqlalchemy import select

from classroom.models import ClassMember, Lesson, Material, MemberRole, SchoolClass
from classroom.services import new_join_code, school_year_of
from core import files
from core.db import utcnow
from core.extensions import db
from core.sample_pdf import numbered_pdf
from core.security import org_by_code, user_by_username

SCHOOL = "th-vinh-ninh"
CLASS_NAME = "5A"
YOUNG_STUDENTS = ("Nguyễn Minh An", "Trần Bảo Châu", "Lê Gia Huy", "Phạm Ngọc Lan", "Võ Đức Minh")


def seed_demo_class() -> None:
    school = org_by_code(SCHOOL)
    teacher, student = user_by_username("giaovien"), user_by_username("hocsinh")
    if school is None or teacher is None or student is None:
        return
    year = school_year_of(utcnow())
    exists = db.session.scalar(
        select(SchoolClass.id).where(
            SchoolClass.organization_id == school.id,
            SchoolClass.name == CLASS_NAME,
            SchoolClass.school_year == year,
        )
    )
    if exists is not None:
        return
    school_class = SchoolClass(
        organization_id=school.id,
        name=CLASS_NAME,
        grade=5,
        school_year=year,
        homeroom_teacher_id=teacher.id,
        join_code=new_join_code(),
    )
    school_class.members.append(
        ClassMember(user_id=teacher.id, role=MemberRole.TEACHER, full_name=teacher.display_name)
    )
    school_class.members.append(
        ClassMember(user_id=student.id, role=MemberRole.STUDENT, full_name=student.display_name)
    )
    for name in YOUNG_STUDENTS:
        school_class.members.append(ClassMember(role=MemberRole.STUDENT, full_name=name))
    deck = numbered_pdf(6, "Phân số")
    stored = files.store_bytes(deck, "application/pdf")
    lesson = Lesson(title="Toán: Phân số", created_by_id=teacher.id, presenter_id=teacher.id)
    lesson.materials.append(
        Material(
            title="Phân số",
            sha256=stored.sha256,
            pages=6,
            size=len(deck),
            uploaded_by_id=teacher.id,
        )
    )
    school_class.lessons.append(lesson)
    db.session.add(school_class)
    db.session.flush()
    lesson.live_document_id, lesson.live_page = lesson.materials[0].id, 1
    db.session.flush()
