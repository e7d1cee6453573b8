"""PDF validation for every upload (meeting documents, lesson slides): pypdf must parse it."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from pypdf import PdfReader
from pypdf.errors import PyPdfError

from core.errors import DomainError

PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    title: str | None


def _refuse(code: str, message, status: int = 422) -> DomainError:
    return DomainError(code, message, status)


def validate_pdf(data: bytes, max_bytes: int, max_pages: int) -> PdfInfo:
    """Check that ``data`` is a whole, unencrypted PDF within the limits.

    Raises a DomainError with a message for the person who uploaded it: empty, too big,
    not a PDF, truncated, corrupt, encrypted, no pages, too many pages.
    """
    if not data:
        raise _refuse("empty_file", _l("Tệp tải lên không có nội dung."))
    if len(data) > max_bytes:
        raise _refuse(
            "file_too_large",
            _l("Tệp lớn hơn giới hạn %(mb)s MB.", mb=max_bytes // (1024 * 1024)),
            413,
        )
    if not data[:1024].lstrip().startswith(PDF_MAGIC):
        raise _refuse("not_a_pdf", _l("Tệp không phải là tài liệu PDF."), 415)
    if b"%%EOF" not in data[-2048:]:
        raise _refuse("truncated_pdf", _l("Tệp PDF bị cắt cụt hoặc tải lên chưa hết."))
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise _refuse(
                "encrypted_pdf",
                _l("Tệp PDF đang được đặt mật khẩu/mã hóa; hãy gỡ mã hóa rồi tải lại."),
            )
        pages = len(reader.pages)
        for page in reader.pages:
            _ = page.mediabox
        title = (reader.metadata or {}).get("/Title") if reader.metadata else None
    except DomainError:
        raise
    except (
        PyPdfError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        IndexError,
        RecursionError,
        AssertionError,
    ) as err:
        raise _refuse("corrupt_pdf", _l("Tệp PDF bị hỏng, không đọc được.")) from err
    if pages == 0:
        raise _refuse("empty_pdf", _l("Tệp PDF không có trang nào."))
    if pages > max_pages:
        raise _refuse("too_many_pages", _l("Tài liệu có quá %(n)s trang.", n=max_pages))
    return PdfInfo(pages=pages, title=str(title) if title else None)
