"""The ``/classroom`` namespace's rooms, publishing after the commit, and the coalescer
that turns bursts (answers, joins, hands) into one message per short interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask

from core.extensions import db, socketio
from core.transaction import after_commit, emit_after_commit

NAMESPACE = "/classroom"


def room_name(lesson_id: int) -> str:
    return f"lesson:{lesson_id}"


def teachers_room(lesson_id: int) -> str:
    return f"lesson:{lesson_id}:teachers"


def publish(
    event: str, payload: dict[str, Any], lesson_id: int, skip_sid: str | None = None
) -> None:
    """Tell everyone in the lesson (but ``skip_sid``) once the call has committed."""
    if skip_sid is None:
        emit_after_commit(event, payload, room_name(lesson_id), NAMESPACE)
        return
    after_commit(
        lambda: socketio.emit(
            event, payload, to=room_name(lesson_id), namespace=NAMESPACE, skip_sid=skip_sid
        )
    )


def publish_teachers(event: str, payload: dict[str, Any], lesson_id: int) -> None:
    emit_after_commit(event, payload, teachers_room(lesson_id), NAMESPACE)


Message = tuple[str, dict[str, Any], str]  # event, payload, room


class Coalescer:
    """At most one message per ``interval`` per key: a burst of 400 answers, 40 joins or
    hands becomes a few broadcasts. The first touch schedules a send ``interval`` later;
    touches while it is pending are folded in; one touched during a send sends again."""

    def __init__(self, interval: float, build: Callable[[int], Message | None]) -> None:
        self.interval = interval
        self.build = build
        self._lock = threading.Lock()
        self._state: dict[int, str] = {}  # key → "pending" | "stale"

    def touch(self, app: Flask, key: int) -> None:
        with self._lock:
            if key in self._state:
                self._state[key] = "stale"
                return
            self._state[key] = "pending"
        socketio.start_background_task(self._run, app, key)

    def _run(self, app: Flask, key: int) -> None:
        while True:
            time.sleep(self.interval)
            with self._lock:
                self._state[key] = "pending"
            try:
                with app.app_context():
                    message = self.build(key)
                    db.session.remove()
                if message is not None:
                    event, payload, room = message
                    socketio.emit(event, payload, to=room, namespace=NAMESPACE)
            finally:
                with self._lock:
                    again = self._state.get(key) == "stale"
                    if not again:
                        self._state.pop(key, None)
            if not again:
                return
