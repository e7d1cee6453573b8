"""The ``/meetings`` namespace's rooms and how anything tells a room what happened.

Both the socket handlers and the HTTP API publish through :func:`publish`, which sends
after the call's commit (``core.transaction``): nobody hears of a change rolled back.
"""

from __future__ import annotations

from typing import Any

from core.extensions import socketio
from core.transaction import emit_after_commit

NAMESPACE = "/meetings"


def room_name(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def publish(event: str, payload: dict[str, Any], meeting_id: int) -> None:
    """Tell everyone in the meeting's room, once the call has committed."""
    emit_after_commit(event, payload, room_name(meeting_id), NAMESPACE)


def send_now(event: str, payload: dict[str, Any], meeting_id: int) -> None:
    """Tell the room right away: only outside a call's transaction (background tasks,
    disconnects, which have already committed)."""
    socketio.emit(event, payload, to=room_name(meeting_id), namespace=NAMESPACE)
