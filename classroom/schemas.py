"""Request schemas of the classroom API and of the ``/classroom`` namespace (one per call)."""

from __future__ import annotations

from typing import Annotated

from flask_babel import lazy_gettext as _l
from pydantic import Field, field_validator

from classroom.models import AttendanceStatus, PollKind, Tool
from core.schemas import (
    Flag,
    Moment,
    NoBool,
    NoNul,
    OrgCode,
    RowId,
    Schema,
    ShortText,
    Title,
    Username,
)

MAX_POINTS_PER_BATCH = 120  # ~2 s of drawing at 60 points/s; clients send every ~40 ms
Coordinate = Annotated[float, NoBool, Field(ge=0.0, le=1.0, allow_inf_nan=False)]
Point = Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
Option = Annotated[str, Field(min_length=1, max_length=200), NoNul]


class ClassIn(Schema):
    """A class as created: ``{school, name, grade, teacher, students:[username]}``."""

    error_codes = {
        "school": "unknown_organization",
        "name": "invalid_name",
        "grade": "invalid_grade",
        "teacher": "unknown_user",
        "students": "invalid_students",
    }
    field_labels = {
        "school": _l("trường"),
        "name": _l("tên lớp"),
        "grade": _l("khối"),
        "teacher": _l("giáo viên chủ nhiệm"),
        "students": _l("danh sách học sinh"),
        "school_year": _l("năm học"),
    }
    school: OrgCode
    name: Annotated[str, Field(min_length=1, max_length=100), NoNul]
    grade: Annotated[int, NoBool, Field(ge=1, le=12)]
    teacher: Username
    students: Annotated[list[Username], Field(max_length=200)] = []
    school_year: Annotated[str, Field(pattern=r"^\d{4}-\d{4}$")] | None = None


class LessonIn(Schema):
    error_codes = {"title": "invalid_title", "starts_at": "invalid_datetime"}
    field_labels = {"title": _l("tên bài học"), "starts_at": _l("giờ bắt đầu")}
    title: Title
    starts_at: Moment | None = None


class JoinIn(Schema):
    lesson_id: RowId


class InLesson(Schema):
    lesson_id: RowId | None = None


class PageIn(InLesson):
    error_codes = {"page": "invalid_page"}
    document_id: RowId
    page: Annotated[int, NoBool, Field(ge=1, le=100000)]


class StrokeIn(InLesson):
    """One batch of a stroke being drawn: normalised [x, y] points within the slide."""

    error_codes = {
        "points": "invalid_stroke",
        "points.*": "invalid_stroke",
        "points.*.*": "invalid_stroke",
        "color": "invalid_stroke",
        "width": "invalid_stroke",
        "tool": "invalid_stroke",
        "stroke": "invalid_stroke",
    }
    stroke: Annotated[str, Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]
    document_id: RowId
    page: Annotated[int, NoBool, Field(ge=1, le=100000)]
    tool: Tool = Tool.PEN
    color: Annotated[str, Field(pattern=r"^#[0-9a-fA-F]{6}$")] = "#1d4ed8"
    width: Annotated[float, NoBool, Field(gt=0, le=0.05, allow_inf_nan=False)] = 0.004
    points: Annotated[list[Point], Field(min_length=1, max_length=MAX_POINTS_PER_BATCH)]
    group_id: RowId | None = None  # a group's board (None: the slides)
    seq: Annotated[int, NoBool, Field(ge=0, le=100000)] = 0  # the batch's place in its stroke


class BoardPageIn(InLesson):
    document_id: RowId
    page: Annotated[int, NoBool, Field(ge=1, le=100000)]


class PenIn(InLesson):
    user: Username | None = None  # None takes the pen back


class OpenPollIn(InLesson):
    error_codes = {
        "question": "invalid_question",
        "options": "invalid_options",
        "options.*": "invalid_options",
        "correct": "invalid_correct",
        "kind": "invalid_kind",
        "seconds": "invalid_timer",
    }
    field_labels = {
        "kind": _l("loại câu hỏi"),
        "question": _l("câu hỏi"),
        "options": _l("các phương án"),
        "options.*": _l("phương án"),
        "correct": _l("đáp án đúng"),
        "correct.*": _l("đáp án đúng"),
        "seconds": _l("thời gian"),
    }
    kind: PollKind
    question: Annotated[str, Field(min_length=1, max_length=500), NoNul]
    options: Annotated[list[Option], Field(max_length=8)] = []
    correct: Annotated[list[Annotated[str, Field(max_length=200), NoNul]], Field(max_length=8)] = []
    seconds: Annotated[int, NoBool, Field(ge=5, le=3600)] | None = None

    @field_validator("correct", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value


class AnswerIn(InLesson):
    error_codes = {"answer": "invalid_answer", "answer.*": "invalid_answer"}
    poll_id: RowId
    answer: Annotated[
        list[Annotated[str, Field(max_length=200), NoNul]], Field(min_length=1, max_length=8)
    ]

    @field_validator("answer", mode="before")
    @classmethod
    def _as_list(cls, value: object) -> object:
        if isinstance(value, str | int) and not isinstance(value, bool):
            value = [value]
        if isinstance(value, list):
            return [str(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return value


class PollRef(InLesson):
    poll_id: RowId


class HandIn(InLesson):
    user: Username | None = None  # a teacher lowers someone's hand; a student their own


class AttendanceIn(InLesson):
    error_codes = {"status": "invalid_attendance"}
    user: Username
    status: AttendanceStatus
    note: ShortText = ""


class RevealIn(PollRef):
    reveal: Flag = True


JoinCode = Annotated[str, Field(min_length=1, max_length=20), NoNul]


class JoinCodeIn(Schema):
    """A device types the class's join code (mã vào lớp)."""

    error_codes = {"code": "invalid_join_code"}
    field_labels = {"code": _l("mã vào lớp"), "member_id": _l("tên của em")}
    code: JoinCode


class JoinRequestIn(JoinCodeIn):
    """…and picks a name from the roster."""

    error_codes = {"code": "invalid_join_code", "member_id": "not_in_class"}
    member_id: RowId


class JoinCodeRenewIn(Schema):
    error_codes = {"hours": "invalid_hours"}
    hours: Annotated[int, NoBool, Field(ge=1, le=720)] = 12


class RequestRef(InLesson):
    request_id: RowId


GroupNames = Annotated[list[Username], Field(min_length=1, max_length=60)]


class SplitIn(InLesson):
    """Split the class: automatically into ``count`` groups, or as picked."""

    error_codes = {"count": "invalid_groups", "groups": "invalid_groups"}
    count: Annotated[int, NoBool, Field(ge=2, le=20)] | None = None
    groups: Annotated[list[GroupNames], Field(min_length=2, max_length=20)] | None = None


class GroupRef(InLesson):
    group_id: RowId
