"""Kernel models: organisations, users with roles per organisation, API tokens, files."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.db import Timestamped, utcnow
from core.extensions import Model


class Role(enum.StrEnum):
    """Roles a user holds in an organisation (docs/api.md)."""

    ADMIN = "admin"
    CHAIR = "chair"  # chủ tọa
    SECRETARY = "secretary"  # thư ký
    DELEGATE = "delegate"  # đại biểu
    CLERK = "clerk"  # văn thư
    EDUCATION_OFFICER = "education_officer"
    SCHOOL_ADMIN = "school_admin"
    TEACHER = "teacher"
    STUDENT = "student"

    @classmethod
    def values(cls) -> list[str]:
        return [role.value for role in cls]


class OrgKind(enum.StrEnum):
    """Kinds of organisation: the city, its wards (phường) and communes (xã), schools."""

    CITY = "city"
    WARD = "ward"
    COMMUNE = "commune"
    SCHOOL = "school"
    OFFICE = "office"


class Organization(Timestamped, Model):
    """An organisation: the city, a ward/commune, a school or an office."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organization.id"))
    smart_ward: Mapped[bool] = mapped_column(default=False)
    school_level: Mapped[str | None] = mapped_column(String(20))  # primary / lower_secondary

    parent: Mapped[Organization | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Organization]] = relationship(back_populates="parent")

    def __repr__(self) -> str:
        return f"<Organization {self.code}>"


class User(UserMixin, Timestamped, Model):
    """A person with an account."""

    __tablename__ = "user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True, index=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str | None] = mapped_column(String(5))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped to sign the user out everywhere (logout, password change): sessions and
    # remember-me cookies carry the value they were issued with (see get_id).
    session_epoch: Mapped[int] = mapped_column(default=0, server_default="0")

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # flask-login
        return self.active

    def get_id(self) -> str:  # flask-login: stored in the session and the remember cookie
        return f"{self.id}:{self.session_epoch or 0}"

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    def roles_in(self, org_id: int) -> set[str]:
        return {m.role for m in self.memberships if m.organization_id == org_id}

    def has_role(self, *roles: str) -> bool:
        return any(m.role in roles for m in self.memberships)

    @property
    def is_admin(self) -> bool:
        return self.has_role(Role.ADMIN.value)

    @property
    def organizations(self) -> list[Organization]:
        seen: dict[int, Organization] = {}
        for m in self.memberships:
            seen.setdefault(m.organization_id, m.organization)
        return list(seen.values())

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(Model):
    """A role a user holds in an organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organization_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organization.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="memberships")
    organization: Mapped[Organization] = relationship(lazy="joined")


class ApiToken(Model):
    """A bearer token for the JSON API; only its sha256 is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")


class StoredFile(Model):
    """A file in the content-addressed store, named by its sha256."""

    __tablename__ = "stored_file"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
