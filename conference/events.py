"""The ``/conference`` namespace's rooms; events are sent after the call's commit."""

from __future__ import annotations

from typing import Any

from core.extensions import socketio
from core.transaction import emit_after_commit

NAMESPACE = "/conference"


def room_name(conference_id: int) -> str:
    return f"conference:{conference_id}"


def site_room(conference_id: int, site: str) -> str:
    return f"conference:{conference_id}:{site}"


def publish(event: str, payload: dict[str, Any], conference_id: int) -> None:
    emit_after_commit(event, payload, room_name(conference_id), NAMESPACE)


def send_now(event: str, payload: dict[str, Any], to: str) -> None:
    socketio.emit(event, payload, to=to, namespace=NAMESPACE)
