"""Ký số văn bản: the public verification pages and the signer's certificate page."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import files
from core.errors import NotFound
from core.extensions import db
from core.transaction import CommittingBlueprint
from signing import certificates
from signing.models import MinutesVersion
from signing.shapes import key_dict
from signing.verify import verify_pdf

bp = CommittingBlueprint("signing", __name__, template_folder="templates", url_prefix="/signing")


@bp.get("/")
def index() -> ResponseReturnValue:
    """Drop a PDF to check its signatures (anyone); a signer also sees their certificate."""
    key = certificates.current_key(current_user) if current_user.is_authenticated else None
    return render_template("signing/index.html", key=key_dict(key))


@bp.get("/v/<token>")
def verify_version(token: str) -> ResponseReturnValue:
    """The page a signed document's QR code opens: the signatures of the stored file and
    its SHA-256, so a holder can compare their copy (no content is shown)."""
    version = db.session.scalar(
        select(MinutesVersion).where(MinutesVersion.public_token == token[:40])
    )
    if version is None:
        raise NotFound("document_not_found", _("Không tìm thấy văn bản."))
    report = verify_pdf(files.read_bytes(version.pdf_sha256))
    return render_template("signing/version.html", version=version, report=report.as_dict())
