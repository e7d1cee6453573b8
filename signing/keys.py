"""The deployment's own certification authority (CA), its time-stamping authority (TSA)
and the local certificate revocation list (CRL), kept under the instance folder.

``sohoa ca init`` creates them once (never committed, running it again changes nothing).
Every private key on disk or in the database is sealed with AES-GCM under a key derived
from SECRET_KEY: a changed SECRET_KEY gives a clear refusal, not a crash.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from flask import current_app
from flask_babel import lazy_gettext as _l

from core.errors import DomainError

SEAL_MAGIC = b"SKS1"
PrivateKey = rsa.RSAPrivateKey


def key_store_unreadable() -> DomainError:
    return DomainError(
        "signing_key_unreadable",
        _l(
            "Không mở được khóa ký đã lưu: khóa bí mật của máy chủ (SECRET_KEY) đã thay đổi "
            "kể từ khi khóa được tạo. Hãy dùng lại SECRET_KEY cũ hoặc cấp lại chứng thư số."
        ),
        409,
    )


def ca_missing() -> DomainError:
    return DomainError(
        "ca_missing",
        _l("Máy chủ chưa có tổ chức chứng thực nội bộ: hãy chạy lệnh 'sohoa ca init'."),
        503,
    )


def _sealing_key(secret: str) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=b"sohoa-signing", info=b"key-seal"
    ).derive(secret.encode())


def seal(data: bytes) -> bytes:
    """Encrypt ``data`` (a private key) under the deployment's SECRET_KEY."""
    nonce = os.urandom(12)
    sealed = AESGCM(_sealing_key(current_app.config["SECRET_KEY"])).encrypt(nonce, data, SEAL_MAGIC)
    return SEAL_MAGIC + nonce + sealed


def unseal(blob: bytes) -> bytes:
    if not blob.startswith(SEAL_MAGIC):
        raise key_store_unreadable()
    nonce, sealed = blob[4:16], blob[16:]
    try:
        return AESGCM(_sealing_key(current_app.config["SECRET_KEY"])).decrypt(
            nonce, sealed, SEAL_MAGIC
        )
    except InvalidTag:
        raise key_store_unreadable() from None


def new_key() -> PrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def key_der(key: PrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def load_key(der: bytes) -> PrivateKey:
    key = serialization.load_der_private_key(der, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def ca_dir() -> Path:
    return Path(current_app.instance_path) / "signing"


@dataclass(frozen=True)
class Authority:
    """The deployment's root CA and TSA (certificates and unsealed keys)."""

    root: x509.Certificate
    root_key: PrivateKey
    tsa: x509.Certificate
    tsa_key: PrivateKey

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)


def _name(common_name: str, org: str = "Sohoa") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def _usage(*, signing: bool, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=signing,
        content_commitment=signing,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _root(key: PrivateKey, name: str) -> x509.Certificate:
    subject = _name(name)
    now = _now()
    return (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(signing=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .sign(key, hashes.SHA256())
    )


def issue_certificate(
    authority: Authority,
    key: PrivateKey,
    common_name: str,
    org: str,
    *,
    days: int = 730,
    tsa: bool = False,
    not_before: dt.datetime | None = None,
) -> x509.Certificate:
    """A certificate of the deployment's CA: digitalSignature + nonRepudiation, no AIA or
    OCSP address and no document-signing-only EKU (poppler's pdfsig refuses those)."""
    start = not_before or _now() - dt.timedelta(minutes=5)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, org))
        .issuer_name(authority.root.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(signing=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority.root_key.public_key()),
            False,
        )
    )
    if tsa:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
    return builder.sign(authority.root_key, hashes.SHA256())


def _pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def init_ca(name: str = "Sohoa - Tổ chức chứng thực nội bộ") -> tuple[Authority, bool]:
    """Create the CA, the TSA and an empty CRL if they do not exist; (authority, created)."""
    folder = ca_dir()
    if (folder / "root.pem").exists():
        return authority(), False
    folder.mkdir(parents=True, exist_ok=True)
    root_key = new_key()
    root = _root(root_key, name)
    tsa_key = new_key()
    partial = Authority(root, root_key, root, root_key)
    tsa = issue_certificate(
        partial, tsa_key, "Sohoa - Dịch vụ cấp dấu thời gian", "Sohoa", days=3650, tsa=True
    )
    (folder / "root.key.sealed").write_bytes(seal(key_der(root_key)))
    (folder / "tsa.key.sealed").write_bytes(seal(key_der(tsa_key)))
    (folder / "tsa.pem").write_bytes(_pem(tsa))
    made = Authority(root, root_key, tsa, tsa_key)
    write_crl(made, [])
    (folder / "root.pem").write_bytes(_pem(root))  # last: its presence means "complete"
    _load.cache_clear()
    return made, True


@functools.lru_cache(maxsize=4)
def _load(folder: Path, secret: str, stamp: float) -> Authority:
    root = x509.load_pem_x509_certificate((folder / "root.pem").read_bytes())
    tsa = x509.load_pem_x509_certificate((folder / "tsa.pem").read_bytes())
    root_key = load_key(unseal((folder / "root.key.sealed").read_bytes()))
    tsa_key = load_key(unseal((folder / "tsa.key.sealed").read_bytes()))
    return Authority(root, root_key, tsa, tsa_key)


def authority() -> Authority:
    """The deployment's CA and TSA (503 when ``sohoa ca init`` was never run)."""
    folder = ca_dir()
    pem = folder / "root.pem"
    if not pem.exists():
        raise ca_missing()
    return _load(folder, current_app.config["SECRET_KEY"], pem.stat().st_mtime)


def root_certificate() -> x509.Certificate | None:
    pem = ca_dir() / "root.pem"
    return x509.load_pem_x509_certificate(pem.read_bytes()) if pem.exists() else None


def write_crl(auth: Authority, revoked: list[tuple[int, dt.datetime]]) -> bytes:
    """Sign and write the local CRL listing ``revoked`` (serial, when)."""
    now = _now()
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(auth.root.subject)
        .last_update(now - dt.timedelta(minutes=5))
        .next_update(now + dt.timedelta(days=30))
    )
    for serial, when in revoked:
        entry = (
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when)
            .build()
        )
        builder = builder.add_revoked_certificate(entry)
    crl = builder.sign(auth.root_key, hashes.SHA256())
    der = crl.public_bytes(serialization.Encoding.DER)
    (ca_dir() / "crl.der").write_bytes(der)
    return der


def crl_der() -> bytes | None:
    path = ca_dir() / "crl.der"
    return path.read_bytes() if path.exists() else None
