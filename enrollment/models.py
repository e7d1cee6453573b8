"""Tuyển sinh đầu cấp: rounds, participating schools, priority groups, dossiers, their
ranked choices and history, the notification outbox and allocation runs."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Timestamped, enum_column, utcnow
from core.extensions import Model
from core.models import Organization


class DossierStatus(enum.StrEnum):
    SUBMITTED = "submitted"  # đã nộp
    UNDER_REVIEW = "under_review"  # đang xét duyệt
    CORRECTION_REQUESTED = "correction_requested"  # yêu cầu bổ sung
    VERIFIED = "verified"  # hợp lệ
    REJECTED = "rejected"  # không hợp lệ
    OFFERED = "offered"  # trúng tuyển (được phân chỗ)
    WAITLISTED = "waitlisted"  # chưa có chỗ
    CONFIRMED = "confirmed"  # đã xác nhận nhập học
    DECLINED = "declined"  # từ chối chỗ học
    EXPIRED = "expired"  # quá hạn xác nhận


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"  # waiting for the SMTP sender
    SENT = "sent"
    NO_ADDRESS = "no_address"  # the guardian gave no email: staff see it here
    FAILED = "failed"


class EnrollmentRound(Timestamped, Model):
    """A round (đợt tuyển sinh) of grade 1 or grade 6 for one school year."""

    __tablename__ = "enrollment_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    school_year: Mapped[int]  # the first year: 2027 for 2027–2028
    grade: Mapped[int]
    office_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    results_at: Mapped[datetime]
    confirm_by: Mapped[datetime]
    max_choices: Mapped[int] = mapped_column(default=3)
    frozen_at: Mapped[datetime | None]
    frozen_hash: Mapped[str | None] = mapped_column(String(64))
    seed: Mapped[str | None] = mapped_column(String(200))
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    published_at: Mapped[datetime | None]

    office: Mapped[Organization] = relationship(lazy="joined")
    schools: Mapped[list[RoundSchool]] = relationship(
        back_populates="round", lazy="selectin", order_by="RoundSchool.id"
    )
    priority_groups: Mapped[list[PriorityGroup]] = relationship(
        lazy="selectin", order_by="PriorityGroup.tier"
    )


class RoundSchool(Model):
    """A school taking part in a round: capacity (chỉ tiêu) and catchment wards (tuyến)."""

    __tablename__ = "enrollment_round_school"
    __table_args__ = (UniqueConstraint("round_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("enrollment_round.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("organization.id"))
    capacity: Mapped[int]
    catchment: Mapped[list[str]] = mapped_column(JSON, default=list)

    round: Mapped[EnrollmentRound] = relationship(back_populates="schools")
    school: Mapped[Organization] = relationship(lazy="joined")


class PriorityGroup(Model):
    """A priority group (đối tượng ưu tiên) and its tier: 1 is served first."""

    __tablename__ = "enrollment_priority_group"
    __table_args__ = (UniqueConstraint("round_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("enrollment_round.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(300))
    tier: Mapped[int]


class Dossier(Timestamped, Model):
    """A child's application (hồ sơ) in a round; one per child and round."""

    __tablename__ = "enrollment_dossier"
    __table_args__ = (
        UniqueConstraint("round_id", "personal_id", name="uq_enrollment_dossier_child"),
        UniqueConstraint("round_id", "idempotency_key", name="uq_enrollment_dossier_key"),
        Index("ix_enrollment_dossier_round_status", "round_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("enrollment_round.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    pin_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[DossierStatus] = mapped_column(
        enum_column(DossierStatus, 24), default=DossierStatus.SUBMITTED
    )
    full_name: Mapped[str] = mapped_column(String(200))
    date_of_birth: Mapped[date]
    gender: Mapped[str] = mapped_column(String(10))
    personal_id: Mapped[str] = mapped_column(String(12))
    guardian_name: Mapped[str] = mapped_column(String(200))
    guardian_phone: Mapped[str] = mapped_column(String(20))
    guardian_email: Mapped[str | None] = mapped_column(String(200))
    ward_code: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(300))
    priority_group: Mapped[str | None] = mapped_column(String(40))
    primary_school: Mapped[str | None] = mapped_column(String(200))
    age_reason: Mapped[str | None] = mapped_column(String(500))
    needs_age_review: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str | None] = mapped_column(Text)  # the last staff note shown to parents
    lottery_number: Mapped[int | None]
    offered_school_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))

    choices: Mapped[list[DossierChoice]] = relationship(
        lazy="selectin", order_by="DossierChoice.rank", cascade="all, delete-orphan"
    )
    events: Mapped[list[DossierEvent]] = relationship(
        lazy="select", order_by="DossierEvent.id", cascade="all, delete-orphan"
    )


class DossierChoice(Model):
    """A ranked choice (nguyện vọng): rank 1 is NV1."""

    __tablename__ = "enrollment_choice"
    __table_args__ = (
        UniqueConstraint("dossier_id", "rank"),
        Index("ix_enrollment_choice_school_rank", "school_code", "rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("enrollment_dossier.id"), index=True)
    rank: Mapped[int]
    school_code: Mapped[str] = mapped_column(String(64))


class DossierEvent(Model):
    """One step of a dossier's history, shown to the parent."""

    __tablename__ = "enrollment_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("enrollment_dossier.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    status: Mapped[DossierStatus] = mapped_column(enum_column(DossierStatus, 24))
    note: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))


class SupportingFile(Model):
    """A supporting file of a dossier (birth certificate, proof of residence)."""

    __tablename__ = "enrollment_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("enrollment_dossier.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Model):
    """A notification to a guardian: kept here whether or not SMTP is configured."""

    __tablename__ = "enrollment_outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("enrollment_dossier.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipient: Mapped[str | None] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus))
    sent_at: Mapped[datetime | None]


class AllocationRun(Model):
    """A published allocation: the frozen list's hash, the seed, the result file's hash."""

    __tablename__ = "enrollment_allocation"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("enrollment_round.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    seed: Mapped[str] = mapped_column(String(200))
    frozen_hash: Mapped[str] = mapped_column(String(64))
    result_sha256: Mapped[str] = mapped_column(String(64))
    placed: Mapped[int]
    unplaced: Mapped[int]
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
