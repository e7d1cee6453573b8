"""Uploaded files other than slide decks: type by content, clean names."""

from __future__ import annotations

from core.uploads import DOCX, JPEG, PDF, PNG, safe_filename, sniff
from tests.classroom.work import JPEG as JPEG_BYTES
from tests.classroom.work import PNG as PNG_BYTES
from tests.classroom.work import docx, pdf


def test_types_are_told_by_their_content():
    assert sniff(pdf()) == PDF
    assert sniff(JPEG_BYTES) == JPEG
    assert sniff(PNG_BYTES) == PNG
    assert sniff(docx()) == DOCX
    assert sniff(docx(macros=True)) is None
    assert sniff(b"PK\x03\x04 not a zip") is None
    assert sniff(b"MZ\x90\x00") is None
    assert sniff(b"") is None


def test_file_names_are_cleaned():
    assert safe_filename("C:\\Users\\em\\Bài làm.docx") == "Bài làm.docx"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("a\x00b\nc.pdf") == "a b c.pdf"
    assert safe_filename("") == "tep" and safe_filename(None) == "tep"
    long = safe_filename("x" * 500 + ".pdf")
    assert len(long) == 200 and long.endswith(".pdf")
