"""Request schemas of assignments, submissions and grades (one per call)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from core.schemas import Flag, Moment, NoBool, NoNul, Schema, Title

# "31/12/2026 17:00" as teachers write it; also "31/12/2026" (end of that day)
_VN_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:\s+(\d{1,2}):(\d{2}))?$")


def _vietnamese_format(value: Any) -> Any:
    """dd/mm/yyyy HH:MM (Vietnam time) as an ISO string; anything else passes through."""
    if not isinstance(value, str):
        return value
    match = _VN_DATETIME.match(value.strip())
    if match is None:
        return value
    day, month, year, hour, minute = match.groups()
    try:
        moment = datetime(
            int(year),
            int(month),
            int(day),
            int(hour) if hour else 23,
            int(minute) if minute else 59,
        )
    except ValueError:
        raise ValueError("type") from None
    return moment.isoformat()


# a moment given as ISO 8601 or dd/mm/yyyy HH:MM; without a zone it is Vietnam time
LocalMoment = Annotated[Moment, BeforeValidator(_vietnamese_format)]
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
    title: Title
    instructions: Annotated[str, Field(max_length=10000), NoNul] = ""
    due_at: LocalMoment
    max_score: Annotated[float, NoBool, Field(gt=0, le=100, allow_inf_nan=False)] = 10.0
    allow_late: Flag = False
    allow_resubmission: Flag = False


class SubmissionIn(Schema):
    """A submission's text (multipart field ``text`` next to the files ``file``, or JSON)."""

    error_codes = {"text": "invalid_text"}
    text: Annotated[str, Field(max_length=20000), NoNul] = ""


class GradeIn(Schema):
    """A grade ``{score, feedback?}``: the score from 0 to the assignment's maximum; it is
    returned to the student at once."""

    error_codes = {"score": "invalid_score", "feedback": "invalid_feedback"}
    score: Score
    feedback: Annotated[str, Field(max_length=5000), NoNul] = ""
