"""City-ward video conferences (hội nghị truyền hình)."""

from __future__ import annotations

import os

from flask import Flask
from flask_babel import lazy_gettext as _l

from conference import (
    models,  # noqa: F401 - registers the tables
    sockets,
)
from conference.api import api
from conference.cli import conference_server
from conference.remote import parse_address
from conference.routes import bp
from core.readiness import add_check, tcp_reachable
from core.wiring import add_nav


def _list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def configure(app: Flask) -> None:
    """Engine settings: ICE servers (none by default: aiortc would otherwise reach a
    public STUN server), after how many silent seconds a peer counts as gone, and where
    the hub runs."""
    app.config.setdefault(
        "CONFERENCE_ICE_SERVERS", _list(os.environ.get("CONFERENCE_ICE_SERVERS", ""))
    )
    app.config.setdefault(
        "CONFERENCE_PEER_TIMEOUT", float(os.environ.get("CONFERENCE_PEER_TIMEOUT", "10"))
    )
    # host:port of a hub run apart (`sohoa conference-server`); unset, a hub in-process
    app.config.setdefault("CONFERENCE_SERVER", os.environ.get("CONFERENCE_SERVER") or None)


def media_server_reachable(app: Flask) -> str:
    """The conference server, when the media hub runs as a process of its own."""
    address = app.config.get("CONFERENCE_SERVER")
    if not address:
        return "not_used"
    return tcp_reachable(*parse_address(address))


def init_app(app: Flask) -> None:
    configure(app)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    sockets.register()
    app.cli.add_command(conference_server)
    add_check(app, "media_server", media_server_reachable)
    add_nav(
        app,
        "conference.index",
        _l("Hội nghị truyền hình"),
        "video",
        ("chair", "secretary", "delegate", "clerk", "admin"),
    )
