"""The whiteboard over each slide (bảng vẽ): strokes drawn live in short batches, kept
with the lesson; undo, clear, and handing the pen to a student.

Batches are checked, broadcast and written by ``classroom.strokes`` (the fast path, with
its caps); this module reads, undoes and clears them."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from classroom.access import LessonStanding
from classroom.groups import group_of
from classroom.models import LessonStatus, StrokeSegment
from classroom.services import lesson_material
from classroom.strokes import writer
from core.errors import DomainError, Forbidden
from core.extensions import db
from core.live_document import check_page

MAX_STROKES_PER_PAGE = 2000


def _may_draw(found: LessonStanding) -> None:
    """Undo: a teacher, the pen holder, or a student working in a group."""
    lesson = found.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise DomainError("lesson_not_live", _l("Tiết học chưa bắt đầu hoặc đã kết thúc."), 409)
    if found.is_teacher or lesson.pen_holder_id == found.user.id:
        return
    if group_of(lesson.id, found.user.id) is None:
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
        "group": segment.group_id,
        "seq": segment.seq,
    }


def strokes_on(
    lesson_id: int, material_id: int | None, page: int, group: int | None = None
) -> list[dict[str, Any]]:
    """Every batch drawn on a slide page (or on a group's board), in drawing order: the
    written ones (one query), then those still waiting to be written in this process."""
    if material_id is None:
        return []
    waiting = writer.pending(lesson_id, material_id, page, group)  # before the table
    board = StrokeSegment.group_id.is_(None) if group is None else StrokeSegment.group_id == group
    rows = db.session.scalars(
        select(StrokeSegment)
        .where(
            StrokeSegment.lesson_id == lesson_id,
            StrokeSegment.material_id == material_id,
            StrokeSegment.page == page,
            board,
        )
        .order_by(StrokeSegment.id)
        .limit(MAX_STROKES_PER_PAGE * 10)
    )
    written = [stroke_dict(row) for row in rows]
    seen = {(b["stroke"], b["seq"], str(b["points"])) for b in written}
    return written + [b for b in waiting if (b["stroke"], b["seq"], str(b["points"])) not in seen]


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
    return {
        "stroke": last.stroke_key,
        "document_id": last.material_id,
        "page": last.page,
        "group": last.group_id,
    }


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
            StrokeSegment.group_id.is_(None),
        )
    )
    return {"document_id": material.id, "page": page, "by": found.user.username}
