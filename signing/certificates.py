"""Signers' certificates: issued by the deployment's CA, or enrolled from the signer's own
PKCS#12 file; their status (valid, expired, revoked through the local CRL)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core.db import utcnow
from core.errors import Conflict, DomainError
from core.extensions import db
from core.models import User
from signing import keys
from signing.models import KeySource, SigningKey

MAX_PKCS12 = 64 * 1024


def _naive(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC)


def _organisation(user: User) -> str:
    orgs = [m.organization.name for m in user.memberships if m.organization is not None]
    return orgs[0] if orgs else "Sohoa"


def _store(
    user: User, cert: x509.Certificate, key_der: bytes, source: KeySource, chain: str
) -> SigningKey:
    for old in active_keys(user):
        old.active = False
    row = SigningKey(
        user_id=user.id,
        source=source,
        certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
        chain_pem=chain,
        sealed_key=keys.seal(key_der),
        serial=format(cert.serial_number, "x"),
        subject=cert.subject.rfc4514_string()[:300],
        not_before=_naive(cert.not_valid_before_utc),
        not_after=_naive(cert.not_valid_after_utc),
        active=True,
    )
    db.session.add(row)
    db.session.flush()
    return row


def issue_for(user: User, days: int = 730, not_before: dt.datetime | None = None) -> SigningKey:
    """A new key and certificate of the deployment's CA for ``user`` (replaces the old)."""
    authority = keys.authority()
    key = keys.new_key()
    cert = keys.issue_certificate(
        authority, key, user.display_name, _organisation(user), days=days, not_before=not_before
    )
    return _store(user, cert, keys.key_der(key), KeySource.CA, "")


def active_keys(user: User) -> list[SigningKey]:
    return list(
        db.session.scalars(
            select(SigningKey).where(SigningKey.user_id == user.id, SigningKey.active.is_(True))
        )
    )


def current_key(user: User) -> SigningKey | None:
    found = active_keys(user)
    return found[-1] if found else None


@dataclass(frozen=True)
class KeyStatus:
    code: str  # valid | expired | not_yet_valid | revoked
    label: str


def status_of(row: SigningKey, at: dt.datetime | None = None) -> KeyStatus:
    now = at or utcnow()
    if row.revoked_at is not None:
        return KeyStatus("revoked", str(_l("Đã thu hồi")))
    if now > row.not_after:
        return KeyStatus("expired", str(_l("Đã hết hạn")))
    if now < row.not_before:
        return KeyStatus("not_yet_valid", str(_l("Chưa có hiệu lực")))
    return KeyStatus("valid", str(_l("Còn hiệu lực")))


def revoke(user: User) -> list[SigningKey]:
    """Revoke the user's certificates of the deployment's CA and rewrite the local CRL."""
    authority = keys.authority()
    now = utcnow()
    rows = [r for r in active_keys(user) if r.revoked_at is None]
    for row in rows:
        row.revoked_at = now
    db.session.flush()
    write_crl(authority)
    return rows


def write_crl(authority: keys.Authority) -> bytes:
    revoked = db.session.scalars(
        select(SigningKey).where(
            SigningKey.revoked_at.is_not(None), SigningKey.source == KeySource.CA
        )
    )
    return keys.write_crl(
        authority, [(int(r.serial, 16), r.revoked_at) for r in revoked if r.revoked_at]
    )


def _refuse(code: str, message: object) -> DomainError:
    return DomainError(code, message, 422)


def enrol_pkcs12(user: User, data: bytes, passphrase: str) -> SigningKey:
    """Enrol the signer's own PKCS#12: the passphrase only opens the file, the key is then
    sealed under the server's key; nothing of the passphrase is kept."""
    if not data or len(data) > MAX_PKCS12:
        raise _refuse("invalid_pkcs12", _l("Tệp chứng thư số (PKCS#12, .p12/.pfx) không hợp lệ."))
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except ValueError:
        raise _refuse(
            "wrong_passphrase",
            _l(
                "Không mở được tệp chứng thư số: sai mật khẩu hoặc tệp không đúng"
                " định dạng PKCS#12."
            ),
        ) from None
    if key is None or cert is None:
        raise _refuse("invalid_pkcs12", _l("Tệp PKCS#12 phải chứa cả chứng thư số và khóa bí mật."))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _refuse("unsupported_key", _l("Chỉ hỗ trợ khóa RSA."))
    _check_usage(cert)
    now = dt.datetime.now(dt.UTC)
    if cert.not_valid_after_utc < now:
        raise _refuse(
            "certificate_expired", _l("Chứng thư số đã hết hạn, không thể đăng ký để ký.")
        )
    if cert.not_valid_before_utc > now:
        raise _refuse("certificate_not_yet_valid", _l("Chứng thư số chưa đến ngày có hiệu lực."))
    chain = "".join(c.public_bytes(serialization.Encoding.PEM).decode() for c in extra or [])
    return _store(user, cert, keys.key_der(key), KeySource.PKCS12, chain)


def _check_usage(cert: x509.Certificate) -> None:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is None or not usage.digital_signature:
        raise _refuse(
            "no_digital_signature_usage",
            _l("Chứng thư số không có mục đích sử dụng 'chữ ký số' (digitalSignature)."),
        )


def require_usable(row: SigningKey | None) -> SigningKey:
    """The signer's key, refused (409) when missing, revoked, expired or not yet valid."""
    if row is None:
        raise Conflict(
            "no_signing_certificate",
            _l(
                "Bạn chưa có chứng thư số để ký: hãy đăng ký tệp PKCS#12 hoặc đề nghị quản trị cấp."
            ),
        )
    status = status_of(row)
    messages = {
        "revoked": _l("Chứng thư số của bạn đã bị thu hồi, không thể ký."),
        "expired": _l("Chứng thư số của bạn đã hết hạn, không thể ký."),
        "not_yet_valid": _l("Chứng thư số của bạn chưa có hiệu lực, không thể ký."),
    }
    if status.code in messages:
        raise Conflict(f"certificate_{status.code}", messages[status.code])
    return row
