"""The stroke path without a request context (classroom.strokes.draw_kept)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from classroom import strokes
from classroom.models import StrokeSegment
from core.extensions import db
from core.security import user_by_username

pytestmark = pytest.mark.db


def _kept(lesson: dict[str, Any], sid: str) -> strokes.DrawRight:
    right = strokes.DrawRight(
        lesson_id=lesson["id"],
        user_id=user_by_username("giaovien").id,
        teacher=True,
        pen=False,
        pages={lesson["material"]["id"]: 3},
        group=None,
    )
    strokes.rights.put(sid, right)
    return right


def _batch(lesson: dict[str, Any], **changes: Any) -> dict[str, Any]:
    batch = {"stroke": "k1", "document_id": lesson["material"]["id"], "page": 2}
    return {**batch, "points": [[0.1, 0.2], [0.3, 0.4]], **changes}


def _rows() -> int:
    return db.session.scalar(select(func.count()).select_from(StrokeSegment)) or 0


def test_a_kept_right_draws_and_the_row_is_written(app, lesson):
    right = _kept(lesson, "sid-kept")
    ack = strokes.draw_kept(app, "sid-kept", {"lesson_id": lesson["id"]}, _batch(lesson))
    assert ack == {"ok": True, "stroke": f"{right.user_id}-k1"}
    strokes.writer.flush()  # returns once the batch is written (here or by the writer's timer)
    assert _rows() == 1


def test_no_kept_right_or_a_refusal_goes_down_the_full_path(app, lesson):
    session = {"lesson_id": lesson["id"]}
    assert strokes.draw_kept(app, "sid-unknown", session, _batch(lesson)) is None
    _kept(lesson, "sid-refused")
    for bad in (
        _batch(lesson, page=9),
        _batch(lesson, document_id=999999),
        _batch(lesson, points="0,0"),
        _batch(lesson, lesson_id=lesson["id"] + 1000),  # another lesson than the kept one
        ["not", "a", "dict"],
    ):
        assert strokes.draw_kept(app, "sid-refused", session, bad) is None, bad
    assert strokes.writer.flush() == 0
    assert _rows() == 0
