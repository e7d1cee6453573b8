"""Who may see and do what with an assignment and a submission — loaded once per call,
on top of the class standing (``classroom.access``)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from classroom.access import ClassRight, ClassStanding, member_of
from classroom.work_models import Assignment, Submission
from core.errors import NotFound
from core.extensions import db
from core.models import User


def assignment_not_found() -> NotFound:
    return NotFound("assignment_not_found", _l("Không tìm thấy bài tập."))


def submission_not_found() -> NotFound:
    return NotFound("submission_not_found", _l("Không tìm thấy bài nộp."))


@dataclass(frozen=True)
class AssignmentStanding(ClassStanding):
    assignment: Assignment | None = None
    submission: Submission | None = None

    @property
    def the_assignment(self) -> Assignment:
        if self.assignment is None:
            raise assignment_not_found()
        return self.assignment

    @property
    def the_submission(self) -> Submission:
        if self.submission is None:
            raise submission_not_found()
        return self.submission


def _standing(
    assignment: Assignment, user: User, submission: Submission | None = None
) -> AssignmentStanding:
    school_class = assignment.school_class
    member = member_of(school_class, user)
    return AssignmentStanding(school_class, user, member, assignment, submission)


def assignment_standing(assignment_id: int, user: User, *rights: ClassRight) -> AssignmentStanding:
    """The assignment, its class and the caller's standing (404 when the caller is not
    of the class)."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        raise assignment_not_found()
    found = _standing(assignment, user)
    if not found.has(ClassRight.VIEW):
        raise assignment_not_found()
    return found.require(*rights)


def submission_standing(submission_id: int, user: User, *rights: ClassRight) -> AssignmentStanding:
    """A submission is seen by the class's teachers and by the student who handed it in;
    anyone else gets a 404, as if it did not exist."""
    submission = db.session.get(Submission, submission_id)
    if submission is None:
        raise submission_not_found()
    found = _standing(submission.assignment, user, submission)
    if not (found.is_teacher or (found.is_student and submission.student_id == user.id)):
        raise submission_not_found()
    return found.require(*rights)
