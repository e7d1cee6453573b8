"""Readiness (``GET /readyz``): can this process serve now? For a load balancer.

``/healthz`` says the process is alive and does nothing else. ``/readyz`` asks each part
the process needs: the database (one ``SELECT 1``), Redis when the Socket.IO queue or the
rate limits live there, and the features' own checks (the conference's media server when
it runs apart). Each answers ``ok`` or a short reason, within a second or two; the whole
answer is 200 when every part is ``ok``, else 503, so a balancer stops sending work to a
process that could not do it.
"""

from __future__ import annotations

import socket
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import text

from core.extensions import db

Check = Callable[[Flask], str]  # "ok" or a short reason
TIMEOUT_SECONDS = 1.5


def add_check(app: Flask, name: str, check: Check) -> None:
    """A feature adds a part the process needs (see conference for an example)."""
    app.extensions.setdefault("sohoa_readiness", {})[name] = check


def readiness(app: Flask) -> tuple[bool, dict[str, str]]:
    """Every part's answer, and whether all are ``ok``."""
    checks: dict[str, Check] = {"database": database, "redis": redis}
    checks.update(app.extensions.get("sohoa_readiness", {}))
    answers = {name: _answer(check, app) for name, check in checks.items()}
    answers = {name: answer for name, answer in answers.items() if answer != "not_used"}
    return all(answer == "ok" for answer in answers.values()), answers


def _answer(check: Check, app: Flask) -> str:
    try:
        return check(app)
    except Exception as err:  # a check that fails in an unforeseen way is a "no", not a 500
        return f"error: {type(err).__name__}"


def database(app: Flask) -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        return "unreachable"
    finally:
        db.session.rollback()


def redis_urls(app: Flask) -> list[str]:
    """The Redis servers this process uses: the Socket.IO queue, the rate limits' storage."""
    urls = [app.config.get("SOCKETIO_MESSAGE_QUEUE"), app.config.get("RATELIMIT_STORAGE_URI")]
    return sorted({u for u in urls if isinstance(u, str) and u.startswith(("redis://", "rediss://"))})


def redis(app: Flask) -> str:
    import redis as redis_client  # noqa: PLC0415 - only where Redis is configured

    urls = redis_urls(app)
    if not urls:
        return "not_used"
    for url in urls:
        connection: Any = redis_client.Redis.from_url(
            url, socket_timeout=TIMEOUT_SECONDS, socket_connect_timeout=TIMEOUT_SECONDS
        )
        try:
            connection.ping()
        except redis_client.RedisError:
            return "unreachable"
        finally:
            connection.close()
    return "ok"


def tcp_reachable(host: str, port: int) -> str:
    """For a part known only by its address: does it accept a connection?"""
    try:
        with socket.create_connection((host, port), timeout=TIMEOUT_SECONDS):
            return "ok"
    except OSError:
        return "unreachable"
