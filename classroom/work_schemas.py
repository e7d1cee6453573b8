"""Request schemas of assignments, submissions and grades (one per call)."""

from __future__ import annotations

import re
from typing import Annotated, Any

from flask_babel import lazy_gettext as _l
from pydantic import BeforeValidator, Field

from core.schemas import Flag, Moment, NoBool, NoNul, Schema, Title

# "31/12/2026" alone as teachers write it: the end of that day
_VN_DAY_ONLY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def _end_of_day(value: Any) -> Any:
    """dd/mm/yyyy alone is 23:59 that day; dd/mm/yyyy HH:MM and ISO 8601 are read by
    :data:`core.schemas.Moment` itself."""
    if isinstance(value, str) and _VN_DAY_ONLY.match(value.strip()):
        return value.strip() + " 23:59"
    return value


# a moment given as ISO 8601, dd/mm/yyyy HH:MM or dd/mm/yyyy; without a zone, Vietnam time
LocalMoment = Annotated[Moment, BeforeValidator(_end_of_day)]
Score = Annotated[float, NoBool, Field(ge=0, le=1000, allow_inf_nan=False)]


class AssignmentIn(Schema):
    """An assignment as created: ``{title, instructions?, due_at, max_score?, allow_late?,
    allow_resubmission?}``; ``due_at`` is ISO 8601 or ``dd/mm/yyyy HH:MM`` (Vietnam time).
    Attachments follow with ``POST /assignments/{id}/attachments``."""

    error_codes = {
        "title": "invalid_title",
        "instructions": "invalid_instructions",
        "due_at": "invalid_due_at",
        "max_score": "invalid_max_score",
        "allow_late": "invalid_flag",
        "allow_resubmission": "invalid_flag",
    }
    field_labels = {
        "title": _l("tên bài tập"),
        "instructions": _l("hướng dẫn"),
        "due_at": _l("hạn nộp"),
        "max_score": _l("thang điểm"),
    }
    title: Title
    instructions: Annotated[str, Field(max_length=10000), NoNul] = ""
    due_at: LocalMoment
    max_score: Annotated[float, NoBool, Field(gt=0, le=100, allow_inf_nan=False)] = 10.0
    allow_late: Flag = False
    allow_resubmission: Flag = False


class SubmissionIn(Schema):
    """A submission's text (multipart field ``text`` next to the files ``file``, or JSON)."""

    error_codes = {"text": "invalid_text"}
    field_labels = {"text": _l("bài làm")}
    text: Annotated[str, Field(max_length=20000), NoNul] = ""


class GradeIn(Schema):
    """A grade ``{score, feedback?}``: the score from 0 to the assignment's maximum; it is
    returned to the student at once."""

    error_codes = {"score": "invalid_score", "feedback": "invalid_feedback"}
    field_labels = {"score": _l("điểm"), "feedback": _l("nhận xét")}
    score: Score
    feedback: Annotated[str, Field(max_length=5000), NoNul] = ""
