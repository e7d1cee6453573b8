"""Binds the extensions and the kernel's blueprints, filters and handlers to an app."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from flask import Flask, g
from flask_babel import get_locale, refresh
from sqlalchemy import event
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from core import api, auth, cli, errors, guards, headers, i18n, realtime, views
from core.config import PROJECT_ROOT
from core.extensions import login_manager
from core.schemas import MAX_ROW_ID


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # safe with WAL; no fsync per commit
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def init_extensions(app: Flask, ext: ModuleType) -> None:
    ext.db.init_app(app)
    with app.app_context():
        if ext.db.engine.dialect.name == "sqlite":
            event.listen(ext.db.engine, "connect", _sqlite_pragmas)
    ext.migrate.init_app(
        app, ext.db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True
    )
    ext.babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(Path(PROJECT_ROOT) / "core" / "translations"),
    )
    ext.csrf.init_app(app)
    ext.login_manager.init_app(app)
    ext.login_manager.login_view = "auth.login"
    ext.limiter.init_app(app)
    ext.socketio.init_app(
        app,
        message_queue=app.config.get("SOCKETIO_MESSAGE_QUEUE"),
        channel=app.config.get("SOCKETIO_CHANNEL", "flask-socketio"),
        async_mode="threading",
        max_http_buffer_size=1_000_000,
        ping_interval=10,
        ping_timeout=20,
    )
    i18n.init_app(app)


class RowIdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id beyond the database's integer columns is a 404
    (whatever the method), instead of reaching the database and failing there."""

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ROW_ID:
            raise NotFound()
        return number


def register_kernel(app: Flask) -> None:
    app.url_map.converters["int"] = RowIdConverter
    guards.register(app)
    errors.register_error_handlers(app)
    headers.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(api.bp)
    realtime.register(app)
    cli.register(app)
    login_manager.user_loader(auth.load_user)
    login_manager.unauthorized_handler(auth.unauthorized)

    @app.context_processor
    def _layout_context():
        return {"current_locale": str(get_locale()), "nav_items": app.extensions["sohoa_nav"]}

    @app.teardown_request
    def _forget_request_user(_exc):
        # The user and locale are cached on `g`; when an app context outlives one
        # request (tests, CLI) the next request must not inherit them.
        g.pop("_login_user", None)
        g.pop("sohoa_token_auth", None)
        refresh()

    app.extensions.setdefault("sohoa_nav", [])


def add_nav(app: Flask, endpoint: str, label, icon: str, roles: tuple[str, ...] = ()) -> None:
    """A feature adds its entry to the main navigation."""
    app.extensions.setdefault("sohoa_nav", []).append(
        {"endpoint": endpoint, "label": label, "icon": icon, "roles": roles}
    )
