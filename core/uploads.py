"""Uploaded files other than slide decks: an allow-list of types recognised by their
content (never by the name or the browser's word), a size cap read without trusting
Content-Length, and a clean file name to show and to send back.

PDFs still go through :func:`core.pdf.validate_pdf` (the caller decides the limits);
Word files must be real OOXML documents without macros; images are JPEG or PNG.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import FileStorage

from core.errors import DomainError
from core.pdf import MB

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# what each type may be called: a ``.exe`` renamed ``.pdf`` fails the content check,
# a real PDF named ``.docx`` fails the name check
EXTENSIONS = {PDF: (".pdf",), JPEG: (".jpg", ".jpeg"), PNG: (".png",), DOCX: (".docx",)}
LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG", DOCX: "Word (.docx)"}
MAX_NAME = 200


@dataclass(frozen=True)
class Upload:
    """One accepted file: its bytes, a clean name and its content type."""

    data: bytes
    filename: str
    content_type: str


def printable(text: str) -> str:
    """Text from a file (its /Title, its name) without NUL, line breaks or other control
    characters, which no title needs and which the database or a header would refuse;
    runs of spaces become one."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def base_name(name: str | None) -> str:
    """The last part of a path sent by a browser (``/`` or ``\\`` separated)."""
    return (name or "").replace("\\", "/").rsplit("/", 1)[-1]


def pdf_stem(name: str | None) -> str:
    """A PDF's file name as a title: the base name without ``.pdf``, printable."""
    stem = base_name(name)
    return printable(stem[:-4] if stem.lower().endswith(".pdf") else stem)


def safe_filename(name: str | None, default: str = "tep") -> str:
    """The base name without directories or control characters, at most 200 characters
    (the extension kept)."""
    text = printable(base_name(name)).strip(". ")
    if len(text) > MAX_NAME:
        stem, dot, ext = text.rpartition(".")
        text = (stem[: MAX_NAME - len(ext) - 1] + dot + ext) if dot and len(ext) < 10 else text
        text = text[:MAX_NAME]
    return text or default


def _is_docx(data: bytes) -> bool:
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    macros = any(name.lower().endswith("vbaproject.bin") for name in names)
    return "[Content_Types].xml" in names and "word/document.xml" in names and not macros


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are (PDF, JPEG, PNG, DOCX), or None."""
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04") and _is_docx(data):
        return DOCX
    return None


def _wrong_type(allowed: tuple[str, ...]) -> DomainError:
    kinds = ", ".join(LABELS[kind] for kind in allowed)
    return DomainError(
        "invalid_file_type", _l("Chỉ nhận tệp %(kinds)s.", kinds=kinds), 415, allowed=kinds
    )


def too_large(max_bytes: int) -> DomainError:
    return DomainError(
        "file_too_large", _l("Tệp lớn hơn giới hạn %(mb)s MB.", mb=max_bytes // MB), 413
    )


def read_upload(
    upload: FileStorage, max_bytes: int, allowed: tuple[str, ...], by_name: bool = True
) -> Upload:
    """Read one uploaded file (never more than ``max_bytes`` + 1) and check its type
    against ``allowed`` by content and (unless ``by_name`` is false: a phone's gallery may
    hand over a photo named without an extension) by name: 413 too big, 415 not allowed,
    422 empty."""
    data = upload.stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(max_bytes)
    if not data:
        raise DomainError("empty_file", _l("Tệp tải lên không có nội dung."), 422)
    filename = safe_filename(upload.filename)
    kind = sniff(data)
    if kind not in allowed or (by_name and not filename.lower().endswith(EXTENSIONS[kind])):
        raise _wrong_type(allowed)
    return Upload(data=data, filename=filename, content_type=kind)


def uploads_in(files: Any, field: str = "file") -> list[FileStorage]:
    """The files sent under ``field`` (several allowed), without the empty parts a
    browser sends for an untouched file input."""
    return [f for f in files.getlist(field) if f is not None and f.filename]
