"""The baseline for bench.follow_presenter: a bare python-socketio server that only relays.

Same stack as Sohoa's `sohoa serve`: a python-socketio Server in threading mode (what
Flask-SocketIO builds), wrapped as WSGI and served by Werkzeug's threaded server (or, with
``--production``, by gunicorn's thread worker with the same options as Sohoa's production
server), with simple-websocket for the websocket transport, the same ping and buffer
settings, and the Redis manager when several processes share a queue. No Flask, no
database, no auth:

- `join {meeting_id}` puts the connection in `meeting:<id>` and acks `{"ok": true}`;
- `relay {document_id, page}` emits `page_changed {document_id, page, by}` to that room
  and acks, like Sohoa's `change_page`.

    python -m bench.baseline_relay --port 5055 [--redis redis://127.0.0.1:6379/0] [--production]
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from typing import Any

import socketio
from werkzeug.serving import run_simple

from bench.common import wait_http
from tests.support import ROOT, free_port

NAMESPACE = "/meetings"


def build_app(redis_url: str | None = None) -> socketio.WSGIApp:
    manager = socketio.RedisManager(redis_url) if redis_url else None
    sio = socketio.Server(
        async_mode="threading",
        client_manager=manager,
        max_http_buffer_size=1_000_000,
        ping_interval=10,
        ping_timeout=20,
        cors_allowed_origins=[],
    )
    rooms: dict[str, str] = {}

    @sio.on("connect", namespace=NAMESPACE)
    def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
        return True

    @sio.on("join", namespace=NAMESPACE)
    def join(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        room = f"meeting:{int(data['meeting_id'])}"
        sio.enter_room(sid, room, namespace=NAMESPACE)
        rooms[sid] = room
        return {"ok": True}

    @sio.on("relay", namespace=NAMESPACE)
    def relay(sid: str, data: dict[str, Any]) -> dict[str, Any]:
        payload = {"document_id": data.get("document_id"), "page": data.get("page"), "by": sid}
        if "points" in data:  # a whiteboard batch (bench.classroom): relayed as it came
            payload["points"] = data["points"]
        sio.emit("page_changed", payload, to=rooms[sid], namespace=NAMESPACE)
        return {"ok": True, **payload}

    @sio.on("disconnect", namespace=NAMESPACE)
    def disconnect(sid: str, reason: Any = None) -> None:
        rooms.pop(sid, None)

    return socketio.WSGIApp(sio, _health)


def _health(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    status = "200 OK" if environ.get("PATH_INFO") == "/healthz" else "404 Not Found"
    start_response(status, [("Content-Type", "text/plain")])
    return [b"ok"]


class BaselineServer:
    """The relay in a child process (like LiveServer for Sohoa)."""

    def __init__(self, redis_url: str | None = None, server: str = "development"):
        self.production = server == "production"  # bench.server_kinds
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.redis_url = redis_url
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> BaselineServer:

        args = [sys.executable, "-m", "bench.baseline_relay", "--port", str(self.port)]
        if self.redis_url:
            args += ["--redis", self.redis_url]
        if self.production:
            args.append("--production")
        self.process = subprocess.Popen(
            args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_http(self.url + "/healthz")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--redis", default=None, help="message queue URL (several processes)")
    parser.add_argument("--production", action="store_true", help="serve with gunicorn")
    args = parser.parse_args()
    if args.production:
        from core.server import GunicornServer, server_options  # noqa: PLC0415

        threads = int(os.environ.get("SERVER_THREADS", "500"))
        options = server_options("127.0.0.1", args.port, threads)
        GunicornServer(lambda: build_app(args.redis), options).run()  # type: ignore[arg-type,return-value]
        return
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    run_simple("127.0.0.1", args.port, build_app(args.redis), threaded=True)


if __name__ == "__main__":
    main()
