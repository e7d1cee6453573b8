"""The signing feature's public service functions, for the other features.

- :func:`render_draft` / :func:`render_official`: the one renderer of official documents
  (Decree 30/2020/NĐ-CP), e.g. ``render_draft(issuer, doc_type, title, body, place, when,
  qr_url=tracking_url)`` for a receipt with a QR code.
- :func:`sign_pdf` and :func:`verify_pdf`: PAdES signing and verification.
"""

from __future__ import annotations

from signing.pades import Placement, SignerKey, sign_pdf
from signing.render import (
    MOTTO,
    NATIONAL_NAME,
    Rendered,
    SignatureBlock,
    render_draft,
    render_official,
    serif_fonts,
)
from signing.verify import verify_pdf

__all__ = [
    "MOTTO",
    "Placement",
    "SignerKey",
    "NATIONAL_NAME",
    "Rendered",
    "SignatureBlock",
    "render_draft",
    "render_official",
    "serif_fonts",
    "sign_pdf",
    "verify_pdf",
]
