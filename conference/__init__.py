"""City-ward video conferences (hội nghị truyền hình)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from conference.routes import bp
from core.wiring import add_nav


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav(
        app, "conference.index", _l("Hội nghị truyền hình"), "video",
        ("chair", "secretary", "delegate", "clerk", "admin"),
    )
