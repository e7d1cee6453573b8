"""The next signer hears, in the app, that it is their turn; the room hears each signature.
Real Socket.IO clients against `sohoa serve`."""

from __future__ import annotations

import queue
import uuid

import pytest
import socketio

from tests.meetings.factories import meeting_body
from tests.support import sohoa

pytestmark = pytest.mark.sockets
WAIT = 15


def _listener(
    server, token: str, namespace: str, event: str
) -> tuple[socketio.Client, queue.Queue]:
    heard: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on(event, heard.put, namespace=namespace)
    client.connect(
        server.url,
        namespaces=[namespace],
        auth={"token": token},
        transports=["websocket"],
        wait_timeout=WAIT,
    )
    return client, heard


def test_the_chair_is_told_when_the_secretary_has_signed(live_server, tokens):
    for command in (("ca", "init"), ("ca", "issue", "thuky"), ("ca", "issue", "chutich")):
        result = sohoa(*command, env=live_server.env)
        assert result.returncode == 0, result.stderr
    chair = tokens("chutich")
    body = meeting_body(title=f"Họp lượt ký {uuid.uuid4().hex[:6]}")
    meeting_id = live_server.api("POST", "/api/v1/meetings", chair, json=body).json()["id"]
    assert live_server.api("POST", f"/api/v1/meetings/{meeting_id}/start", chair).ok
    notices, turn = _listener(live_server, chair, "/notifications", "minutes_turn")
    room, signed = _listener(live_server, tokens("daibieu"), "/meetings", "minutes_signed")
    try:
        ack = room.call("join", {"meeting_id": meeting_id}, namespace="/meetings", timeout=WAIT)
        assert ack["ok"] is True, ack
        assert live_server.api("POST", f"/api/v1/meetings/{meeting_id}/end", chair).ok
        response = live_server.api(
            "POST", f"/api/v1/meetings/{meeting_id}/minutes/signatures", tokens("thuky")
        )
        assert response.status_code == 201, response.text
        told = turn.get(timeout=WAIT)
        assert told["meeting_id"] == meeting_id and told["role"] == "chair"
        assert "Đến lượt bạn ký" in told["message"]
        state = signed.get(timeout=WAIT)
        assert state["next"] == "chair" and [s["role"] for s in state["signatures"]] == [
            "secretary"
        ]
    finally:
        notices.disconnect()
        room.disconnect()
