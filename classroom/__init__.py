"""Smart classrooms (lớp học thông minh)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app
from flask_babel import lazy_gettext as _l

from classroom import (
    join_api,  # noqa: F401 - the join-code calls on the API blueprint
    models,  # noqa: F401 - registers the tables
    sockets,
    work_models,  # noqa: F401 - registers the assignment tables
    work_routes,  # noqa: F401 - the assignment and gradebook pages
)
from classroom.admission import PASS_KIND, check_credential
from classroom.api import api
from classroom.routes import bp
from classroom.seed import seed_demo_class
from classroom.services import place_confirmed_seat
from classroom.video_api import api as video_api
from classroom.work_api import api as work_api
from core.seed import register_seeder
from core.signals import seat_confirmed
from core.socket_auth import register_limited_kind
from core.wiring import add_nav


def _place_confirmed_seat(sender: Any, **seat: Any) -> None:
    """Enrollment confirmed a seat: the child joins a class of the school (if one exists).
    Runs inside the caller's transaction (it only flushes)."""
    if current_app and seat.get("school"):
        place_confirmed_seat(
            seat["school"],
            int(seat["grade"]),
            seat["school_year"],
            seat["full_name"],
            seat["personal_id"],
        )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.register_blueprint(work_api)
    app.register_blueprint(video_api)
    sockets.register()
    register_limited_kind(PASS_KIND, check_credential)
    register_seeder(app, seed_demo_class)
    seat_confirmed.connect(_place_confirmed_seat, weak=False)
    add_nav(
        app,
        "classroom.index",
        _l("Lớp học thông minh"),
        "class",
        ("teacher", "student", "school_admin", "admin"),
    )
