"""Every outward JSON shape of the classroom API, built once."""

from __future__ import annotations

from typing import Any

from flask import url_for

from classroom.models import ClassMember, Lesson, Material, SchoolClass


def member_dict(member: ClassMember) -> dict[str, Any]:
    return {
        "id": member.id,
        "role": member.role.value,
        "name": member.full_name,
        "user": member.user.username if member.user else None,
        "personal_id": member.personal_id,
    }


def material_dict(material: Material) -> dict[str, Any]:
    return {
        "id": material.id,
        "title": material.title,
        "pages": material.pages,
        "sha256": material.sha256,
        "size": material.size,
        "url": url_for("api_classroom.material_file", material_id=material.id),
    }


def lesson_dict(lesson: Lesson) -> dict[str, Any]:
    return {
        "id": lesson.id,
        "class_id": lesson.class_id,
        "title": lesson.title,
        "status": lesson.status.value,
        "starts_at": lesson.starts_at.isoformat() if lesson.starts_at else None,
        "materials": [material_dict(m) for m in lesson.materials],
    }


def class_dict(school_class: SchoolClass, with_roster: bool = True) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": school_class.id,
        "school": school_class.school.code,
        "name": school_class.name,
        "grade": school_class.grade,
        "school_year": school_class.school_year,
        "teacher": school_class.homeroom_teacher.username,
        "join_code": school_class.join_code,
    }
    if with_roster:
        body["members"] = [member_dict(m) for m in school_class.members]
        body["lessons"] = [
            {"id": lesson.id, "title": lesson.title, "status": lesson.status.value}
            for lesson in school_class.lessons
        ]
    return body
