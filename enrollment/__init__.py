"""Grade 1 / grade 6 enrollment (tuyển sinh đầu cấp)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.seed import register_seeder
from core.wiring import add_nav
from enrollment import (
    models,  # noqa: F401 - registers the tables
    seed,
    throttle,
)
from enrollment.api import api
from enrollment.cli import group
from enrollment.routes import bp


def init_app(app: Flask) -> None:
    throttle.configure(app)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.cli.add_command(group)
    register_seeder(app, seed.seed_rounds)
    add_nav(app, "enrollment.index", _l("Tuyển sinh đầu cấp"), "school", ())
