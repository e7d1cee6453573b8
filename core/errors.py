"""One error type for business rules and one JSON error shape for the API.

Services raise :class:`DomainError` with a lazily translated message; routes turn it
into ``{"error": {"code", "message"}}`` with a 4xx status, socket handlers into a
``{"ok": false, "error": …}`` ack.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from core.extensions import db


class DomainError(Exception):
    """A broken business rule: a code, a translated message and an HTTP status."""

    status = 400

    def __init__(self, code: str, message: Any, status: int | None = None, **details: Any):
        super().__init__(str(code))
        self.code = code
        self.message = message
        if status is not None:
            self.status = status
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": str(self.message)}
        if self.details:
            body["details"] = self.details
        return body


class NotFound(DomainError):
    status = 404


class Forbidden(DomainError):
    status = 403


class Conflict(DomainError):
    status = 409


def missing_field(field: str) -> DomainError:
    """The one refusal for a required field left out or empty."""
    return DomainError(
        "missing_field", _l("Thiếu trường bắt buộc: %(field)s.", field=field), 422, field=field
    )


def unknown_organization(code: Any, status: int = 422) -> DomainError:
    """The one refusal for an organisation code that names no organisation."""
    return DomainError(
        "unknown_organization", _l("Không có tổ chức mã %(code)s.", code=code), status
    )


def field_errors(err: DomainError | None, fallback: str = "") -> dict[str, str]:
    """A refusal as ``{field: message}`` for a form to mark each bad field: every entry of
    ``details.errors``, else the one field named (``fallback`` when it names none)."""
    if err is None:
        return {}
    listed = err.details.get("errors") or [
        {"field": err.details.get("field") or fallback, "message": err.message}
    ]
    found: dict[str, str] = {}
    for entry in listed:
        found.setdefault(str(entry.get("field") or ""), str(entry.get("message", "")))
    return found


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}


def _wants_json() -> bool:
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and not request.accept_mimetypes["text/html"]


def _http_messages() -> dict[int, tuple[str, str]]:
    return {
        400: ("bad_request", _("Yêu cầu không hợp lệ.")),
        401: ("unauthorized", _("Bạn cần đăng nhập để tiếp tục.")),
        403: ("forbidden", _("Bạn không có quyền thực hiện thao tác này.")),
        404: ("not_found", _("Không tìm thấy trang hoặc dữ liệu yêu cầu.")),
        405: ("method_not_allowed", _("Phương thức không được hỗ trợ.")),
        409: ("conflict", _("Dữ liệu xung đột với trạng thái hiện tại.")),
        413: ("file_too_large", _("Tệp tải lên vượt quá dung lượng cho phép.")),
        414: ("uri_too_long", _("Địa chỉ yêu cầu quá dài.")),
        415: ("unsupported_media_type", _("Định dạng dữ liệu không được hỗ trợ.")),
        422: ("unprocessable", _("Dữ liệu không hợp lệ.")),
        429: ("rate_limited", _("Bạn thao tác quá nhiều lần. Vui lòng thử lại sau ít phút.")),
    }


def http_message(status: int) -> tuple[str, str]:
    """The error code and translated message for an HTTP status."""
    return _http_messages().get(status, ("http_error", ""))


def respond_error(status: int, code: str, message: str):
    """Render an error as JSON for the API, as a page for browsers."""
    if _wants_json():
        return jsonify(error_body(code, message)), status
    return render_template("core/error.html", status=status, code=code, message=message), status


def register_error_handlers(app: Flask) -> None:
    app.jinja_env.globals["field_errors"] = field_errors

    @app.errorhandler(DomainError)
    def _domain(err: DomainError):
        db.session.rollback()
        headers = getattr(err, "headers", None) or {}
        if _wants_json():
            return jsonify({"error": err.to_dict()}), err.status, headers
        page, status = respond_error(err.status, err.code, str(err.message))
        return page, status, headers

    @app.errorhandler(CSRFError)
    def _csrf(err: CSRFError):
        return respond_error(
            400,
            "csrf_failed",
            _("Phiên làm việc đã hết hạn hoặc thiếu mã bảo mật. Hãy tải lại trang."),
        )

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        status = err.code or 500
        code, message = _http_messages().get(status, ("http_error", err.description or ""))
        if status == 500:
            return _internal(err)
        return respond_error(status, code, message)

    @app.errorhandler(Exception)
    def _internal(err: Exception):
        app.logger.exception("unhandled error: %s", err)
        db.session.rollback()
        return respond_error(500, "internal_error", _("Đã có lỗi hệ thống. Vui lòng thử lại."))
