"""Paperless meetings (họp không giấy)."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l

from core.models import User
from core.nodes import add_sweeper
from core.seed import register_seeder
from core.views import add_home_panel
from core.wiring import add_nav
from meetings import (
    broadcasts,
    invitations,
    models,  # noqa: F401 - registers the tables
    seed,
    sockets,
)
from meetings.access import meetings_for
from meetings.api import api
from meetings.record import open_tasks_for
from meetings.routes import bp


def _home_panel(user: User) -> dict[str, Any] | None:
    upcoming = meetings_for(user, include_ended=False)
    tasks = open_tasks_for(user)
    if not upcoming and not tasks:
        return None
    shown = upcoming[:6]
    return {"meetings": shown, "tasks": tasks[:6], "invitations": invitations.mine(user, shown)}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(api)
    sockets.register()
    add_sweeper(broadcasts.forget_gone_devices)
    register_seeder(app, seed.seed_meetings)
    add_home_panel(app, "meetings/_home_panel.html", _home_panel)
    add_nav(
        app,
        "meetings.index",
        _l("Họp không giấy"),
        "meeting",
        ("chair", "secretary", "delegate", "clerk", "admin"),
    )
