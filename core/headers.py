"""Security headers on every response, and the 414 for over-long request targets."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

# No inline scripts at all (every script is a file under static/). PDF.js runs its worker
# from static/vendor/pdfjs (same origin) and may hand images and fonts over as blob: and
# data: URLs; Socket.IO needs ws:/wss: to this host.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self' ws: wss:",
        "worker-src 'self' blob:",
        "font-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000"


def _is_personal(response: Response) -> bool:
    """Pages and API answers: they may hold personal data (static files and PDFs set
    their own caching)."""
    if response.mimetype == "text/html":
        return True
    return response.mimetype == "application/json" and request.path.startswith("/api/")


def refuse_long_urls() -> None:
    """414 for a request target over MAX_URL_BYTES (the JSON shape under /api/)."""
    raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
    length = max(len(raw), len(request.full_path.encode()))
    if length > current_app.config["MAX_URL_BYTES"]:
        abort(414)


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "same-origin"
    headers["X-Frame-Options"] = "DENY"
    if request.is_secure:
        headers["Strict-Transport-Security"] = HSTS
    if _is_personal(response) and "Cache-Control" not in headers:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.before_request(refuse_long_urls)
    app.after_request(add_security_headers)
