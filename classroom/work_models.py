"""Assignments (bài tập), submissions (bài nộp) and grades (điểm) of a class."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from classroom.models import SchoolClass
from core.db import enum_column, utcnow
from core.extensions import Model
from core.models import User


class SubmissionStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # đã nộp, chờ chấm
    RETURNED = "returned"  # đã chấm và trả bài


class StudentStatus(enum.StrEnum):
    """What a student sees of an assignment (trạng thái bài tập)."""

    NOT_SUBMITTED = "not_submitted"  # chưa nộp
    SUBMITTED = "submitted"  # đã nộp
    LATE = "late"  # nộp muộn
    RETURNED = "returned"  # đã chấm


class AttachedFile:
    """A file of the content-addressed store attached to something, by name."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @declared_attr
    def sha256(cls) -> Mapped[str]:
        return mapped_column(ForeignKey("stored_file.sha256"))


class Assignment(Model):
    """An assignment of a class: instructions, attachments, a due date and the rules for
    late work and resubmission."""

    __tablename__ = "assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    instructions: Mapped[str] = mapped_column(Text, default="")
    due_at: Mapped[datetime]
    max_score: Mapped[float] = mapped_column(default=10.0)
    allow_late: Mapped[bool] = mapped_column(default=False)
    allow_resubmission: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship()
    attachments: Mapped[list[AssignmentFile]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="AssignmentFile.id"
    )
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="assignment", cascade="all, delete-orphan", order_by="Submission.id"
    )


class AssignmentFile(AttachedFile, Model):
    """A file the teacher attached to an assignment (tệp đính kèm)."""

    __tablename__ = "assignment_file"

    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    assignment: Mapped[Assignment] = relationship(back_populates="attachments")


class Submission(Model):
    """A student's work for an assignment (one per student; a resubmission replaces it)."""

    __tablename__ = "assignment_submission"
    __table_args__ = (UniqueConstraint("assignment_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(
        ForeignKey("assignment.id", ondelete="CASCADE"), index=True
    )
    student_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    late: Mapped[bool] = mapped_column(default=False)
    attempt: Mapped[int] = mapped_column(default=1)
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_column(SubmissionStatus), default=SubmissionStatus.SUBMITTED
    )
    score: Mapped[float | None]
    feedback: Mapped[str] = mapped_column(Text, default="")
    graded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    graded_at: Mapped[datetime | None]

    assignment: Mapped[Assignment] = relationship(back_populates="submissions")
    student: Mapped[User] = relationship(foreign_keys=[student_id], lazy="joined")
    files: Mapped[list[SubmissionFile]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="SubmissionFile.id"
    )


class SubmissionFile(AttachedFile, Model):
    """A file a student handed in."""

    __tablename__ = "submission_file"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("assignment_submission.id", ondelete="CASCADE"), index=True
    )
    submission: Mapped[Submission] = relationship(back_populates="files")
