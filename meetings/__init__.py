"""Paperless meetings (họp không giấy)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from meetings.routes import bp


def init_app(app: Flask) -> None:
    from core.wiring import add_nav

    app.register_blueprint(bp)
    add_nav(
        app, "meetings.index", _l("Họp không giấy"), "meeting",
        ("chair", "secretary", "delegate", "clerk", "admin"),
    )
