"""Grade 1 / grade 6 enrollment (tuyển sinh đầu cấp)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.wiring import add_nav
from enrollment.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav(app, "enrollment.index", _l("Tuyển sinh đầu cấp"), "school", ())
