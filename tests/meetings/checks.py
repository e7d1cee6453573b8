"""Assertions shared by the meetings tests: refusals of rules and of the API, and what a
refused call may leave behind."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import func, select

from core.errors import DomainError
from core.extensions import db
from core.models import StoredFile
from meetings.models import Document

VIETNAMESE = set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý")


def raises(code: str, status: int, call: Any, *args: Any, **kwargs: Any) -> DomainError:
    """Call and expect a DomainError with this code and status, then roll back."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert (caught.value.code, caught.value.status) == (code, status), caught.value.to_dict()
    assert str(caught.value.message).strip()
    return caught.value


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def stored_files() -> list[Path]:
    """Every file in the content-addressed store on disk."""
    root = Path(current_app.instance_path) / "files"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def counts() -> tuple[int, int, int]:
    """(Document rows, StoredFile rows, files on disk): what an upload may leave behind."""
    return count(Document), count(StoredFile), len(stored_files())


def error_of(response: Any) -> dict[str, Any]:
    """The error of a 4xx JSON answer, checked for the contract's shape."""
    assert 400 <= response.status_code < 500, (response.status_code, response.data[:300])
    body = response.get_json()
    assert body is not None, response.data[:300]
    error = body["error"]
    assert error["code"] and error["code"] == error["code"].lower()
    assert isinstance(error["message"], str) and error["message"].strip()
    return error


def vi_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The error of a 4xx answer: the status, the code, a message in Vietnamese."""
    assert response.status_code == status, (response.status_code, response.get_json())
    error = error_of(response)
    if code is not None:
        assert error["code"] == code, error
    assert VIETNAMESE & set(error["message"].lower()), error["message"]
    return error
