"""Values that go into HTTP headers: redirect targets and download file names.

Both take what a user or an uploaded file supplied and never raise: a bad ``next`` falls
back to a safe page, a file name with control characters is cleaned.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from flask import request

# C0 controls, DEL and C1 controls: browsers drop tabs and newlines from URLs ("/\t/x"
# becomes "//x") and header values must not carry any of them.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FALLBACK_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\]')
_SPACES = re.compile(r"\s+")


def _is_local_path(value: str) -> bool:
    if not value.startswith("/") or value.startswith("//"):
        return False
    if "\\" in value or _CONTROL.search(value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:  # e.g. a malformed IPv6 host
        return False
    return not parts.scheme and not parts.netloc


def safe_next(target: Any, default: str = "/") -> str:
    """``target`` when it is a path on this site, otherwise ``default``.

    Refuses anything a browser could read as another origin: absolute URLs and
    scheme-relative ``//host``, backslashes (``/\\host``), control characters (``/\\t/host``,
    newlines), and the same tricks percent-encoded once more (``/%2F%2Fhost``).
    """
    if not isinstance(target, str) or not target:
        return default
    if not (_is_local_path(target) and _is_local_path(unquote(target))):
        return default
    return target


def _ascii_fallback(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    folded = "".join(c for c in folded if not unicodedata.combining(c))
    cleaned = _SPACES.sub(" ", _FALLBACK_UNSAFE.sub("", folded)).strip()
    if not cleaned or cleaned.startswith("."):  # nothing ASCII in the name but its extension
        cleaned = "download" + cleaned
    return cleaned


def content_disposition(filename: Any, disposition: str = "inline") -> str:
    """A Content-Disposition value for ``filename`` (RFC 6266 and RFC 8187).

    ``filename="…"`` is an ASCII fallback (diacritics folded, quotes, backslashes and
    control characters dropped); ``filename*=UTF-8''…`` is the real name, percent-encoded.
    Never raises, whatever the name holds.
    """
    name = _SPACES.sub(" ", _CONTROL.sub(" ", str(filename or ""))).strip()
    name = name.replace("/", "-").replace("\\", "-") or "download"
    encoded = quote(name, safe="", encoding="utf-8", errors="replace")
    return f"{disposition}; filename=\"{_ascii_fallback(name)}\"; filename*=UTF-8''{encoded}"


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer …`` header, if any."""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None
