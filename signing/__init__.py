"""Official documents and digital signatures (ký số văn bản)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.wiring import add_nav
from signing.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_nav(app, "signing.index", _l("Ký số văn bản"), "sign", ())
