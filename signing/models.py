"""Signing keys (khóa ký số) and the versions of signed minutes (biên bản đã ký)."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import enum_column, utcnow
from core.extensions import Model
from core.models import User


class KeySource(enum.StrEnum):
    CA = "ca"  # issued by the deployment's CA (sohoa ca issue)
    PKCS12 = "pkcs12"  # the signer's own certificate, enrolled from a PKCS#12 file


class SignerRole(enum.StrEnum):
    SECRETARY = "secretary"  # thư ký
    CHAIR = "chair"  # chủ tọa
    SEAL = "seal"  # văn thư: the organisation's seal (con dấu)


class SigningKey(Model):
    """A user's signing certificate and private key (sealed under SECRET_KEY)."""

    __tablename__ = "signing_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    source: Mapped[KeySource] = mapped_column(enum_column(KeySource))
    certificate_pem: Mapped[str] = mapped_column(Text)
    chain_pem: Mapped[str] = mapped_column(Text, default="")
    sealed_key: Mapped[bytes] = mapped_column(LargeBinary)
    serial: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(300))
    not_before: Mapped[datetime]
    not_after: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    active: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship(lazy="joined")


class MinutesVersion(Model):
    """One version of a meeting's minutes as an official PDF; signatures are added as
    incremental revisions. A correction after signing makes a new version."""

    __tablename__ = "minutes_version"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"))
    number: Mapped[int]
    pdf_sha256: Mapped[str] = mapped_column(ForeignKey("stored_file.sha256"))
    layout: Mapped[str] = mapped_column(Text)  # JSON: the signature boxes of the renderer
    text_sha256: Mapped[str] = mapped_column(String(64))  # the minutes text it was made from
    public_token: Mapped[str] = mapped_column(String(40), unique=True)  # its verification page
    with_seal: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    signatures: Mapped[list[MinutesSignature]] = relationship(
        back_populates="version",
        order_by="MinutesSignature.id",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class MinutesSignature(Model):
    """One signature (chữ ký số) on a minutes version."""

    __tablename__ = "minutes_signature"
    __table_args__ = (UniqueConstraint("version_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("minutes_version.id", ondelete="CASCADE"))
    role: Mapped[SignerRole] = mapped_column(enum_column(SignerRole))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    key_id: Mapped[int | None] = mapped_column(ForeignKey("signing_key.id", ondelete="SET NULL"))
    field_name: Mapped[str] = mapped_column(String(40))
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
    pdf_sha256: Mapped[str] = mapped_column(String(64))  # the file after this signature

    version: Mapped[MinutesVersion] = relationship(back_populates="signatures")
    user: Mapped[User | None] = relationship(lazy="joined")
