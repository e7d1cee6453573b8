"""City–ward video conferences (hội nghị truyền hình): a conference and its sites
(điểm cầu), one of which is the host (city hall, điểm cầu chủ trì)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Timestamped, enum_column, utcnow
from core.extensions import Model
from core.models import Organization, StoredFile, User


class ConferenceKind(enum.StrEnum):
    CONFERENCE = "conference"  # hội nghị: host sees every site, wards see host + floor
    CLASS = "class"  # lớp học: one teacher to many students


class ConferenceStatus(enum.StrEnum):
    OPEN = "open"
    ENDED = "ended"


class Conference(Timestamped, Model):
    """A video conference between a host site and invited sites."""

    __tablename__ = "conference"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[ConferenceKind] = mapped_column(
        enum_column(ConferenceKind), default=ConferenceKind.CONFERENCE
    )
    status: Mapped[ConferenceStatus] = mapped_column(
        enum_column(ConferenceStatus), default=ConferenceStatus.OPEN
    )
    # The meeting this conference carries (meetings uses conference, not the reverse).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting.id", ondelete="SET NULL"), index=True
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    # The live lesson this class conference carries (classroom uses conference, not the
    # reverse); one conference per lesson.
    lesson_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson.id", ondelete="CASCADE"), unique=True
    )

    created_by: Mapped[User] = relationship()
    sites: Mapped[list[ConferenceSite]] = relationship(
        back_populates="conference",
        order_by="(ConferenceSite.is_host.desc(), ConferenceSite.position)",
        cascade="all, delete-orphan",
    )

    @property
    def host(self) -> ConferenceSite:
        return next(site for site in self.sites if site.is_host)

    @property
    def floor(self) -> ConferenceSite | None:
        return next((site for site in self.sites if site.has_floor), None)

    def site_by_code(self, code: str) -> ConferenceSite | None:
        return next((s for s in self.sites if s.code == code), None)


class ConferenceSite(Model):
    """A site (điểm cầu): an organisation's meeting room taking part in a conference, or,
    in a class, one person (the teacher or a student) taking part from their device."""

    __tablename__ = "conference_site"
    __table_args__ = (
        UniqueConstraint("conference_id", "organization_id"),
        UniqueConstraint("conference_id", "user_id", name="uq_conference_site_person"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))  # a person (class)
    is_host: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)  # its place in the host's grid
    # The ward that has the floor (đang phát biểu); at most one per conference.
    has_floor: Mapped[bool] = mapped_column(default=False)

    conference: Mapped[Conference] = relationship(back_populates="sites")
    organization: Mapped[Organization | None] = relationship(lazy="joined")
    user: Mapped[User | None] = relationship(lazy="joined")

    @property
    def code(self) -> str:
        """The site's key in signaling and in the engine: the organisation's code, or
        ``u<user id>`` for a person."""
        if self.organization is not None:
            return self.organization.code
        return person_code(self.user_id or 0)

    @property
    def name(self) -> str:
        if self.organization is not None:
            return self.organization.name
        return self.user.display_name if self.user is not None else ""

    @property
    def username(self) -> str | None:
        return self.user.username if self.user is not None else None


def person_code(user_id: int) -> str:
    return f"u{user_id}"


class RecordingStatus(enum.StrEnum):
    RECORDING = "recording"  # đang ghi hình
    DONE = "done"  # the file is kept
    FAILED = "failed"  # the engine lost it (restarted) or wrote nothing


class ConferenceRecording(Model):
    """A recording (bản ghi hình) of a conference: the host and whoever had the floor, one
    WebM file in the file store, kept with the conference and so with its meeting."""

    __tablename__ = "conference_recording"

    id: Mapped[int] = mapped_column(primary_key=True)
    conference_id: Mapped[int] = mapped_column(
        ForeignKey("conference.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RecordingStatus] = mapped_column(
        enum_column(RecordingStatus), default=RecordingStatus.RECORDING
    )
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    stopped_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    stopped_at: Mapped[datetime | None]
    # where the engine writes while recording (it moves into the store when it stops)
    work_path: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(ForeignKey("stored_file.sha256"))
    size: Mapped[int | None]
    duration: Mapped[float | None]  # seconds

    conference: Mapped[Conference] = relationship()
    started_by: Mapped[User] = relationship(foreign_keys=[started_by_id])
    stopped_by: Mapped[User | None] = relationship(foreign_keys=[stopped_by_id])
    file: Mapped[StoredFile | None] = relationship()
