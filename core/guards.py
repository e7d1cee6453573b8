"""Guards at the edge, before any view: input that no feature should ever have to handle.

- A NUL byte anywhere in the path, the query string, a form field or a JSON body is
  refused with 422 (PostgreSQL cannot store it, and no Vietnamese text contains one).
- A JSON body nested too deeply for the parser is a 400 like any other malformed body,
  not a crash.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import BadRequest

from core.errors import DomainError

# JSON writes NUL as \u0000 (any case of the hex digits)
JSON_NUL = re.compile(rb"\\u0000", re.IGNORECASE)


class GuardedRequest(Request):
    """``get_json`` that answers a too-deeply-nested body like any malformed one."""

    def get_json(
        self, force: bool = False, silent: bool = False, cache: bool = True
    ) -> Any:
        try:
            return super().get_json(force=force, silent=silent, cache=cache)
        except RecursionError:
            if silent:
                return None
            raise BadRequest("JSON nested too deeply") from None


def _has_nul() -> bool:
    if "\x00" in request.path:
        return True
    if any("\x00" in key or "\x00" in value for key, value in request.args.items(multi=True)):
        return True
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = request.form.items(multi=True)
        if any("\x00" in key or "\x00" in value for key, value in fields):
            return True
    return request.is_json and JSON_NUL.search(request.get_data(cache=True)) is not None


def refuse_nul_bytes() -> None:
    if _has_nul():
        raise DomainError(
            "invalid_text", _l("Dữ liệu gửi lên chứa ký tự không hợp lệ (NUL)."), 422
        )


def register(app: Flask) -> None:
    app.request_class = GuardedRequest
    app.before_request(refuse_nul_bytes)
