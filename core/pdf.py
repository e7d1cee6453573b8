"""PDF validation for every upload (meeting documents, lesson slides).

The cheap checks (empty, size, header, end marker) run here; the parse runs in a child
process with its own memory and time limits (core.pdf_worker, core.pdf_guard), which
bounds how far any stream may inflate, what each page may cost a viewer to draw, and how
long it all may take. Each refusal has a code, a status and a message for the uploader.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l

from core.config import BaseConfig
from core.errors import DomainError
from core.pdf_worker import Limits, Outcome, run_guarded

PDF_MAGIC = b"%PDF-"
MB = 1024 * 1024
GUARD_SETTINGS = (
    "PDF_MAX_STREAM_BYTES",
    "PDF_MAX_INFLATED_BYTES",
    "PDF_MAX_INFLATE_RATIO",
    "PDF_MAX_PAGE_OPERATORS",
    "PDF_MAX_PAGE_PIXELS",
    "PDF_VALIDATION_SECONDS",
    "PDF_VALIDATION_MEMORY_MB",
)


@dataclass(frozen=True)
class PdfInfo:
    pages: int
    title: str | None


def _refuse(code: str, message: Any, status: int = 422, **details: Any) -> DomainError:
    return DomainError(code, message, status, **details)


def guard_limits(size: int, max_pages: int, config: Mapping[str, Any] | None = None) -> Limits:
    """The limits for a document of ``size`` bytes, from the app's settings (or defaults).

    The whole file may inflate to ``PDF_MAX_INFLATE_RATIO`` × its size, never less than
    one stream's cap and never more than ``PDF_MAX_INFLATED_BYTES``."""
    if config is None:
        config = current_app.config if has_app_context() else {}
    get = {key: config.get(key, getattr(BaseConfig, key)) for key in GUARD_SETTINGS}.__getitem__
    stream = int(get("PDF_MAX_STREAM_BYTES"))
    by_ratio = max(int(float(get("PDF_MAX_INFLATE_RATIO")) * size), stream)
    return Limits(
        max_pages=max_pages,
        stream_bytes=stream,
        total_bytes=min(int(get("PDF_MAX_INFLATED_BYTES")), by_ratio),
        page_operators=int(get("PDF_MAX_PAGE_OPERATORS")),
        page_pixels=int(get("PDF_MAX_PAGE_PIXELS")),
        seconds=float(get("PDF_VALIDATION_SECONDS")),
        memory_mb=int(get("PDF_VALIDATION_MEMORY_MB")),
    )


def validate_pdf(
    data: bytes, max_bytes: int, max_pages: int, *, limits: Limits | None = None
) -> PdfInfo:
    """Check that ``data`` is a whole, unencrypted PDF within the limits.

    Raises a DomainError with a message for the person who uploaded it: empty, too big,
    not a PDF, truncated, corrupt, encrypted, no pages, too many pages, inflates too much
    (413), too complex to show (422). ``limits`` defaults to the app's settings."""
    if not data:
        raise _refuse("empty_file", _l("Tệp tải lên không có nội dung."))
    if len(data) > max_bytes:
        raise _refuse(
            "file_too_large",
            _l("Tệp lớn hơn giới hạn %(mb)s MB.", mb=max_bytes // MB),
            413,
        )
    if not data[:1024].lstrip().startswith(PDF_MAGIC):
        raise _refuse("not_a_pdf", _l("Tệp không phải là tài liệu PDF."), 415)
    if b"%%EOF" not in data[-2048:]:
        raise _refuse("truncated_pdf", _l("Tệp PDF bị cắt cụt hoặc tải lên chưa hết."))
    limits = limits or guard_limits(len(data), max_pages)
    key = (hashlib.sha256(data).digest(), limits)
    known = _accepted.get(key)
    if known is not None:
        return known
    outcome = run_guarded(data, limits)
    if outcome.code is not None:
        raise refusal(outcome)
    return _accepted.keep(key, PdfInfo(pages=outcome.pages, title=outcome.title or None))


class AcceptedDocuments:
    """The last few documents the child accepted, by content and limits: the same bytes
    under the same limits are accepted again without a second parse (a document sent
    again, the demo data seeded again for every test). Refusals are not kept: a time or
    memory refusal may depend on the machine's load."""

    def __init__(self, size: int = 128) -> None:
        self._size = size
        self._known: OrderedDict[tuple[bytes, Limits], PdfInfo] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[bytes, Limits]) -> PdfInfo | None:
        with self._lock:
            info = self._known.get(key)
            if info is not None:
                self._known.move_to_end(key)
            return info

    def keep(self, key: tuple[bytes, Limits], info: PdfInfo) -> PdfInfo:
        with self._lock:
            self._known[key] = info
            while len(self._known) > self._size:
                self._known.popitem(last=False)
        return info


_accepted = AcceptedDocuments()


def refusal(outcome: Outcome) -> DomainError:
    """The DomainError for a refusal from the validation child."""
    code, reason, params = outcome.code or "corrupt_pdf", outcome.reason, outcome.params
    if code == "pdf_inflates_too_much":
        return _refuse(code, _inflation_message(reason, params), 413, reason=reason)
    if code == "pdf_too_complex":
        details = {"reason": reason, **({"page": params["page"]} if "page" in params else {})}
        return _refuse(code, _complexity_message(reason, params), **details)
    if code == "encrypted_pdf":
        return _refuse(
            code, _l("Tệp PDF đang được đặt mật khẩu/mã hóa; hãy gỡ mã hóa rồi tải lại.")
        )
    if code == "empty_pdf":
        return _refuse(code, _l("Tệp PDF không có trang nào."))
    if code == "too_many_pages":
        return _refuse(code, _l("Tài liệu có quá %(n)s trang.", n=params.get("n")))
    return _refuse("corrupt_pdf", _l("Tệp PDF bị hỏng, không đọc được."))


def _inflation_message(reason: str | None, params: dict[str, Any]) -> Any:
    mb = params.get("mb")
    if reason == "stream":
        return _l(
            "Tệp PDF có một phần dữ liệu nén khi giải nén lớn hơn %(mb)s MB: tệp có thể "
            "bị lỗi hoặc được tạo ra để gây quá tải. Hãy xuất lại PDF từ tài liệu gốc.",
            mb=mb,
        )
    return _l(
        "Tệp PDF khi giải nén lớn hơn %(mb)s MB, quá nhiều so với kích thước tệp: tệp có "
        "thể bị lỗi hoặc được tạo ra để gây quá tải. Hãy xuất lại PDF từ tài liệu gốc.",
        mb=mb,
    )


def _complexity_message(reason: str | None, params: dict[str, Any]) -> Any:
    page, operators = params.get("page"), f"{params.get('n', 0):,}".replace(",", " ")
    messages = {
        "operators": _l(
            "Trang %(page)s có quá nhiều nét vẽ (hơn %(n)s lệnh vẽ), máy tính bảng không "
            "thể hiển thị. Hãy đơn giản hóa trang hoặc xuất lại PDF dưới dạng ảnh.",
            page=page, n=operators,
        ),
        "pixels": _l(
            "Trang %(page)s có hình ảnh quá lớn (hơn %(mp)s triệu điểm ảnh), máy tính bảng "
            "không thể hiển thị. Hãy giảm độ phân giải ảnh rồi tải lại.",
            page=page, mp=params.get("mp"),
        ),
        "page_size": _l(
            "Trang %(page)s có kích thước bất thường (lớn hơn 5 mét). Hãy xuất lại PDF với "
            "khổ giấy thông thường.",
            page=page,
        ),
        "nesting": _l(
            "Trang %(page)s có các thành phần lồng nhau quá sâu hoặc lặp vòng. Hãy xuất lại "
            "PDF từ tài liệu gốc.",
            page=page,
        ),
        "filters": _l(
            "Tệp PDF dùng kiểu nén dữ liệu không được hỗ trợ. Hãy xuất lại PDF từ tài liệu gốc."
        ),
        "structure": _l(
            "Tệp PDF có cấu trúc quá phức tạp (quá nhiều đối tượng hoặc lồng nhau quá sâu). "
            "Hãy xuất lại PDF từ tài liệu gốc."
        ),
        "time": _l(
            "Tệp PDF quá phức tạp: kiểm tra mất quá nhiều thời gian. Hãy xuất lại PDF từ tài "
            "liệu gốc hoặc chia nhỏ tài liệu."
        ),
    }
    memory = _l(
        "Tệp PDF quá phức tạp: kiểm tra cần quá nhiều bộ nhớ. Hãy xuất lại PDF từ tài liệu "
        "gốc hoặc chia nhỏ tài liệu."
    )
    return messages.get(reason or "", memory)
