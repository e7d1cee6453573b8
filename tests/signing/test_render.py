"""The one renderer of official documents: Decree-30 layout, NFC text, fonts embedded,
the QR code for receipts (render_draft(..., qr_url=...))."""

from __future__ import annotations

import datetime as dt
import unicodedata
from io import BytesIO

from pypdf import PdfReader

from signing.render import SignatureBlock, render_official
from signing.services import render_draft
from tests.signing.support import pdffonts, pdftotext

WHEN = dt.datetime(2026, 12, 1, 2, 0, tzinfo=dt.UTC)


def test_decomposed_vietnamese_comes_back_composed(tmp_path):
    decomposed = unicodedata.normalize("NFD", "Phiếu tiếp nhận hồ sơ tuyển sinh")
    pdf = render_draft(
        "UBND phường Phú Nhuận", "Phiếu", decomposed, ["Họ và tên: Nguyễn Thị Ánh"], "Huế", WHEN
    )
    path = tmp_path / "p.pdf"
    path.write_bytes(pdf)
    text = pdftotext(path)
    assert "Phiếu tiếp nhận hồ sơ tuyển sinh" in unicodedata.normalize("NFC", text)
    assert "Huế, ngày 01 tháng 12 năm 2026" in text
    assert all(line.split()[-5] == "yes" for line in pdffonts(path))


def test_a_receipt_carries_the_qr_code_and_its_url(tmp_path):
    url = "http://127.0.0.1:5000/enrollment/track/ABC123"
    pdf = render_draft(
        "Phòng GD&ĐT", "Phiếu", "Tiếp nhận", ["Mã hồ sơ: ABC123"], "Huế", WHEN, qr_url=url
    )
    reader = PdfReader(BytesIO(pdf))
    assert url in reader.pages[-1].extract_text()
    assert any(True for _ in reader.pages[-1].images)  # the QR code


def test_signature_blocks_have_boxes_on_the_last_page_and_the_seal_overlaps_the_chair():
    rendered = render_official(
        "UBND thành phố Huế",
        "Biên bản",
        "Họp",
        [f"Dòng {i}" for i in range(60)],
        "Huế",
        WHEN,
        signers=[
            SignatureBlock("secretary", "Thư ký", "A"),
            SignatureBlock("chair", "Chủ tọa", "B"),
        ],
        seal=True,
    )
    pages = len(PdfReader(BytesIO(rendered.pdf)).pages)
    (sp, sbox), (cp, cbox), (_, seal) = (rendered.boxes[r] for r in ("secretary", "chair", "seal"))
    assert sp == cp == pages - 1
    assert sbox[2] <= cbox[0]  # secretary left, chair right
    overlap = (seal[2] - cbox[0]) / (seal[2] - seal[0])
    assert 0.25 <= overlap <= 0.4  # about a third of the seal lies over the chair's block
    text = PdfReader(BytesIO(rendered.pdf)).pages[-1].extract_text()
    assert "THƯ KÝ" in text and "CHỦ TỌA" in text
