"""Fixtures of the enrollment tests: the demo rounds, a valid application, staff headers."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from sqlalchemy import select

from core.extensions import db
from core.security import issue_token, user_by_username
from enrollment import rounds as round_cache
from enrollment.models import EnrollmentRound


@pytest.fixture(autouse=True)
def _fresh_round_cache():
    round_cache.forget()
    yield
    round_cache.forget()


@pytest.fixture
def rounds(demo) -> dict[int, EnrollmentRound]:
    """The demo rounds by grade (seed-demo made them)."""
    rows = db.session.scalars(select(EnrollmentRound)).all()
    return {r.grade: r for r in rows}


def application(info_round: EnrollmentRound, **changes: Any) -> dict[str, Any]:
    """A valid application body for the round; ``changes`` replace top-level parts."""
    grade, year = info_round.grade, info_round.school_year
    schools = [s.school.code for s in info_round.schools]
    body: dict[str, Any] = {
        "child": {"full_name": "Nguyễn Minh Khang", "date_of_birth":
                  f"{year - (6 if grade == 1 else 11)}-03-14", "gender": "male",
                  "personal_id": "046220001234"},
        "guardian": {"full_name": "Nguyễn Văn Bình", "phone": "0905123456",
                     "email": "binh@example.vn"},
        "residence": {"ward_code": info_round.schools[0].catchment[0],
                      "address": "12 Lê Lợi"},
        "choices": schools[:2],
    }
    if grade == 6:
        body["primary_school"] = "Trường Tiểu học Vĩnh Ninh"
    body.update(copy.deepcopy(changes))
    return body


@pytest.fixture
def submit(client, rounds):
    """``submit(grade=1, key=None, **changes)`` → the response of applying."""

    def post(grade: int = 1, key: str | None = None, **changes: Any):
        row = rounds[grade]
        return client.post(
            f"/api/v1/enrollment/rounds/{row.id}/applications",
            json=application(row, **changes),
            headers={"Idempotency-Key": key or uuid.uuid4().hex},
        )

    return post


@pytest.fixture
def h(demo):
    cache: dict[str, dict[str, str]] = {}

    def headers(username: str) -> dict[str, str]:
        if username not in cache:
            user = user_by_username(username)
            assert user is not None
            token, _ = issue_token(user, 1)
            db.session.commit()
            cache[username] = {"Authorization": f"Bearer {token}"}
        return cache[username]

    return headers
