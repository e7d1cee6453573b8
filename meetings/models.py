"""Paperless meetings (họp không giấy): meetings, agenda, documents, attendance, speakers,
votes, conclusions and follow-up tasks."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Timestamped, enum_column, utcnow
from core.extensions import Model
from core.live_document import LiveDocumentHost
from core.models import Organization, User
from core.nodes import HeldByNode


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    IN_PROGRESS = "in_progress"
    ENDED = "ended"


class MeetingKind(enum.StrEnum):
    REGULAR = "regular"  # thường kỳ
    THEMATIC = "thematic"  # chuyên đề
    EXTRAORDINARY = "extraordinary"  # bất thường
    BRIEFING = "briefing"  # giao ban


class Attendance(enum.StrEnum):
    INVITED = "invited"
    PRESENT = "present"  # có mặt
    ABSENT = "absent"  # vắng (có lý do)


class InvitationReply(enum.StrEnum):
    PENDING = "pending"  # chưa trả lời
    ACCEPTED = "accepted"  # sẽ tham dự
    DECLINED = "declined"  # xin vắng (with a reason)


class ParticipantRole(enum.StrEnum):
    CHAIR = "chair"  # chủ tọa
    SECRETARY = "secretary"  # thư ký
    DELEGATE = "delegate"  # đại biểu


class CheckInMethod(enum.StrEnum):
    JOIN = "join"  # opened the live room while the meeting was in progress
    QR = "qr"  # scanned the door QR
    SECRETARY = "secretary"  # marked by the secretary


class SpeakerStatus(enum.StrEnum):
    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class VoteStatus(enum.StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class PassBase(enum.StrEnum):
    MEMBERS = "members"  # quá nửa tổng số thành viên
    PRESENT = "present"  # quá nửa số thành viên có mặt


class VoteChoice(enum.StrEnum):
    YES = "yes"  # đồng ý
    NO = "no"  # không đồng ý
    ABSTAIN = "abstain"  # không biểu quyết


class TaskStatus(enum.StrEnum):
    OPEN = "open"
    DONE = "done"


AGENDA_ITEM_FK = "agenda_item.id"


class Meeting(LiveDocumentHost, Timestamped, Model):
    """A meeting (cuộc họp) of the city or of a ward."""

    __tablename__ = "meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[MeetingKind] = mapped_column(
        enum_column(MeetingKind, 40), default=MeetingKind.REGULAR
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    location: Mapped[str] = mapped_column(String(300), default="")
    confidential: Mapped[bool] = mapped_column(default=False)
    chair_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    secretary_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    status: Mapped[MeetingStatus] = mapped_column(
        enum_column(MeetingStatus), default=MeetingStatus.SCHEDULED
    )
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    current_agenda_item_id: Mapped[int | None]
    minutes_text: Mapped[str] = mapped_column(Text, default="")
    minutes_updated_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(lazy="joined")
    chair: Mapped[User] = relationship(foreign_keys=[chair_id], lazy="joined")
    secretary: Mapped[User] = relationship(foreign_keys=[secretary_id], lazy="joined")
    participants: Mapped[list[Participant]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Participant.id"
    )
    agenda: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="AgendaItem.position"
    )
    documents: Mapped[list[Document]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Document.id"
    )
    guests: Mapped[list[Guest]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="Guest.id"
    )


class Participant(Model):
    """A person invited to a meeting and their attendance (điểm danh)."""

    __tablename__ = "meeting_participant"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(
        enum_column(ParticipantRole), default=ParticipantRole.DELEGATE
    )
    attendance: Mapped[Attendance] = mapped_column(
        enum_column(Attendance), default=Attendance.INVITED
    )
    checked_in_at: Mapped[datetime | None]
    check_in_method: Mapped[CheckInMethod | None] = mapped_column(enum_column(CheckInMethod))
    absence_reason: Mapped[str | None] = mapped_column(String(500))
    # the answer to the invitation (giấy mời), before the meeting
    reply: Mapped[InvitationReply] = mapped_column(
        enum_column(InvitationReply), default=InvitationReply.PENDING, server_default="pending"
    )
    reply_reason: Mapped[str | None] = mapped_column(String(500))
    replied_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="participants")
    user: Mapped[User] = relationship(lazy="joined")


class Guest(Model):
    """A guest invited by name (khách mời) with a QR invitation."""

    __tablename__ = "meeting_guest"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    affiliation: Mapped[str] = mapped_column(String(300), default="")
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    expires_at: Mapped[datetime]
    checked_in_at: Mapped[datetime | None]

    meeting: Mapped[Meeting] = relationship(back_populates="guests")


class AgendaItem(Model):
    """An item of the agenda (chương trình họp)."""

    __tablename__ = "agenda_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(String(300))
    presenter_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    planned_minutes: Mapped[int | None]

    meeting: Mapped[Meeting] = relationship(back_populates="agenda")
    presenter: Mapped[User | None] = relationship(lazy="joined")


class Document(Model):
    """A meeting document (tài liệu họp): a validated PDF in the file store."""

    __tablename__ = "meeting_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("agenda_item.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    pages: Mapped[int]
    size: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="documents")
    comments: Mapped[list[DocumentComment]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentComment.id"
    )


class DocumentComment(Model):
    """A comment on a draft document before the meeting (góp ý)."""

    __tablename__ = "document_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("meeting_document.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    page: Mapped[int | None]
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="comments")
    user: Mapped[User] = relationship(lazy="joined")


class SpeakerRequest(Model):
    """A request for the floor (đăng ký phát biểu)."""

    __tablename__ = "speaker_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey(AGENDA_ITEM_FK, ondelete="SET NULL")
    )
    status: Mapped[SpeakerStatus] = mapped_column(
        enum_column(SpeakerStatus), default=SpeakerStatus.WAITING
    )
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    granted_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class Vote(Model):
    """A question put to the vote (biểu quyết). Counters, not ballots, hold the choices,
    so a secret vote keeps no link from a voter to a choice."""

    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey(AGENDA_ITEM_FK, ondelete="SET NULL")
    )
    question: Mapped[str] = mapped_column(String(500))
    secret: Mapped[bool] = mapped_column(default=False)
    status: Mapped[VoteStatus] = mapped_column(enum_column(VoteStatus), default=VoteStatus.OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    yes_count: Mapped[int] = mapped_column(default=0)
    no_count: Mapped[int] = mapped_column(default=0)
    abstain_count: Mapped[int] = mapped_column(default=0)
    eligible: Mapped[int | None]  # present when the vote closed
    members: Mapped[int | None]  # the whole membership when the vote opened
    pass_base: Mapped[PassBase | None] = mapped_column(enum_column(PassBase))
    quorum_met: Mapped[bool | None]  # whether a quorum was present when it opened


class VoteParticipation(Model):
    """Who has voted (one row per voter); the choice is kept only for open votes."""

    __tablename__ = "vote_participation"
    __table_args__ = (UniqueConstraint("vote_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vote_id: Mapped[int] = mapped_column(ForeignKey("vote.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    choice: Mapped[VoteChoice | None] = mapped_column(enum_column(VoteChoice, 10))

    user: Mapped[User] = relationship(lazy="joined")


class Conclusion(Model):
    """A conclusion (kết luận) on an agenda item."""

    __tablename__ = "conclusion"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey(AGENDA_ITEM_FK, ondelete="SET NULL")
    )
    text: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tasks: Mapped[list[FollowUpTask]] = relationship(
        back_populates="conclusion", cascade="all, delete-orphan", order_by="FollowUpTask.id"
    )


class FollowUpTask(Model):
    """A task following a conclusion, assigned to an organisation with a deadline."""

    __tablename__ = "follow_up_task"

    id: Mapped[int] = mapped_column(primary_key=True)
    conclusion_id: Mapped[int] = mapped_column(
        ForeignKey("conclusion.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date]
    status: Mapped[TaskStatus] = mapped_column(enum_column(TaskStatus), default=TaskStatus.OPEN)
    done_at: Mapped[datetime | None]
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))

    conclusion: Mapped[Conclusion] = relationship(back_populates="tasks")
    organization: Mapped[Organization] = relationship(lazy="joined")


class MeetingConnection(HeldByNode, Model):
    """A live connection to a meeting room (one per device), for presence across processes;
    ``node`` is the server process that holds it (core.nodes)."""

    __tablename__ = "meeting_connection"

    sid: Mapped[str] = mapped_column(String(64), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meeting.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
