"""The shared kernel and the app factory."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core import extensions, wiring
from core.config import DEFAULT_SECRET_KEY, PROJECT_ROOT, config_for, instance_path

FEATURES = ("meetings", "signing", "enrollment", "classroom", "conference")


def _database_uri(app: Flask) -> str:
    uri = app.config.get("SQLALCHEMY_DATABASE_URI")
    return uri or f"sqlite:///{os.path.join(app.instance_path, 'sohoa.sqlite')}"


MIN_SECRET_KEY_BYTES = 32


def _check_production(app: Flask) -> None:
    if app.config["ENV_NAME"] != "production":
        return
    key = app.config["SECRET_KEY"] or ""
    raw = key.encode() if isinstance(key, str) else bytes(key)
    if key == DEFAULT_SECRET_KEY or len(raw) < MIN_SECRET_KEY_BYTES:
        raise RuntimeError(
            f"SECRET_KEY must be a random value of at least {MIN_SECRET_KEY_BYTES} bytes in"
            " production (e.g. python -c 'import secrets; print(secrets.token_hex(32))')"
        )


def create_app(config_name: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    """Build the Sohoa application.

    ``config_name`` is development, test or production (SOHOA_ENV by default);
    ``overrides`` are applied last (tests use them).
    """
    app = Flask(
        "sohoa",
        instance_path=str(instance_path()),
        static_folder=str(PROJECT_ROOT / "static"),
        template_folder=str(PROJECT_ROOT / "core" / "templates"),
    )
    app.config.from_object(config_for(config_name))
    if overrides:
        app.config.update(overrides)
    _check_production(app)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = _database_uri(app)
    if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"] and not app.config[
        "SQLALCHEMY_DATABASE_URI"
    ].endswith("sqlite://"):
        # Socket handlers run in threads: a meeting of 300 devices needs more than the
        # default 5 + 10 connections, or handlers time out waiting for the pool.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_size": 10,
            "max_overflow": 40,
            "pool_timeout": 30,
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        }
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file on this machine cannot drop the connection: no ping before each checkout.
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_pre_ping": False
        }

    wiring.init_extensions(app, extensions)
    wiring.register_kernel(app)
    for feature in FEATURES:
        module = __import__(feature)
        module.init_app(app)
    _trust_proxies(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Take the client address and scheme from PROXY_HOPS trusted reverse proxies."""
    hops = app.config.get("PROXY_HOPS", 0)
    if hops:
        proxied = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
        app.wsgi_app = proxied  # type: ignore[method-assign]
