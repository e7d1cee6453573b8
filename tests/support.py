"""Helpers shared by the test suite: a live server process and real Socket.IO clients."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from contextlib import closing
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parent.parent
DEMO_PASSWORD = "sohoa-demo-2026"


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def sohoa(*args: str, env: dict[str, str], input_text: str | None = None):
    """Run the sohoa CLI in a subprocess; returns the CompletedProcess."""
    return subprocess.run(
        [sys.executable, "-m", "core", *args],
        cwd=ROOT, env=env, input=input_text, capture_output=True, text=True, timeout=120,
    )


class LiveServer:
    """`sohoa serve` in a child process, with its own instance folder and demo data."""

    def __init__(self, instance: Path, database_url: str, message_queue: str | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "SOHOA_INSTANCE_PATH": str(instance),
            "DATABASE_URL": database_url,
            "SOHOA_ARGON2_PROFILE": "fast",
            "SOHOA_ENV": "development",
            # Sockets re-check their credential every second (30 s in production), so
            # the revocation tests need not wait and every socket test runs with it.
            "SOCKET_AUTH_RECHECK_SECONDS": "1",
            # No heartbeat: live servers share the tests' database, whose tables every
            # test empties; the sweep has tests of its own (core.nodes, tests/cluster).
            "NODE_HEARTBEAT_SECONDS": "0",
        }
        if message_queue:
            self.env["SOCKETIO_MESSAGE_QUEUE"] = message_queue
        self.env.pop("FLASK_RUN_FROM_CLI", None)
        self.process: subprocess.Popen | None = None
        self.log_path = instance / f"server-{self.port}.log"

    def prepare(self) -> None:
        for command in (("init-db",), ("seed-demo",)):
            result = sohoa(*command, env=self.env)
            assert result.returncode == 0, result.stderr + result.stdout

    def start(self) -> LiveServer:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "w")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "core", "serve", "--port", str(self.port)],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.2)
        raise RuntimeError(f"server did not start: {self.log_path.read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()

    def token(self, username: str, password: str = DEMO_PASSWORD) -> str:
        response = requests.post(
            self.url + "/api/v1/auth/token",
            json={"username": username, "password": password}, timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()["token"]

    def api(self, method: str, path: str, token: str, **kwargs) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)

    def socket(self, namespace: str, token: str) -> socketio.Client:
        """A real python-socketio client over websocket, connected with a bearer token."""
        client = socketio.Client(reconnection=False)
        client.connect(
            self.url, namespaces=[namespace], auth={"token": token},
            transports=["websocket"], wait_timeout=10,
        )
        return client


def disconnect_all(clients) -> None:
    """Close many clients in parallel (each websocket close takes seconds)."""

    threads = [threading.Thread(target=c.disconnect) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
