"""validate_pdf: every upload (meeting documents, lesson slides) must be a whole, readable,
unencrypted PDF within the limits; each refusal has its own code and a message."""

from __future__ import annotations

import io
import random

import pytest
from pypdf import PdfReader, PdfWriter

from core.errors import DomainError
from core.pdf import PdfInfo, validate_pdf
from core.pdf_worker import Limits, Outcome
from core.sample_pdf import numbered_pdf, pad_pages

MB = 1024 * 1024
LIMIT = 10 * MB


@pytest.fixture(scope="module")
def good() -> bytes:
    return numbered_pdf(5, title="Báo cáo kinh tế – xã hội")


def _writer_bytes(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def refused(app, data: bytes, max_bytes: int = LIMIT, max_pages: int = 100) -> DomainError:
    with pytest.raises(DomainError) as caught:
        validate_pdf(data, max_bytes, max_pages)
    assert str(caught.value.message).strip()  # a message for the person who uploaded it
    return caught.value


def test_a_valid_pdf_gives_its_pages_and_title(good):
    assert validate_pdf(good, LIMIT, 100) == PdfInfo(pages=5, title="Báo cáo kinh tế – xã hội")


def test_a_pdf_without_title_and_exactly_at_the_limits(good):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
    writer.metadata = None
    data = _writer_bytes(writer)
    assert validate_pdf(data, len(data), 5) == PdfInfo(pages=5, title=None)


def test_empty_file(app):
    err = refused(app, b"")
    assert (err.code, err.status) == ("empty_file", 422)


def test_file_too_large(app, good):
    err = refused(app, good, max_bytes=len(good) - 1)
    assert (err.code, err.status) == ("file_too_large", 413)


def test_file_too_large_is_checked_before_parsing(app):
    # a huge blob of anything is refused for its size, not parsed
    err = refused(app, b"%PDF-1.7\n" + b"\0" * (2 * MB), max_bytes=MB)
    assert (err.code, err.status) == ("file_too_large", 413)


@pytest.mark.parametrize(
    "data",
    [
        b"Bien ban hop\n" * 50,
        b"\x89PNG\r\n\x1a\n" + bytes(200),
        b"PK\x03\x04" + bytes(200),  # a .docx is a zip
        b"<html><body>%PDF-1.7</body></html>",
    ],
    ids=["text", "png", "docx", "html"],
)
def test_not_a_pdf(app, data):
    err = refused(app, data)
    assert (err.code, err.status) == ("not_a_pdf", 415)


def test_truncated(app, good):
    err = refused(app, good[: len(good) // 2])
    assert (err.code, err.status) == ("truncated_pdf", 422)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_corrupt_random_bytes_with_a_pdf_header(app, seed):
    data = b"%PDF-1.7\n" + random.Random(seed).randbytes(8000) + b"\n%%EOF\n"
    err = refused(app, data)
    assert (err.code, err.status) == ("corrupt_pdf", 422)


def test_corrupt_body_with_intact_header_and_trailer(app, good):
    mangled = bytearray(good)
    middle = slice(200, len(good) - 300)
    mangled[middle] = random.Random(9).randbytes(len(good) - 500)
    err = refused(app, bytes(mangled))
    assert (err.code, err.status) == ("corrupt_pdf", 422)


@pytest.mark.parametrize("user_password", ["mat-khau", ""])
def test_encrypted(app, good, user_password):
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
    writer.encrypt(user_password, owner_password="chu-so-huu")
    err = refused(app, _writer_bytes(writer))
    assert (err.code, err.status) == ("encrypted_pdf", 422)


def test_too_many_pages(app, good):
    err = refused(app, good, max_pages=4)
    assert (err.code, err.status) == ("too_many_pages", 422)
    assert "4" in str(err.message)
    assert validate_pdf(good, LIMIT, 5).pages == 5


def test_heavy_pages_are_fine_within_the_limit(good):
    heavy = pad_pages(good, 64)
    assert len(heavy) > 5 * 64 * 1024
    assert validate_pdf(heavy, LIMIT, 100).pages == 5


def test_the_same_document_is_parsed_once_and_a_refusal_is_never_kept(app, monkeypatch):
    outcomes = [Outcome("pdf_too_complex", "time"), Outcome(None, pages=2, title="T")]
    calls: list[bytes] = []

    def guarded(data: bytes, limits: Limits) -> Outcome:
        calls.append(data)
        return outcomes.pop(0)

    monkeypatch.setattr("core.pdf.run_guarded", guarded)
    data = numbered_pdf(2, title=f"Một lần {random.random()}")
    with pytest.raises(DomainError):
        validate_pdf(data, LIMIT, 100)  # refused under load: not remembered
    assert validate_pdf(data, LIMIT, 100) == PdfInfo(pages=2, title="T")
    assert validate_pdf(data, LIMIT, 100) == PdfInfo(pages=2, title="T")
    assert len(calls) == 2
    outcomes.append(Outcome("too_many_pages", params={"n": 1}))
    with pytest.raises(DomainError):  # other limits are another question: parsed again
        validate_pdf(data, LIMIT, 1)
    assert len(calls) == 3
