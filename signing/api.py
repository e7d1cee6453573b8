"""The signing JSON API (/api/v1/signing): verification for anyone, the caller's
certificate and the enrolment of their own PKCS#12."""

from __future__ import annotations

from flask import jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from core.api import api_blueprint
from core.errors import DomainError
from signing import certificates
from signing.shapes import key_dict
from signing.verify import REFUSALS, verify_pdf

api = api_blueprint("api_signing", __name__)


def _uploaded(field: str = "file") -> bytes:
    upload = request.files.get(field)
    if upload is None:
        raise DomainError("missing_file", _("Hãy chọn một tệp để tải lên."), 422)
    return upload.read()


@api.post("/signing/verify")
def verify() -> ResponseReturnValue:
    """Verify a signed PDF (multipart ``file``; public): per signature the signer, the time,
    intact, valid, trusted and the modification level. Not a PDF, truncated or unreadable
    is a 422 naming which; a PDF without signatures is ``valid: false``."""
    report = verify_pdf(_uploaded())
    if report.problem in REFUSALS:
        raise DomainError(report.problem, report.message, 422)
    return jsonify(report.as_dict())


@api.get("/signing/certificate")
@login_required
def my_certificate() -> ResponseReturnValue:
    """The caller's current signing certificate and its status (null when none)."""
    return jsonify(certificate=key_dict(certificates.current_key(current_user)))


@api.post("/signing/certificate")
@login_required
def enrol_certificate() -> ResponseReturnValue:
    """Enrol the caller's own PKCS#12 (multipart ``file`` and ``passphrase``); the
    passphrase only opens the file and is never stored."""
    data = _uploaded()
    passphrase = request.form.get("passphrase", "")
    if len(passphrase) > 1000 or "\x00" in passphrase:
        raise DomainError("invalid_passphrase", _("Mật khẩu không hợp lệ."), 422)
    row = certificates.enrol_pkcs12(current_user, data, passphrase)
    return jsonify(certificate=key_dict(row)), 201
