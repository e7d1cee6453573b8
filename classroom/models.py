"""Smart classrooms (lớp học thông minh): classes, rosters, lessons (tiết học), slides,
whiteboard strokes, polls, raised hands and attendance."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import enum_column, utcnow
from core.extensions import Model
from core.live_document import LiveDocumentHost
from core.models import Organization, User
from core.nodes import HeldByNode


class MemberRole(enum.StrEnum):
    TEACHER = "teacher"  # giáo viên (chủ nhiệm hoặc bộ môn)
    STUDENT = "student"  # học sinh


class LessonStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    LIVE = "live"
    ENDED = "ended"


class Tool(enum.StrEnum):
    PEN = "pen"  # bút
    HIGHLIGHTER = "highlighter"  # bút dạ quang
    ERASER = "eraser"  # tẩy


class PollKind(enum.StrEnum):
    SINGLE = "single"  # một lựa chọn
    MULTIPLE = "multiple"  # nhiều lựa chọn
    TRUE_FALSE = "true_false"  # đúng / sai
    SHORT = "short"  # trả lời ngắn


class PollStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PassStatus(enum.StrEnum):
    WAITING = "waiting"  # chờ giáo viên cho vào
    ADMITTED = "admitted"  # đã được vào lớp
    REFUSED = "refused"  # bị từ chối
    REVOKED = "revoked"  # thay bằng thiết bị khác / tiết học kết thúc


class AttendanceStatus(enum.StrEnum):
    ABSENT = "absent"  # vắng
    PRESENT = "present"  # có mặt
    LATE = "late"  # đi muộn
    LEFT_EARLY = "left_early"  # về sớm


class SchoolClass(Model):
    """A class (lớp học) of a school in a school year."""

    __tablename__ = "school_class"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    grade: Mapped[int]
    school_year: Mapped[str] = mapped_column(String(20))
    homeroom_teacher_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    join_code: Mapped[str] = mapped_column(String(12), unique=True, index=True)
    join_code_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[Organization] = relationship(lazy="joined")
    homeroom_teacher: Mapped[User] = relationship(lazy="joined")
    members: Mapped[list[ClassMember]] = relationship(
        back_populates="school_class", cascade="all, delete-orphan", order_by="ClassMember.id"
    )
    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="school_class", cascade="all, delete-orphan", order_by="Lesson.id"
    )


class ClassMember(Model):
    """A teacher or a student of a class. A student placed from enrollment may have no
    account yet (``user_id`` empty): the roster keeps the name and personal ID."""

    __tablename__ = "class_member"
    __table_args__ = (UniqueConstraint("class_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[MemberRole] = mapped_column(enum_column(MemberRole), default=MemberRole.STUDENT)
    full_name: Mapped[str] = mapped_column(String(200))
    personal_id: Mapped[str | None] = mapped_column(String(12))
    subject: Mapped[str] = mapped_column(String(100), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship(back_populates="members")
    user: Mapped[User | None] = relationship(lazy="joined")


class Lesson(LiveDocumentHost, Model):
    """A lesson (tiết học): scheduled, live (slides follow the teacher), then ended."""

    __tablename__ = "lesson"

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(
        ForeignKey("school_class.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    starts_at: Mapped[datetime | None]
    status: Mapped[LessonStatus] = mapped_column(
        enum_column(LessonStatus), default=LessonStatus.SCHEDULED
    )
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    pen_holder_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # a student drawing
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school_class: Mapped[SchoolClass] = relationship(back_populates="lessons")
    materials: Mapped[list[Material]] = relationship(
        back_populates="lesson", cascade="all, delete-orphan", order_by="Material.id"
    )


class Material(Model):
    """A slide deck of a lesson (học liệu): a validated PDF in the file store."""

    __tablename__ = "lesson_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    pages: Mapped[int]
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lesson: Mapped[Lesson] = relationship(back_populates="materials")


class StrokeSegment(Model):
    """A batch of points of one whiteboard stroke on one slide page (nét vẽ). A stroke is
    sent as short batches while it is drawn; every batch is kept, in order, by its key."""

    __tablename__ = "lesson_stroke"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("lesson_material.id", ondelete="CASCADE"))
    page: Mapped[int]
    stroke_key: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    tool: Mapped[Tool] = mapped_column(enum_column(Tool))
    color: Mapped[str] = mapped_column(String(7))
    width: Mapped[float]
    points: Mapped[list[list[float]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # the batch's place in its stroke (events of one device may be handled out of order)
    seq: Mapped[int] = mapped_column(default=0, server_default="0")
    # a stroke on a group's own board (None: the class's slides)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_group.id", ondelete="CASCADE"), index=True
    )


class Poll(Model):
    """A question put to the class (câu hỏi nhanh) with its options and correct answer."""

    __tablename__ = "lesson_poll"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PollKind] = mapped_column(enum_column(PollKind))
    question: Mapped[str] = mapped_column(String(500))
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    correct: Mapped[list[str]] = mapped_column(JSON, default=list)  # option indexes or texts
    status: Mapped[PollStatus] = mapped_column(enum_column(PollStatus), default=PollStatus.OPEN)
    revealed: Mapped[bool] = mapped_column(default=False)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closes_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class PollAnswer(Model):
    """One student's answer to a poll (one per student)."""

    __tablename__ = "lesson_poll_answer"
    __table_args__ = (UniqueConstraint("poll_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_poll.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    answer: Mapped[list[str]] = mapped_column(JSON)
    is_correct: Mapped[bool | None]
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class RaisedHand(Model):
    """A student's raised hand (giơ tay), waiting in the teacher's queue."""

    __tablename__ = "lesson_hand"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    raised_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")


class LessonAttendance(Model):
    """A student's attendance at a lesson (điểm danh), kept from joins and leaves and
    editable by the teacher."""

    __tablename__ = "lesson_attendance"
    __table_args__ = (UniqueConstraint("lesson_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    status: Mapped[AttendanceStatus] = mapped_column(
        enum_column(AttendanceStatus), default=AttendanceStatus.ABSENT
    )
    first_joined_at: Mapped[datetime | None]
    last_left_at: Mapped[datetime | None]
    edited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    note: Mapped[str] = mapped_column(Text, default="")


class LessonConnection(HeldByNode, Model):
    """A live connection to a lesson (one per device), for presence across processes;
    ``node`` is the server process that holds it (core.nodes)."""

    __tablename__ = "lesson_connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))


class LessonPass(Model):
    """A device that asked to join a live lesson with the class's join code (vào lớp bằng
    mã) as a student of the roster; once the teacher admits it, the device acts as that
    student in this lesson only. Only the hash of the device's secret is kept."""

    __tablename__ = "lesson_pass"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("class_member.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # set on admission
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    status: Mapped[PassStatus] = mapped_column(enum_column(PassStatus), default=PassStatus.WAITING)
    address: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    member: Mapped[ClassMember] = relationship(lazy="joined")


class LessonGroup(Model):
    """A group of students (nhóm) during group work, with its own board: a copy of the slide
    the teacher was on when the class was split. Bringing the class back closes the groups
    (their boards are kept)."""

    __tablename__ = "lesson_group"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    material_id: Mapped[int] = mapped_column(ForeignKey("lesson_material.id", ondelete="CASCADE"))
    page: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LessonGroupMember(Model):
    """A student in a group."""

    __tablename__ = "lesson_group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_group.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))

    user: Mapped[User] = relationship(lazy="joined")
