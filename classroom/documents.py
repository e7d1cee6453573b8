"""Slide decks a caller may read, and the PDFs after a lesson: the lesson pack (slides
with the board's strokes drawn on them, then the poll results) and the attendance sheet,
both through the official renderer for the text pages."""

from __future__ import annotations

import io
from collections import defaultdict
from typing import Any

from flask_babel import lazy_gettext as _l
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from sqlalchemy import select

from classroom import polls, room
from classroom.access import ClassRight, lesson_standing
from classroom.admission import pass_lesson
from classroom.models import Lesson, Material, PollKind, StrokeSegment, Tool
from core import files
from core.db import utcnow
from core.errors import NotFound
from core.extensions import db
from core.models import User
from signing.services import render_draft

STATUS_LABELS = {
    "present": "Có mặt",
    "late": "Đi muộn",
    "left_early": "Về sớm",
    "absent": "Vắng",
}


def readable_material(material_id: int, user: User) -> Material:
    """A slide deck when the caller may see its lesson; otherwise a 404."""
    material = db.session.get(Material, material_id)
    missing = NotFound("material_not_found", _l("Không tìm thấy học liệu."))
    if material is None:
        raise missing
    try:
        lesson_standing(material.lesson_id, user, ClassRight.VIEW)
    except NotFound:
        raise missing from None
    if pass_lesson() not in (None, material.lesson_id):  # a join-code pass: its lesson only
        raise missing
    return material


def _rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


def _overlay(width: float, height: float, strokes: list[list[StrokeSegment]]) -> Any:
    """One transparent page of the slide's size with the strokes drawn as polylines."""
    pdf = FPDF(unit="pt", format=(width, height))
    pdf.set_auto_page_break(False)
    pdf.add_page()
    for segments in strokes:
        first = segments[0]
        points = [(x * width, y * height) for s in segments for x, y in s.points]
        if len(points) == 1:
            points.append((points[0][0] + 0.5, points[0][1]))
        color = (255, 255, 255) if first.tool == Tool.ERASER else _rgb(first.color)
        line = max(first.width * width, 0.5) * (3 if first.tool == Tool.HIGHLIGHTER else 1)
        pdf.set_draw_color(*color)
        pdf.set_line_width(line)
        opacity = 0.35 if first.tool == Tool.HIGHLIGHTER else 1.0
        with pdf.local_context(stroke_opacity=opacity):
            pdf.polyline(points, style="D")
    return PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0]


def _strokes_by_page(lesson: Lesson) -> dict[tuple[int, int], list[list[StrokeSegment]]]:
    rows = db.session.scalars(
        select(StrokeSegment)
        .where(StrokeSegment.lesson_id == lesson.id, StrokeSegment.group_id.is_(None))
        .order_by(StrokeSegment.id)
    )
    grouped: dict[tuple[int, int], dict[str, list[StrokeSegment]]] = defaultdict(dict)
    for row in rows:
        grouped[(row.material_id, row.page)].setdefault(row.stroke_key, []).append(row)
    return {
        key: [sorted(batches, key=lambda s: s.seq) for batches in strokes.values()]
        for key, strokes in grouped.items()
    }


def place_of(lesson: Lesson) -> str:
    parent = lesson.school_class.school.parent
    name = parent.name if parent else lesson.school_class.school.name
    for prefix in ("UBND thành phố ", "UBND phường ", "UBND xã ", "UBND "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _poll_lines(lesson: Lesson) -> list[str]:
    lines: list[str] = []
    for number, poll in enumerate(polls.polls_of(lesson.id), start=1):
        result = polls.results(poll)
        lines.append(f"Câu {number}. {poll.question}")
        lines.append(f"Số học sinh trả lời: {result['answered']}/{result['eligible']}")
        if poll.kind == PollKind.SHORT:
            for entry in result["answers"]:
                lines.append(f"    – {entry['text']}: {entry['count']}")
        else:
            for index, option in enumerate(poll.options):
                mark = " (đáp án đúng)" if str(index) in poll.correct else ""
                lines.append(f"    {chr(65 + index)}. {option}: {result['counts'][index]}{mark}")
        lines.append("")
    return lines


def lesson_pack(lesson: Lesson) -> bytes:
    """The slides with the strokes drawn onto them, then a page of poll results."""
    writer = PdfWriter()
    strokes = _strokes_by_page(lesson)
    for material in lesson.materials:
        reader = PdfReader(io.BytesIO(files.read_bytes(material.sha256)))
        for number, page in enumerate(reader.pages, start=1):
            added = writer.add_page(page)
            drawn = strokes.get((material.id, number))
            if drawn:
                box = added.mediabox
                added.merge_page(_overlay(float(box.width), float(box.height), drawn))
    lines = _poll_lines(lesson)
    if lines:
        issuer = lesson.school_class.school.name
        results = render_draft(
            issuer,
            "Kết quả câu hỏi trên lớp",
            f"{lesson.title} – lớp {lesson.school_class.name}",
            lines,
            place_of(lesson),
            lesson.ended_at or lesson.started_at or utcnow(),
        )
        for page in PdfReader(io.BytesIO(results)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def attendance_sheet(lesson: Lesson) -> bytes:
    """The attendance sheet (danh sách điểm danh) through the official renderer."""
    return render_draft(
        lesson.school_class.school.name,
        "Danh sách điểm danh",
        lesson.title,
        attendance_lines(lesson),
        place_of(lesson),
        lesson.started_at or lesson.starts_at or utcnow(),
    )


def attendance_lines(lesson: Lesson) -> list[str]:
    """The sheet's body: the class, every student's attendance, the totals."""
    school_class = lesson.school_class
    students = room.attendance(lesson)
    counts: dict[str, int] = defaultdict(int)
    lines = [
        f"Lớp: {school_class.name} – Năm học {school_class.school_year}",
        f"Giáo viên: {school_class.homeroom_teacher.display_name}",
        "",
    ]
    for number, student in enumerate(students, start=1):
        counts[student["status"]] += 1
        lines.append(f"{number}. {student['name']}: {STATUS_LABELS[student['status']]}")
    lines.append("")
    lines.append(
        "Tổng số: {total} học sinh; có mặt {present}, đi muộn {late}, "
        "về sớm {left}, vắng {absent}.".format(
            total=len(students),
            present=counts["present"],
            late=counts["late"],
            left=counts["left_early"],
            absent=counts["absent"],
        )
    )
    return lines
