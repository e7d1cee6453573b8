"""Accounts: argon2 password hashes, API bearer tokens, user and role management."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select, update
from sqlalchemy.orm.interfaces import LoaderOption

from core.db import prepared, utcnow
from core.errors import DomainError
from core.extensions import db
from core.models import ApiToken, Membership, Organization, Role, User

_HASHERS = {
    "default": PasswordHasher(),
    # Tests only (TestConfig): the same algorithm with cheap parameters.
    "fast": PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1),
}
_DUMMY_HASHES: dict[str, str] = {}


def _hasher() -> PasswordHasher:
    profile = current_app.config.get("ARGON2_PROFILE", "default") if current_app else "default"
    return _HASHERS[profile]


def _dummy_hash() -> str:
    """A hash of a random password, checked when the username is unknown so that a wrong
    username costs as much time as a wrong password."""
    hasher = _hasher()
    key = str(id(hasher))
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_hex(16))
    return _DUMMY_HASHES[key]


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def check_password(user: User | None, password: str) -> bool:
    """True when the password matches; rehashes if argon2 parameters changed."""
    target = user.password_hash if user else _dummy_hash()
    try:
        _hasher().verify(target, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if _hasher().check_needs_rehash(user.password_hash):
        user.password_hash = _hasher().hash(password)
    return True


def user_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = user_by_username(username or "")
    if not check_password(user, password or "") or user is None or not user.active:
        return None
    return user


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(user: User, ttl_hours: int) -> tuple[str, datetime]:
    """A new bearer token for the user; only its hash is stored."""
    token = secrets.token_urlsafe(32)
    expires_at = utcnow() + timedelta(hours=ttl_hours)
    db.session.add(ApiToken(token_hash=_token_hash(token), user_id=user.id, expires_at=expires_at))
    db.session.flush()
    return token, expires_at


def token_hash(token: str) -> str:
    """What is stored of a bearer token (and what a socket connection remembers)."""
    return _token_hash(token)


def valid_token_row(digest: str | None, *options: LoaderOption) -> ApiToken | None:
    """The unexpired, unrevoked token row with this sha256, of an active user."""
    if not digest:
        return None
    row = db.session.scalar(_token_row(options), {"digest": digest})
    if row is None or row.revoked or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row


@prepared
def _token_row(options: tuple[LoaderOption, ...]) -> Select[ApiToken]:
    """``valid_token_row``'s query, built once per set of loader options (every socket
    event runs it)."""
    return select(ApiToken).where(ApiToken.token_hash == bindparam("digest")).options(*options)


def user_for_token(token: str | None) -> User | None:
    """The user behind a valid, unexpired, unrevoked token."""
    row = valid_token_row(_token_hash(token)) if token else None
    return row.user if row else None


def revoke_token(token: str | None) -> bool:
    """Revoke a valid bearer token; False when it was not one."""
    row = valid_token_row(_token_hash(token)) if token else None
    if row is None:
        return False
    row.revoked = True
    return True


def end_sessions(user: User) -> None:
    """Sign the user out everywhere: every session and remember-me cookie stops working."""
    user.session_epoch = User.session_epoch + 1
    db.session.flush()
    db.session.refresh(user, ["session_epoch"])


def set_password(user: User, password: str) -> None:
    """A new password ends the user's sessions and revokes their API tokens."""
    user.password_hash = hash_password(password)
    end_sessions(user)
    db.session.execute(
        update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
        .values(revoked=True)
    )


def org_by_code(code: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.code == code))


def create_or_update_user(
    username: str, password: str, role: str, org_code: str, full_name: str | None = None
) -> User:
    """Create the account (or update it) and give it the role in the organisation."""
    username = (username or "").strip().lower()
    if not username or len(username) > 80:
        raise DomainError("invalid_username", _l("Tên đăng nhập không hợp lệ."))
    if role not in Role.values():
        raise DomainError(
            "unknown_role", _l("Vai trò không tồn tại: %(role)s.", role=role), 422
        )
    org = org_by_code(org_code)
    if org is None:
        raise DomainError(
            "unknown_organization", _l("Không có tổ chức mã %(code)s.", code=org_code), 422
        )
    if len(password or "") < 8:
        raise DomainError("weak_password", _l("Mật khẩu phải có ít nhất 8 ký tự."), 422)
    user = user_by_username(username)
    if user is None:
        user = User(username=username, password_hash=hash_password(password))
        db.session.add(user)
    else:
        set_password(user, password)
    if full_name:
        user.full_name = full_name
    db.session.flush()
    if role not in user.roles_in(org.id):
        db.session.add(Membership(user_id=user.id, organization_id=org.id, role=role))
    db.session.flush()
    db.session.refresh(user)
    return user
