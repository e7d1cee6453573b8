"""Live-lesson devices for the socket tests and the benchmark: real python-socketio
clients against `sohoa serve`, recording every lesson event in order; and students
created on the live server's database in one subprocess.

    python -m tests.classroom.devices make-students PREFIX COUNT   # prints {username: token}
"""

from __future__ import annotations

import functools
import json
import subprocess
import sys
import threading
import time
from typing import Any

import socketio

from core import create_app
from core.extensions import db
from core.security import create_or_update_user, issue_token
from tests.support import ROOT

NS = "/classroom"
WAIT = 10
SCHOOL = "th-vinh-ninh"
EVENTS = (
    "page_changed",
    "stroke_drawn",
    "stroke_undone",
    "board_cleared",
    "pen_changed",
    "poll_opened",
    "poll_results",
    "poll_closed",
    "poll_revealed",
    "hands_changed",
    "attendance_changed",
    "lesson_status_changed",
    "join_requests_changed",
    "groups_changed",
)


def make_students(server: Any, prefix: str, count: int) -> dict[str, str]:
    """Students of the demo school with an API token each: {username: token}."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.classroom.devices", "make-students", prefix, str(count)],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(result.stderr + result.stdout)
    return json.loads(result.stdout.strip().splitlines()[-1])


def _make_students(prefix: str, count: int) -> None:
    app = create_app()
    tokens: dict[str, str] = {}
    with app.app_context():
        for i in range(1, count + 1):
            name = f"{prefix}{i:03d}"
            user = create_or_update_user(
                name, "hoc-sinh-2026", "student", SCHOOL, f"Học sinh {prefix} {i:03d}"
            )
            tokens[name], _ = issue_token(user, 24)
        db.session.commit()
    print(json.dumps(tokens))


class Device:
    """One device in a lesson: records every lesson event in order."""

    def __init__(
        self,
        url: str,
        username: str,
        token: str | None,
        headers: dict[str, str] | None = None,
        lang: str | None = None,
    ):
        self.username = username
        self.events: list[tuple[str, Any, float]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for event in EVENTS:
            self.client.on(event, functools.partial(self._receive, event), namespace=NS)
        self.client.connect(
            url,
            namespaces=[NS],
            auth={"token": token, **({"lang": lang} if lang else {})} if token else None,
            headers=headers,
            transports=["websocket"],
            wait_timeout=WAIT,
        )

    def _receive(self, event: str, data: Any) -> None:
        with self._changed:
            self.events.append((event, data, time.perf_counter()))
            self._changed.notify_all()

    def call(self, event: str, **data: Any) -> dict[str, Any]:
        return self.client.call(event, data, namespace=NS, timeout=WAIT)

    def ok(self, event: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"] is True, (self.username, event, ack)
        return ack

    def refused(self, event: str, code: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"] is False, (self.username, event, ack)
        assert ack["error"]["code"] == code, (self.username, event, ack)
        assert ack["error"]["message"].strip()
        return ack

    def received(self, event: str) -> list[Any]:
        with self._changed:
            return [data for name, data, _ in self.events if name == event]

    def wait_for(self, event: str, test=lambda data: True, timeout: float = WAIT) -> Any:
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                for name, data, _ in self.events:
                    if name == event and test(data):
                        return data
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"{self.username}: no {event} within {timeout}s")
                self._changed.wait(left)


if __name__ == "__main__":
    if sys.argv[1:2] == ["make-students"]:
        _make_students(sys.argv[2], int(sys.argv[3]))
