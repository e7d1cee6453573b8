"""The ``/classroom`` namespace's rooms, publishing after the commit, and the coalescer
that turns bursts (answers, joins, hands) into one message per short interval."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core import coalesce
from core.extensions import socketio
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


class Coalescer(coalesce.Coalescer):
    """The lesson's coalescer (core.coalesce): its messages go to ``/classroom``."""

    def __init__(self, interval: float, build: Callable[[int], coalesce.Message | None]) -> None:
        super().__init__(interval, build, NAMESPACE)
