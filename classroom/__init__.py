"""Smart classrooms (lớp học thông minh)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from classroom.routes import bp
from core.wiring import add_nav


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav(
        app, "classroom.index", _l("Lớp học thông minh"), "class",
        ("teacher", "student", "school_admin", "admin"),
    )
