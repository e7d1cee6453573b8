"""Official documents: rendering (Decree 30/2020/NĐ-CP layout).

This module now renders the *draft* of an official document (minutes before signing) as
an A4 PDF with the national heading, a Times-metric serif (Liberation Serif, or DejaVu
Serif) embedded and NFC text. Signing (PAdES) is added by the signing feature.
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import segno
from flask_babel import lazy_gettext as _l
from fontTools.ttLib import TTFont
from fpdf import FPDF

from core.errors import DomainError
from core.i18n import to_local

SERIF_FONTS = (
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
)
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


VIETNAMESE_SAMPLE = "ẾếỜờỊịỂểỌọỐốỦủỄễƯưẦầĐđ"


@functools.cache
def _covers_vietnamese(path: str) -> bool:
    cmap = TTFont(path, lazy=True).getBestCmap()
    return all(ord(c) in cmap for c in VIETNAMESE_SAMPLE)


def _serif() -> tuple[str, str]:
    """The first installed Times-metric serif (or DejaVu Serif) with Vietnamese glyphs."""
    for regular, bold in SERIF_FONTS:
        if Path(regular).exists() and Path(bold).exists() and _covers_vietnamese(regular):
            return regular, bold
    raise DomainError(
        "font_missing",
        _l("Máy chủ thiếu phông chữ Liberation Serif để tạo văn bản PDF."),
        503,
    )


def _heading(pdf: FPDF, issuer: str, place_date: str) -> None:
    top = pdf.get_y()
    pdf.set_font("serif", "B", 12)
    pdf.multi_cell(75, 6, issuer.upper(), align="C")
    pdf.set_xy(90, top)
    pdf.set_font("serif", "B", 12)
    pdf.cell(105, 6, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.cell(105, 7, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", "", 13)
    pdf.ln(3)
    pdf.set_x(90)
    pdf.cell(105, 7, place_date, align="C")
    pdf.set_y(max(pdf.get_y(), top + 30))


def _qr(pdf: FPDF, url: str) -> None:
    """A QR code of ``url`` with the address printed under it."""
    image = io.BytesIO()
    segno.make(url, error="m").save(image, kind="png", scale=8, border=2)
    image.seek(0)
    pdf.ln(4)
    pdf.image(image, x=pdf.l_margin, w=35, h=35)
    pdf.set_font("serif", "", 10)
    pdf.multi_cell(0, 5, url, new_x="LMARGIN", new_y="NEXT")


def render_draft(
    issuer: str, doc_type: str, title: str, body: Sequence[str], place: str, when: datetime,
    *, qr_url: str | None = None,
) -> bytes:
    """An A4 draft: issuer and national heading, the document type in capitals, the body;
    with ``qr_url``, a QR code of that address and the address itself at the end."""
    regular, bold = _serif()
    pdf = FPDF(format="A4")
    pdf.set_margins(30, 20, 15)  # Decree 30: left 30 mm, right 15 mm
    pdf.add_font("serif", "", regular)
    pdf.add_font("serif", "B", bold)
    pdf.set_title(unicodedata.normalize("NFC", f"{doc_type} {title}"))
    pdf.add_page()
    local = to_local(when)
    _heading(pdf, issuer, f"{place}, ngày {local.day:02d} tháng {local.month:02d} năm {local.year}")
    pdf.ln(8)
    pdf.set_font("serif", "B", 14)
    pdf.cell(0, 8, doc_type.upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(
        0, 7, unicodedata.normalize("NFC", title), align="C", new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(6)
    pdf.set_font("serif", "", 13)
    for line in body:
        text = unicodedata.normalize("NFC", line)
        pdf.multi_cell(0, 7, text if text.strip() else " ", new_x="LMARGIN", new_y="NEXT")
    if qr_url:
        _qr(pdf, qr_url)
    return bytes(pdf.output())
