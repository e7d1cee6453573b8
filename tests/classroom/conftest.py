"""Fixtures of the classroom tests: API callers and a class with a lesson and slides."""

from __future__ import annotations

import io
from typing import Any

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Membership, Organization, User
from core.sample_pdf import numbered_pdf
from core.security import hash_password, issue_token, user_by_username

SCHOOL = "th-vinh-ninh"


def make_students(prefix: str, count: int, school: str = SCHOOL) -> list[str]:
    org = db.session.scalar(select(Organization).where(Organization.code == school))
    names = []
    password = hash_password("hoc-sinh-2026")
    for i in range(1, count + 1):
        username = f"{prefix}{i:02d}"
        if user_by_username(username) is None:
            user = User(
                username=username,
                full_name=f"Học sinh {prefix.upper()} {i:02d}",
                password_hash=password,
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(Membership(user_id=user.id, organization_id=org.id, role="student"))
        names.append(username)
    db.session.commit()
    return names


def pdf(pages: int = 3) -> bytes:
    return numbered_pdf(pages, "Bài giảng Toán")


@pytest.fixture
def h(demo):
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            token, _ = issue_token(user_by_username(username), 1)
            db.session.commit()
            cache[username] = {"Authorization": f"Bearer {token}"}
        return cache[username]

    return headers


@pytest.fixture
def lesson(client, h) -> dict[str, Any]:
    """Class 3A (giaovien, hocsinh + hs01..hs03) with a lesson and a 3-page deck."""
    students = ["hocsinh", *make_students("hs", 3)]
    body = {"school": SCHOOL, "name": "3A", "grade": 3, "teacher": "giaovien", "students": students}
    response = client.post("/api/v1/classes", json=body, headers=h("giaovien"))
    assert response.status_code == 201, response.get_json()
    school_class = response.get_json()
    response = client.post(
        f"/api/v1/classes/{school_class['id']}/lessons",
        json={"title": "Phép nhân"},
        headers=h("giaovien"),
    )
    assert response.status_code == 201, response.get_json()
    lesson_id = response.get_json()["id"]
    response = client.post(
        f"/api/v1/lessons/{lesson_id}/materials",
        data={"file": (io.BytesIO(pdf(3)), "phep-nhan.pdf")},
        headers=h("giaovien"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    return {"class": school_class, "id": lesson_id, "material": response.get_json()}
