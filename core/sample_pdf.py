"""Readable sample PDFs for demo data, tests and benchmarks (generated, never committed)."""

from __future__ import annotations

import functools
import io
import random
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
)

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
)


def _unchanged(text: str) -> str:
    return text


def _unicode_font() -> str | None:
    return next((path for path in FONT_CANDIDATES if Path(path).exists()), None)


def _ascii(text: str) -> str:
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def make_pdf(title: str, pages: Sequence[tuple[str, str]]) -> bytes:
    """A PDF with one page per (heading, body). Vietnamese text when a Unicode font is
    installed, plain ASCII otherwise. The same title and pages give the same bytes, made
    once per process: the demo data is seeded again for every test, and embedding the
    font each time cost about half a second."""
    return _made_pdf(title, tuple((str(h), str(b)) for h, b in pages))


@functools.lru_cache(maxsize=64)
def _made_pdf(title: str, pages: tuple[tuple[str, str], ...]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    font = _unicode_font()
    if font:
        pdf.add_font("body", "", font)
        family, fix = "body", _unchanged
    else:
        family, fix = "helvetica", _ascii
    for number, (heading, body) in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font(family, size=11)
        pdf.set_text_color(120, 120, 120)
        pdf.cell(0, 8, fix(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(20, 20, 20)
        pdf.set_font(family, size=26)
        pdf.multi_cell(0, 14, fix(heading), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        pdf.set_font(family, size=13)
        pdf.multi_cell(0, 7, fix(body), new_x="LMARGIN", new_y="NEXT")
        pdf.set_auto_page_break(False)
        pdf.set_y(-18)
        pdf.set_font(family, size=10)
        pdf.cell(0, 8, fix(f"Trang {number}/{len(pages)}"), align="C")
        pdf.set_auto_page_break(True, margin=20)
    return bytes(pdf.output())


def pad_pages(data: bytes, kb_per_page: int) -> bytes:
    """Make every page heavy: an unpainted form XObject of incompressible bytes per page.

    Viewers never fetch it unless the page is drawn, so it models scanned pages for
    size benchmarks without changing what is shown."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    rng = random.Random(7)
    for page in writer.pages:
        stream = DecodedStreamObject()
        stream.set_data(rng.randbytes(kb_per_page * 1024))
        stream[NameObject("/Type")] = NameObject("/XObject")
        stream[NameObject("/Subtype")] = NameObject("/Form")
        stream[NameObject("/BBox")] = ArrayObject([NumberObject(0)] * 4)
        resources = page.setdefault(NameObject("/Resources"), DictionaryObject())
        xobjects = resources.setdefault(NameObject("/XObject"), DictionaryObject())
        xobjects[NameObject("/Pad")] = writer._add_object(stream)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def numbered_pdf(pages: int, title: str = "Tài liệu họp", filler_kb: int = 0) -> bytes:
    """A document whose page N says 'Trang N' in large type (tests read it back)."""
    data = make_pdf(
        title,
        [
            (f"Trang {n}", f"Nội dung trang {n} của tài liệu “{title}”.")
            for n in range(1, pages + 1)
        ],
    )
    return pad_pages(data, filler_kb) if filler_kb else data
