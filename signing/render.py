"""The one renderer of official documents (văn bản hành chính, Decree 30/2020/NĐ-CP).

A4, margins 20/15/20/30 mm, the issuing organisation and the national heading (Quốc hiệu,
Tiêu ngữ), the number and the place/date line, the document type in capitals, the body,
the signature blocks (title, space for the signature image, name) and, when asked, a QR
code with a URL. Liberation Serif (Times-metric) is embedded, text is NFC and the file
is PDF/A-2b (XMP metadata and an sRGB output intent).
"""

from __future__ import annotations

import functools
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
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
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
)
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
VIETNAMESE_SAMPLE = "ẾếỜờỊịỂểỌọỐốỦủỄễƯưẦầĐđ"
PAGE_HEIGHT_MM = 297.0
MM = 72 / 25.4
BLOCK_WIDTH, SIGN_SPACE = 70.0, 30.0


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@functools.cache
def _covers_vietnamese(path: str) -> bool:
    cmap = TTFont(path, lazy=True).getBestCmap()
    return all(ord(c) in cmap for c in VIETNAMESE_SAMPLE)


def serif_fonts() -> tuple[str, str, str]:
    """The first installed Times-metric serif (or DejaVu Serif) with Vietnamese glyphs."""
    for regular, bold, italic in SERIF_FONTS:
        paths = (regular, bold, italic)
        if all(Path(p).exists() for p in paths) and _covers_vietnamese(regular):
            return paths
    raise DomainError(
        "font_missing", _l("Máy chủ thiếu phông chữ Liberation Serif để tạo văn bản PDF."), 503
    )


@dataclass(frozen=True)
class SignatureBlock:
    """A signer's place: the title (e.g. 'THƯ KÝ'), the name printed under the space."""

    role: str
    title: str
    name: str


@dataclass
class Rendered:
    """The PDF and where each signature goes: role → (page index, box in points)."""

    pdf: bytes
    boxes: dict[str, tuple[int, tuple[int, int, int, int]]] = field(default_factory=dict)


class _Document(FPDF):
    def header(self) -> None:  # Decree 30: page numbers from the second page, top centre
        if self.page_no() > 1:
            self.set_font("serif", "", 13)
            self.set_y(10)
            self.cell(0, 6, str(self.page_no()), align="C")
            self.set_y(20)


def _new_pdf(title: str) -> _Document:
    regular, bold, italic = serif_fonts()
    pdf = _Document(format="A4", enforce_compliance="PDF/A-2B")
    pdf.set_margins(30, 20, 15)  # Decree 30: left 30 mm, right 15 mm
    pdf.set_auto_page_break(True, 20)
    pdf.add_font("serif", "", regular)
    pdf.add_font("serif", "B", bold)
    pdf.add_font("serif", "I", italic)
    pdf.set_title(title)
    pdf.set_lang("vi")
    pdf.set_creator("Sohoa")
    pdf.set_creation_date(datetime.now().astimezone())
    pdf.add_page()
    return pdf


def _heading(pdf: FPDF, issuer: str, number: str, place_date: str) -> None:
    top = pdf.get_y()
    pdf.set_font("serif", "B", 12)
    pdf.multi_cell(75, 6, nfc(issuer).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    if number:
        pdf.set_font("serif", "", 13)
        pdf.set_x(30)
        pdf.cell(75, 7, nfc(number), align="C")
    pdf.set_xy(90, top)
    pdf.set_font("serif", "B", 12)
    pdf.cell(105, 6, NATIONAL_NAME, align="C", new_x="LEFT", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.cell(105, 7, MOTTO, align="C", new_x="LEFT", new_y="NEXT")
    pdf.line(117, pdf.get_y(), 168, pdf.get_y())
    pdf.ln(3)
    pdf.set_x(90)
    pdf.set_font("serif", "I", 13)
    pdf.cell(105, 7, nfc(place_date), align="C")
    pdf.set_y(max(pdf.get_y(), top + 30))


def _body(pdf: FPDF, body: Sequence[str]) -> None:
    for line in body:
        text = nfc(line)
        heading = bool(text.strip()) and text.strip() == text.strip().upper() and len(text) < 80
        pdf.set_font("serif", "B" if heading else "", 13)
        pdf.multi_cell(0, 7, text if text.strip() else " ", new_x="LMARGIN", new_y="NEXT")


def _to_points(
    page: int, x: float, y: float, w: float, h: float
) -> tuple[int, tuple[int, int, int, int]]:
    """fpdf millimetres (top-left origin) → a PDF box in points (bottom-left origin)."""
    x1, y2 = x * MM, (PAGE_HEIGHT_MM - y) * MM
    return page, (round(x1), round(y2 - h * MM), round(x1 + w * MM), round(y2))


def _signature_blocks(
    pdf: FPDF, blocks: Sequence[SignatureBlock], seal: bool
) -> dict[str, tuple[int, tuple[int, int, int, int]]]:
    """Two columns (the first signer left, the second right), each: title, the space for
    the signature image, the name. The seal overlaps the right signature by a third."""
    needed = 7 + SIGN_SPACE + 8
    if pdf.get_y() + needed + 8 > PAGE_HEIGHT_MM - 20:
        pdf.add_page()
    pdf.ln(6)
    top = pdf.get_y()
    columns = (30.0, 195.0 - BLOCK_WIDTH)
    boxes: dict[str, tuple[int, tuple[int, int, int, int]]] = {}
    page = pdf.page_no() - 1
    for block, x in zip(blocks, columns, strict=False):
        pdf.set_xy(x, top)
        pdf.set_font("serif", "B", 13)
        pdf.cell(BLOCK_WIDTH, 7, nfc(block.title).upper(), align="C")
        boxes[block.role] = _to_points(page, x + 5, top + 7, BLOCK_WIDTH - 10, SIGN_SPACE)
        pdf.set_xy(x, top + 7 + SIGN_SPACE)
        pdf.cell(BLOCK_WIDTH, 7, nfc(block.name), align="C")
    if seal and len(blocks) > 1:
        side = SIGN_SPACE + 4
        # about a third of the seal lies over the left part of the chair's signature
        seal_x = columns[1] + 5 - side * 2 / 3
        boxes["seal"] = _to_points(page, seal_x, top + 5, side, side)
    pdf.set_y(top + 7 + SIGN_SPACE + 9)
    return boxes


def _qr(pdf: FPDF, url: str) -> None:
    """A QR code of ``url`` with the URL printed beside it (bottom of the last page)."""
    side = 24.0
    if pdf.get_y() + side + 4 > PAGE_HEIGHT_MM - 20:
        pdf.add_page()
    y = max(pdf.get_y() + 4, PAGE_HEIGHT_MM - 20 - side)
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=1)
    pdf.image(io.BytesIO(buffer.getvalue()), x=30, y=y, w=side, h=side)
    pdf.set_xy(30 + side + 3, y + 4)
    pdf.set_font("serif", "I", 10)
    pdf.multi_cell(165 - side - 3, 5, "Kiểm tra văn bản và chữ ký số tại:" + "\n" + url)


def render_official(
    issuer: str,
    doc_type: str,
    title: str,
    body: Sequence[str],
    place: str,
    when: datetime,
    *,
    number: str = "",
    signers: Sequence[SignatureBlock] = (),
    seal: bool = False,
    qr_url: str | None = None,
) -> Rendered:
    """An official document; ``signers`` adds the signature blocks (their boxes returned)."""
    pdf = _new_pdf(nfc(f"{doc_type} {title}"))
    local = to_local(when)
    place_date = f"{place}, ngày {local.day:02d} tháng {local.month:02d} năm {local.year}"
    _heading(pdf, issuer, number, place_date)
    pdf.ln(8)
    pdf.set_font("serif", "B", 14)
    pdf.cell(0, 8, nfc(doc_type).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("serif", "B", 13)
    pdf.multi_cell(0, 7, nfc(title), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    _body(pdf, body)
    boxes = _signature_blocks(pdf, signers, seal) if signers else {}
    if qr_url:
        _qr(pdf, qr_url)
    return Rendered(bytes(pdf.output()), boxes)


def render_draft(
    issuer: str,
    doc_type: str,
    title: str,
    body: Sequence[str],
    place: str,
    when: datetime,
    qr_url: str | None = None,
) -> bytes:
    """An A4 official document without signature blocks (a draft, a receipt)."""
    return render_official(issuer, doc_type, title, body, place, when, qr_url=qr_url).pdf
