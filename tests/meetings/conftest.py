"""Helpers for the meetings tests: meetings made through the rules or the API, PDFs, tokens."""

from __future__ import annotations

import functools
import io
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from pypdf import PdfReader, PdfWriter
from sqlalchemy import func, select

from core.extensions import db
from core.i18n import VN_TZ
from core.models import StoredFile
from core.sample_pdf import numbered_pdf
from core.security import issue_token, user_by_username
from meetings import services
from meetings.models import Document, Meeting

ORG = "hue"


@functools.cache
def pdf(pages: int = 5, title: str = "Tài liệu họp") -> bytes:
    """A real PDF whose page N says 'Trang N' (made once per shape)."""
    return numbered_pdf(pages, title)


@functools.cache
def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf(2))))
    writer.encrypt("mat-khau")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def when(days: float = 1, hour: int = 8) -> datetime:
    """A moment `days` from today at `hour` o'clock, Vietnam time."""
    day = datetime.now(VN_TZ).date() + timedelta(days=int(days))
    return datetime(day.year, day.month, day.day, hour, tzinfo=VN_TZ)


def meeting_body(**overrides: Any) -> dict[str, Any]:
    """A valid body for POST /api/v1/meetings (and services.create_meeting)."""
    body: dict[str, Any] = {
        "title": "Họp thường kỳ kiểm thử",
        "organization": ORG,
        "starts_at": when(1, 8).replace(tzinfo=None).isoformat(),
        "ends_at": when(1, 11).replace(tzinfo=None).isoformat(),
        "location": "Phòng họp số 2",
        "confidential": False,
        "chair": "chutich",
        "secretary": "thuky",
        "participants": ["daibieu", "daibieu.phunhuan"],
    }
    body.update(overrides)
    return body


def user(username: str):
    found = user_by_username(username)
    assert found is not None, username
    return found


def make_meeting(creator: str = "chutich", **overrides: Any) -> Meeting:
    """A meeting created through the rules and committed."""
    meeting = services.create_meeting(user(creator), meeting_body(**overrides))
    db.session.commit()
    return meeting


def add_pdf(meeting: Meeting, by: str = "chutich", pages: int = 5, **kwargs: Any) -> Document:
    document = services.add_document(
        meeting, user(by), pdf(pages), "tai-lieu.pdf", **kwargs
    )
    db.session.commit()
    return document


def stored_files() -> list[Path]:
    """Every file in the content-addressed store on disk."""
    root = Path(current_app.instance_path) / "files"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts() -> tuple[int, int, int]:
    """(Document rows, StoredFile rows, files on disk): what an upload may leave behind."""
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count()).select_from(Document)),
        db.session.scalar(select(func.count()).select_from(StoredFile)),
        len(stored_files()),
    )


def error_of(response) -> dict[str, Any]:
    """The error of a 4xx JSON answer, checked for the contract's shape."""
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    body = response.get_json()
    assert body is not None, response.data[:300]
    error = body["error"]
    assert error["code"] and error["code"] == error["code"].lower()
    assert isinstance(error["message"], str) and error["message"].strip()
    return error


@pytest.fixture
def h(demo):
    """``h("chutich")`` → Authorization headers. Tokens are issued directly (the login
    endpoint allows 5 sign-ins a minute, and some tests act as many people)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str, **extra: str) -> dict[str, str]:
        if username not in cache:
            token, _ = issue_token(user(username), 1)
            db.session.commit()
            cache[username] = {"Authorization": f"Bearer {token}"}
        return {**cache[username], **extra}

    return headers


@pytest.fixture
def api_meeting(client, h):
    """POST /api/v1/meetings as chutich (or `by`); returns the JSON body."""

    def create(by: str = "chutich", **overrides: Any) -> dict[str, Any]:
        response = client.post("/api/v1/meetings", json=meeting_body(**overrides), headers=h(by))
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def upload(client, h):
    """POST a multipart upload to a meeting's documents; ``files`` is [(bytes, name)]."""

    def post(
        meeting_id: int,
        files: list[tuple[bytes, str]] | None = None,
        by: str = "chutich",
        **form: Any,
    ):
        data: dict[str, Any] = dict(form)
        if files is not None:
            data["file"] = [(io.BytesIO(content), name) for content, name in files]
        return client.post(
            f"/api/v1/meetings/{meeting_id}/documents",
            data=data,
            headers=h(by),
            content_type="multipart/form-data",
        )

    return post
