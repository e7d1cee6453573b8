"""The production server behind `sohoa serve`: gunicorn, one process, many threads.

Flask-SocketIO in threading mode serves websockets through simple-websocket; under
gunicorn that needs the ``gthread`` worker, and each open websocket holds one of its
threads for as long as it stays open. One worker process: Socket.IO keeps each client's
state in the process that accepted it, so several processes need sticky sessions and
``SOCKETIO_MESSAGE_QUEUE`` (run more `sohoa serve` behind a sticky proxy).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.http.errors import LimitRequestLine
from gunicorn.workers.gthread import ThreadWorker

import core
from core.errors import error_body, http_message
from core.memory import settle_heap

# gunicorn refuses request lines over this many bytes (its own maximum) with a 414.
MAX_REQUEST_LINE = 8190


def _uri_too_long_body(app: Flask) -> bytes:
    with app.test_request_context("/api/"):
        code, message = http_message(414)
        return json.dumps(error_body(code, message), ensure_ascii=False).encode()


class SohoaWorker(ThreadWorker):
    """gunicorn's thread worker; its 414 for an over-long URL is in Sohoa's JSON shape,
    and the loaded application's objects are kept out of the garbage collector's sight."""

    def load_wsgi(self) -> None:
        super().load_wsgi()
        settle_heap()

    def handle_error(self, req, client, addr, exc) -> None:
        if not isinstance(exc, LimitRequestLine):
            return super().handle_error(req, client, addr, exc)
        self.log.warning("Request line too long from %s: %s", (addr or ("",))[0], exc)
        body = _uri_too_long_body(self.wsgi)
        head = (
            "HTTP/1.1 414 URI Too Long\r\nConnection: close\r\n"
            "Content-Type: application/json\r\nX-Content-Type-Options: nosniff\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        )
        try:
            client.sendall(head.encode("latin-1") + body)
        except OSError:
            self.log.debug("Failed to send the 414 answer.")


class GunicornServer(BaseApplication):
    """gunicorn with its settings given here instead of a config file."""

    def __init__(self, load_app: Callable[[], Flask], options: dict[str, Any]):
        self._load_app = load_app
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            if key in self.cfg.settings:  # control_socket_disable is new in recent gunicorn
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self._load_app()


def server_options(host: str, port: int, threads: int) -> dict[str, Any]:
    return {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": 1,
        "worker_class": "core.server.SohoaWorker",
        "threads": threads,
        "worker_connections": max(1000, 2 * threads),
        "limit_request_line": MAX_REQUEST_LINE,
        "graceful_timeout": 10,
        "control_socket_disable": True,
    }


def serve_production(host: str, port: int, threads: int) -> None:
    """Run gunicorn in this process until it is stopped (SIGTERM/SIGINT)."""
    GunicornServer(core.create_app, server_options(host, port, threads)).run()
