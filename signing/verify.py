"""Verification for anyone (kiểm tra chữ ký số): per signature the signer, the signing
time, whether it is intact, valid and trusted, and what was changed after it (pyHanko's
difference analysis). A file that cannot be checked says precisely why, never a 500."""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from cryptography import x509
from flask_babel import lazy_gettext as _l
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError

from core.aio import outside_loop
from core.i18n import to_local
from signing import keys
from signing.pades import validation_context

MAX_PDF = 30 * 1024 * 1024
EOF_TAIL = re.compile(rb"%%EOF\s*$")
REFUSALS = ("not_pdf", "empty", "too_large", "truncated", "unreadable")
SEVERITY = ("tampered", "illegal_update", "revoked", "invalid", "untrusted")
LEVELS = {
    ModificationLevel.NONE: "none",
    ModificationLevel.LTA_UPDATES: "lta_updates",
    ModificationLevel.FORM_FILLING: "form_filling",
    ModificationLevel.ANNOTATIONS: "annotations",
    ModificationLevel.OTHER: "other",
}


def problem_messages() -> dict[str, Any]:
    return {
        "not_pdf": _l("Tệp không phải là tài liệu PDF."),
        "empty": _l("Tệp rỗng."),
        "too_large": _l("Tệp quá lớn để kiểm tra (tối đa 30 MB)."),
        "truncated": _l("Tệp PDF bị cắt cụt: thiếu phần cuối của tệp."),
        "unreadable": _l("Không đọc được cấu trúc tệp PDF (tệp hỏng)."),
        "not_signed": _l("Tệp PDF không có chữ ký số nào."),
        "tampered": _l("Nội dung đã bị sửa sau khi ký: chữ ký không còn nguyên vẹn."),
        "untrusted": _l(
            "Chữ ký hợp lệ về mặt kỹ thuật nhưng chứng thư số không do tổ chức chứng thực"
            " tin cậy cấp."
        ),
        "revoked": _l("Chứng thư số của người ký đã bị thu hồi."),
        "illegal_update": _l(
            "Tệp đã bị thêm nội dung không được phép sau khi ký (cập nhật gia tăng trái phép)."
        ),
        "invalid": _l("Chữ ký số không hợp lệ."),
        "ok": _l("Chữ ký nguyên vẹn, hợp lệ và đáng tin cậy."),
    }


@dataclass
class SignatureReport:
    field: str
    signer: str
    signed_at: str | None
    intact: bool
    valid: bool
    trusted: bool
    modification_level: str | None
    revoked: bool = False
    problem: str = "ok"
    message: str = ""

    def public(self) -> dict[str, Any]:
        keys = ("field", "signer", "signed_at", "intact", "valid", "trusted", "modification_level")
        data = asdict(self)
        return {k: data[k] for k in keys} | {"problem": self.problem, "message": self.message}


@dataclass
class Report:
    valid: bool
    problem: str
    message: str
    signatures: list[SignatureReport] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "valid": self.valid,
            "problem": self.problem,
            "message": self.message,
            "signatures": [s.public() for s in self.signatures],
        }


def _refused(problem: str) -> Report:
    return Report(False, problem, str(problem_messages()[problem]))


def _precheck(data: bytes) -> str | None:
    if not data:
        return "empty"
    if len(data) > MAX_PDF:
        return "too_large"
    if data.lstrip()[:5] != b"%PDF-":
        return "not_pdf"
    if not EOF_TAIL.search(data[-1024:]):
        return "truncated"
    return None


def _signer_name(status: Any) -> str:
    cert = status.signing_cert
    try:
        return str(cert.subject.native.get("common_name") or cert.subject.human_friendly)
    except (AttributeError, ValueError):
        return ""


def _signed_at(status: Any) -> str | None:
    ts = status.timestamp_validity
    moment = ts.timestamp if ts is not None else status.signer_reported_dt
    return to_local(moment).isoformat() if moment is not None else None


def _judge(report: SignatureReport, docmdp_ok: bool | None) -> None:
    if not report.intact:
        report.problem = "tampered"
    elif docmdp_ok is False or report.modification_level == "other":
        report.problem = "illegal_update"
    elif report.revoked:
        report.problem = "revoked"
    elif not report.valid:
        report.problem = "invalid"
    elif not report.trusted:
        report.problem = "untrusted"
    report.message = str(problem_messages()[report.problem])


def _local_revocations() -> dict[tuple[str, int], datetime]:
    """(issuer, serial) → revocation time, from the deployment's local CRL."""
    der = keys.crl_der()
    if der is None:
        return {}
    crl = x509.load_der_x509_crl(der)
    issuer = crl.issuer.rfc4514_string()
    return {(issuer, r.serial_number): r.revocation_date_utc for r in crl}


def _revoked(status: Any, revocations: dict[tuple[str, int], datetime]) -> bool:
    """Revoked by the local CRL before the signature's (timestamped) time."""
    cert = status.signing_cert
    key = (_issuer_string(cert), cert.serial_number)
    when = revocations.get(key)
    if when is None:
        return bool(status.revoked)
    ts = status.timestamp_validity
    moment = ts.timestamp if ts is not None else status.signer_reported_dt
    return moment is None or when <= moment


def _issuer_string(cert: Any) -> str:
    return x509.load_der_x509_certificate(cert.dump()).issuer.rfc4514_string()


def _check(
    embedded: Any, context: Any, revocations: dict[tuple[str, int], datetime]
) -> SignatureReport:
    try:
        status = outside_loop(
            validate_pdf_signature, embedded, signer_validation_context=context
        )
    except (SignatureValidationError, PdfError, ValueError, KeyError, TypeError):
        report = SignatureReport(embedded.field_name, "", None, False, False, False, None)
        _judge(report, None)
        return report
    level = status.modification_level
    report = SignatureReport(
        field=embedded.field_name,
        signer=_signer_name(status),
        signed_at=_signed_at(status),
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        modification_level=LEVELS.get(level) if level is not None else None,
        revoked=_revoked(status, revocations),
    )
    _judge(report, status.docmdp_ok)
    return report


def verify_pdf(data: bytes, extra_roots: tuple[x509.Certificate, ...] = ()) -> Report:
    """Check every signature of ``data`` against the deployment's root (and ``extra_roots``)."""
    problem = _precheck(data)
    if problem:
        return _refused(problem)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return _refused("unreadable")
    if not embedded:
        return _refused("not_signed")
    context = validation_context(extra_roots)
    revocations = _local_revocations()
    reports = [_check(sig, context, revocations) for sig in embedded]
    problems = {r.problem for r in reports}
    worst = next((p for p in SEVERITY if p in problems), "ok")
    return Report(worst == "ok", worst, str(problem_messages()[worst]), reports)
