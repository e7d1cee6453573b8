"""Outward JSON shapes of assignments, submissions and files, built once."""

from __future__ import annotations

from typing import Any

from flask import url_for

from classroom.assignments import student_status
from classroom.work_models import Assignment, AssignmentFile, Submission, SubmissionFile


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def attachment_dict(row: AssignmentFile) -> dict[str, Any]:
    url = url_for(
        "api_classroom_work.attachment_file", assignment_id=row.assignment_id, file_id=row.id
    )
    return {
        "id": row.id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "url": url,
    }


def submission_file_dict(row: SubmissionFile) -> dict[str, Any]:
    url = url_for(
        "api_classroom_work.submission_file", submission_id=row.submission_id, file_id=row.id
    )
    return {
        "id": row.id,
        "filename": row.filename,
        "content_type": row.content_type,
        "size": row.size,
        "url": url,
    }


def assignment_dict(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.id,
        "class_id": assignment.class_id,
        "title": assignment.title,
        "instructions": assignment.instructions,
        "due_at": _moment(assignment.due_at),
        "max_score": assignment.max_score,
        "allow_late": assignment.allow_late,
        "allow_resubmission": assignment.allow_resubmission,
        "attachments": [attachment_dict(a) for a in assignment.attachments],
    }


def submission_dict(submission: Submission) -> dict[str, Any]:
    """A submission; the grade only once returned (a resubmission clears it)."""
    returned = student_status(submission).value == "returned"
    return {
        "id": submission.id,
        "assignment_id": submission.assignment_id,
        "student": submission.student.username,
        "name": submission.student.display_name,
        "status": student_status(submission).value,
        "text": submission.text,
        "files": [submission_file_dict(f) for f in submission.files],
        "submitted_at": _moment(submission.submitted_at),
        "late": submission.late,
        "attempt": submission.attempt,
        "score": submission.score if returned else None,
        "feedback": submission.feedback if returned else "",
        "graded_at": _moment(submission.graded_at) if returned else None,
    }
