"""Builders of the assignment and gradebook tests: a class, an assignment, sample files."""

from __future__ import annotations

import io
import zipfile
from datetime import timedelta
from typing import Any

import pytest

from core.db import utcnow
from core.i18n import to_local
from core.sample_pdf import numbered_pdf
from tests.classroom.conftest import SCHOOL, make_students

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def docx(macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00")
    return out.getvalue()


def pdf() -> bytes:
    return numbered_pdf(2, "Bài tập Toán")


def due_text(days: int = 7) -> str:
    """A due date as teachers type it: dd/mm/yyyy HH:MM, Vietnam time."""
    return to_local(utcnow() + timedelta(days=days)).strftime("%d/%m/%Y") + " 17:00"


def make_class(client, h, name: str, students: list[str]) -> int:
    body = {"school": SCHOOL, "name": name, "grade": 4, "teacher": "giaovien", "students": students}
    response = client.post("/api/v1/classes", json=body, headers=h("giaovien"))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def make_assignment(client, h, class_id: int, **change: Any) -> dict[str, Any]:
    body = {"title": "Bài tập về phân số", "instructions": "Làm bài 1, 2, 3.", "due_at": due_text()}
    response = client.post(
        f"/api/v1/classes/{class_id}/assignments", json={**body, **change}, headers=h("giaovien")
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def upload(client, url: str, headers: dict, files: list[tuple[bytes, str]], **fields: str):
    data: dict[str, Any] = dict(fields)
    data["file"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(url, data=data, headers=headers, content_type="multipart/form-data")


@pytest.fixture(name="work")
def work_fixture(client, h) -> dict[str, Any]:
    """Class 4A (giaovien; hocsinh, hs01, hs02), class 4B (kb01) and an assignment of 4A."""
    class_id = make_class(client, h, "4A", ["hocsinh", *make_students("hs", 2)])
    other_id = make_class(client, h, "4B", make_students("kb", 1))
    assignment = make_assignment(client, h, class_id)
    return {"class": class_id, "other": other_id, "assignment": assignment}
