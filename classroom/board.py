"""The whiteboard over each slide (bảng vẽ): strokes drawn live in short batches, kept
with the lesson; undo, clear, and handing the pen to a student.

Caps protect the room: a batch holds at most ``MAX_POINTS_PER_BATCH`` points (schema), a
stroke at most ``MAX_POINTS_PER_STROKE``, and one device sends at most
``MAX_BATCHES_PER_SECOND`` batches a second."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from classroom.access import LessonStanding
from classroom.models import LessonStatus, StrokeSegment
from classroom.schemas import StrokeIn
from classroom.services import lesson_material
from core.errors import DomainError, Forbidden
from core.extensions import db
from core.live_document import check_page

MAX_POINTS_PER_STROKE = 3000
MAX_BATCHES_PER_SECOND = 40
MAX_STROKES_PER_PAGE = 2000


class _Limiter:
    """Per-device batch rate and per-stroke point count (kept in the serving process:
    a device's connection is pinned to one process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: OrderedDict[str, tuple[float, int]] = OrderedDict()
        self._points: OrderedDict[str, int] = OrderedDict()

    def batch(self, sid: str, stroke_key: str, points: int) -> None:
        now = time.monotonic()
        with self._lock:
            start, count = self._windows.get(sid, (now, 0))
            if now - start >= 1.0:
                start, count = now, 0
            if count >= MAX_BATCHES_PER_SECOND:
                raise DomainError(
                    "too_many_strokes", _l("Vẽ quá nhanh: hãy gửi nét vẽ chậm lại."), 429
                )
            total = self._points.get(stroke_key, 0) + points
            if total > MAX_POINTS_PER_STROKE:
                raise DomainError(
                    "stroke_too_long",
                    _l("Nét vẽ quá dài (tối đa %(n)s điểm).", n=MAX_POINTS_PER_STROKE),
                    422,
                )
            self._windows[sid] = (start, count + 1)
            self._windows.move_to_end(sid)
            self._points[stroke_key] = total
            self._points.move_to_end(stroke_key)
            for table in (self._windows, self._points):
                while len(table) > 20000:
                    table.popitem(last=False)


limiter = _Limiter()


def _may_draw(found: LessonStanding) -> None:
    lesson = found.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise DomainError("lesson_not_live", _l("Tiết học chưa bắt đầu hoặc đã kết thúc."), 409)
    if not found.is_teacher and lesson.pen_holder_id != found.user.id:
        raise Forbidden(
            "not_pen_holder", _l("Chỉ giáo viên hoặc học sinh được trao bút mới được vẽ.")
        )


def stroke_dict(segment: StrokeSegment) -> dict[str, Any]:
    return {
        "stroke": segment.stroke_key,
        "document_id": segment.material_id,
        "page": segment.page,
        "tool": segment.tool.value,
        "color": segment.color,
        "width": segment.width,
        "points": segment.points,
        "by": segment.user_id,
    }


def draw(found: LessonStanding, data: StrokeIn, sid: str) -> dict[str, Any]:
    """Keep one batch of a stroke; the ``stroke_drawn`` payload."""
    _may_draw(found)
    lesson = found.the_lesson
    material = lesson_material(lesson.id, data.document_id)
    page = check_page(data.page, material.pages)
    key = f"{found.user.id}-{data.stroke}"
    limiter.batch(sid, f"{lesson.id}:{key}", len(data.points))
    segment = StrokeSegment(
        lesson_id=lesson.id,
        material_id=material.id,
        page=page,
        stroke_key=key,
        user_id=found.user.id,
        tool=data.tool,
        color=data.color.lower(),
        width=round(data.width, 5),
        points=[[round(x, 4), round(y, 4)] for x, y in data.points],
    )
    db.session.add(segment)
    db.session.flush()
    return stroke_dict(segment)


def strokes_on(lesson_id: int, material_id: int | None, page: int) -> list[dict[str, Any]]:
    """Every batch drawn on a page, in drawing order (one query)."""
    if material_id is None:
        return []
    rows = db.session.scalars(
        select(StrokeSegment)
        .where(
            StrokeSegment.lesson_id == lesson_id,
            StrokeSegment.material_id == material_id,
            StrokeSegment.page == page,
        )
        .order_by(StrokeSegment.id)
        .limit(MAX_STROKES_PER_PAGE * 10)
    )
    return [stroke_dict(row) for row in rows]


def undo(found: LessonStanding) -> dict[str, Any]:
    """Remove the caller's latest stroke; the ``stroke_undone`` payload."""
    _may_draw(found)
    lesson = found.the_lesson
    last = db.session.scalar(
        select(StrokeSegment)
        .where(StrokeSegment.lesson_id == lesson.id, StrokeSegment.user_id == found.user.id)
        .order_by(StrokeSegment.id.desc())
        .limit(1)
    )
    if last is None:
        raise DomainError("nothing_to_undo", _l("Không còn nét vẽ nào để hoàn tác."), 409)
    db.session.execute(
        delete(StrokeSegment).where(
            StrokeSegment.lesson_id == lesson.id, StrokeSegment.stroke_key == last.stroke_key
        )
    )
    return {"stroke": last.stroke_key, "document_id": last.material_id, "page": last.page}


def clear(found: LessonStanding, document_id: int, page: int) -> dict[str, Any]:
    """The teacher wipes a slide's board; the ``board_cleared`` payload."""
    lesson = found.the_lesson
    material = lesson_material(lesson.id, document_id)
    page = check_page(page, material.pages)
    db.session.execute(
        delete(StrokeSegment).where(
            StrokeSegment.lesson_id == lesson.id,
            StrokeSegment.material_id == material.id,
            StrokeSegment.page == page,
        )
    )
    return {"document_id": material.id, "page": page, "by": found.user.username}
