"""The stroke fast path: a drawing device's right to draw is loaded once and kept with its
connection while the lesson lasts; each batch is checked against it, broadcast first,
and written with the other batches of the last ~200 ms in one INSERT, off the emit path.

- The kept right is dropped when the pen changes hands, groups are split or closed, the
  lesson's status changes, or the device leaves or disconnects (in this process), and
  re-read every ``RECHECK_SECONDS`` (a change made by another server process).
- Caps protect the room: a batch holds at most ``MAX_POINTS_PER_BATCH`` points (schema),
  a stroke at most ``MAX_POINTS_PER_STROKE``, and one device sends at most
  ``MAX_BATCHES_PER_SECOND`` batches a second.
- Buffered batches are written before anything reads or deletes strokes (a device
  joining or turning the page, undo, clear, the lesson pack, the lesson's end) and at exit.
"""

from __future__ import annotations

import atexit
import logging
import queue
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select

from classroom import groups
from classroom.access import LessonStanding
from classroom.events import NAMESPACE, room_name, teachers_room
from classroom.models import LessonStatus, Material, StrokeSegment
from classroom.schemas import StrokeIn
from core.db import utcnow
from core.errors import DomainError, Forbidden
from core.extensions import db, socketio
from core.live_document import check_page
from core.schemas import parse

log = logging.getLogger(__name__)
RECHECK_SECONDS = 5.0
MAX_POINTS_PER_STROKE = 3000
MAX_BATCHES_PER_SECOND = 40
WRITE_INTERVAL = 0.2


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


@dataclass
class DrawRight:
    """What one connection may draw on, from its standing in the lesson."""

    lesson_id: int
    user_id: int
    teacher: bool
    pen: bool
    pages: dict[int, int]  # slide deck id → pages
    group: tuple[int, int, int] | None  # the student's (group, deck, page)
    boards: dict[int, tuple[int, int]] = field(
        default_factory=dict
    )  # teacher: group → (deck, page)
    loaded_at: float = field(default_factory=time.monotonic)


def load_right(found: LessonStanding) -> DrawRight:
    """A device's right to draw, read from its standing (three small queries)."""
    lesson = found.the_lesson
    if lesson.status != LessonStatus.LIVE:
        raise DomainError("lesson_not_live", _l("Tiết học chưa bắt đầu hoặc đã kết thúc."), 409)
    decks = db.session.execute(
        select(Material.id, Material.pages).where(Material.lesson_id == lesson.id)
    )
    mine = None if found.is_teacher else groups.group_of(lesson.id, found.user.id)
    boards = (
        {g.id: (g.material_id, g.page) for g in groups.active_groups(lesson.id)}
        if found.is_teacher
        else {}
    )
    return DrawRight(
        lesson_id=lesson.id,
        user_id=found.user.id,
        teacher=found.is_teacher,
        pen=lesson.pen_holder_id == found.user.id,
        pages={deck: pages for deck, pages in decks},
        group=(mine.id, mine.material_id, mine.page) if mine else None,
        boards=boards,
    )


class RightCache:
    """Rights kept per connection (sid) in this process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._rights: dict[str, DrawRight] = {}

    def get(self, sid: str, lesson_id: int | None) -> DrawRight | None:
        with self._lock:
            right = self._rights.get(sid)
        if right is None or time.monotonic() - right.loaded_at > RECHECK_SECONDS:
            return None
        return right if lesson_id in (None, right.lesson_id) else None

    def for_batch(self, sid: str, data: StrokeIn, session: Any) -> DrawRight | None:
        """The kept right for a batch: of the lesson it names, else of the lesson the
        connection joined (``lesson_id`` in its socket session)."""
        return self.get(sid, data.lesson_id or (session or {}).get("lesson_id"))

    def put(self, sid: str, right: DrawRight) -> None:
        with self._lock:
            self._rights[sid] = right

    def drop(self, sid: str) -> None:
        with self._lock:
            self._rights.pop(sid, None)

    def drop_lesson(self, lesson_id: int) -> None:
        with self._lock:
            for sid in [s for s, r in self._rights.items() if r.lesson_id == lesson_id]:
                del self._rights[sid]


rights = RightCache()


def _refuse_pen() -> Forbidden:
    return Forbidden("not_pen_holder", _l("Chỉ giáo viên hoặc học sinh được trao bút mới được vẽ."))


def _board(right: DrawRight, data: StrokeIn) -> int | None:
    """The group board the batch goes to (None: the slides); refuses what the right lacks."""
    if data.group_id is None:
        if not (right.teacher or (right.pen and right.group is None)):
            raise _refuse_pen()
        return None
    if right.teacher:
        board = right.boards.get(data.group_id)
    elif right.group is not None and right.group[0] == data.group_id:
        board = right.group[1:]
    else:
        raise Forbidden("not_your_group", _l("Bạn chỉ được vẽ trên bảng của nhóm mình."))
    if board is None:
        raise DomainError("group_not_found", _l("Không tìm thấy nhóm."), 404)
    if (data.document_id, data.page) != board:
        raise DomainError("invalid_page", _l("Số trang không hợp lệ."), 422)
    return data.group_id


def accept(right: DrawRight, data: StrokeIn, sid: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check one batch against the kept right; (the ``stroke_drawn`` payload, the row)."""
    group = _board(right, data)
    pages = right.pages.get(data.document_id)
    if pages is None:
        raise DomainError("material_not_found", _l("Không tìm thấy học liệu."), 404)
    page = check_page(data.page, pages)
    key = f"{right.user_id}-{data.stroke}"
    limiter.batch(sid, f"{right.lesson_id}:{key}", len(data.points))
    row = {
        "lesson_id": right.lesson_id,
        "material_id": data.document_id,
        "page": page,
        "stroke_key": key,
        "user_id": right.user_id,
        "tool": data.tool,
        "color": data.color.lower(),
        "width": round(data.width, 5),
        "points": [[round(x, 4), round(y, 4)] for x, y in data.points],
        "group_id": group,
        "seq": data.seq,
        "created_at": utcnow(),
    }
    return row_payload(row), row


def stroke_rooms(lesson_id: int, group: int | None) -> str | list[str]:
    """The slides' strokes go to the lesson; a group board's to the group and teachers."""
    if group is None:
        return room_name(lesson_id)
    return [groups.group_room(lesson_id, group), teachers_room(lesson_id)]


def draw(app: Flask, right: DrawRight, data: StrokeIn, sid: str) -> dict[str, Any]:
    """Check a batch against the kept right, broadcast it, then queue its row; the ack."""
    payload, row = accept(right, data, sid)
    broadcaster.send("stroke_drawn", payload, stroke_rooms(right.lesson_id, payload["group"]), sid)
    writer.add(app, row)
    return {"ok": True, "stroke": payload["stroke"]}


def draw_kept(app: Flask, sid: str, session: dict[str, Any] | None, data: Any) -> dict | None:
    """A batch from a device whose right is kept, handled without a Flask request context
    (building one is ~0.4 ms an event, as much as the rest of the batch): parse, check,
    broadcast, queue. None sends the batch down the full path: no kept right yet, or a
    refusal, which the full path then answers in the device's language (a refused batch
    changes nothing, so it is checked twice at no harm)."""
    if not isinstance(data, dict):
        return None
    try:
        request = parse(StrokeIn, data)
        right = rights.for_batch(sid, request, session)
        return draw(app, right, request, sid) if right is not None else None
    except DomainError:
        return None


def row_payload(row: dict[str, Any]) -> dict[str, Any]:
    """``stroke_drawn`` of a batch not written yet (the shape of ``board.stroke_dict``)."""
    return {
        "stroke": row["stroke_key"],
        "document_id": row["material_id"],
        "page": row["page"],
        "tool": row["tool"].value,
        "color": row["color"],
        "width": row["width"],
        "points": row["points"],
        "by": row["user_id"],
        "group": row["group_id"],
        "seq": row["seq"],
    }


class StrokeWriter:
    """Batches waiting to be written, inserted together every ``WRITE_INTERVAL``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()  # keeps the writes in arrival order
        self._rows: list[dict[str, Any]] = []
        self._app: Flask | None = None
        self._running = False

    def add(self, app: Flask, row: dict[str, Any]) -> None:
        with self._lock:
            self._rows.append(row)
            self._app = app
            start, self._running = not self._running, True
        if start:
            socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            time.sleep(WRITE_INTERVAL)
            with self._lock:
                if not self._rows:
                    self._running = False
                    return
                app = self._app
            if app is not None:
                with app.app_context():
                    self.flush()

    def pending(self, lesson_id: int, material_id: int, page: int, group: int | None) -> list:
        """Batches of a board not written yet, in drawing order (a batch being written
        stays here until its commit: read this before the table, see board.strokes_on)."""
        with self._lock:
            return [
                row_payload(r)
                for r in self._rows
                if r["lesson_id"] == lesson_id
                and r["material_id"] == material_id
                and r["page"] == page
                and r["group_id"] == group
            ]

    def flush(self) -> int:
        """Write every waiting batch now (on its own connection, committed at once)."""
        with self._write_lock:
            with self._lock:
                rows = list(self._rows)
            if rows:
                with db.engine.begin() as connection:
                    connection.execute(insert(StrokeSegment), rows)
                with self._lock:  # only now: a reader sees every batch, written or waiting
                    del self._rows[: len(rows)]
            return len(rows)

    def flush_at_exit(self) -> None:
        app = self._app
        if app is not None and self._rows:
            with app.app_context():
                self.flush()


writer = StrokeWriter()


class Broadcaster:
    """Stroke broadcasts go out from one thread, in arrival order: each event is handled
    in a thread of its own, and handler threads broadcasting to big rooms at once crowd
    each other (the GIL switching between half-sent broadcasts) so that every batch of a
    burst arrives late."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[str, dict[str, Any], Any, str]] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._started = False

    def send(self, event: str, payload: dict[str, Any], to: Any, skip_sid: str) -> None:
        self._queue.put((event, payload, to, skip_sid))
        with self._lock:
            start, self._started = not self._started, True
        if start:
            socketio.start_background_task(self._run)

    def _run(self) -> None:
        while True:
            event, payload, to, skip_sid = self._queue.get()
            try:
                socketio.emit(event, payload, to=to, namespace=NAMESPACE, skip_sid=skip_sid)
            except Exception:  # keep broadcasting: one failed send must not stop the rest
                log.exception("stroke broadcast failed")


broadcaster = Broadcaster()
atexit.register(writer.flush_at_exit)
