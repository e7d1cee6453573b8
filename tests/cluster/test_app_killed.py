"""An app process is killed (`kill -9`) during a meeting with devices on it: they reconnect
through nginx to the other process within 5 s and find the presenter's page, the speaker
queue and the open vote with every ballot cast before the kill; the room then goes on
across both processes (the Redis queue), and the living process forgets the dead one's
connections (core.nodes)."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from typing import Any

import pytest
import requests
import socketio
from sqlalchemy import create_engine, text

from tests.meetings.factories import meeting_body, pdf

pytestmark = [pytest.mark.db, pytest.mark.sockets]

NS = "/meetings"
BACK_WITHIN = 5.0


class Tablet:
    """A device as the room page is: reconnects by itself and joins again on every
    connection; keeps every join answer and page it hears."""

    def __init__(self, url: str, username: str, token: str, meeting_id: int):
        self.username, self.meeting_id = username, meeting_id
        self.joins: list[tuple[float, dict[str, Any]]] = []
        self.pages: list[int] = []
        self.lost_at: float | None = None
        self._changed = threading.Condition()
        self.client = socketio.Client(
            reconnection=True, reconnection_delay=0.5, reconnection_delay_max=2
        )
        self.client.on("connect", self._connected, namespace=NS)
        self.client.on("disconnect", self._lost, namespace=NS)
        self.client.on("page_changed", self._page, namespace=NS)
        self.client.connect(
            url, namespaces=[NS], auth={"token": token}, transports=["websocket"], wait_timeout=20
        )
        self.wait(lambda: len(self.joins) >= 1)

    def _connected(self) -> None:
        self.client.start_background_task(self._join)

    def _join(self) -> None:
        ack = self.client.call("join", {"meeting_id": self.meeting_id}, namespace=NS, timeout=20)
        with self._changed:
            self.joins.append((time.monotonic(), ack))
            self._changed.notify_all()

    def _lost(self, *_: Any) -> None:
        self.lost_at = time.monotonic()

    def _page(self, data: dict[str, Any]) -> None:
        with self._changed:
            self.pages.append(data["page"])
            self._changed.notify_all()

    def wait(self, done: Any, timeout: float = 20) -> None:
        with self._changed:
            assert self._changed.wait_for(done, timeout), (self.username, self.joins, self.pages)

    def ok(self, event: str, **data: Any) -> dict[str, Any]:
        ack = self.client.call(event, {"meeting_id": self.meeting_id, **data}, namespace=NS)
        assert ack["ok"] is True, (self.username, event, ack)
        return ack


def _api(cluster: Any, method: str, path: str, token: str, **kwargs: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    response = requests.request(
        method, f"{cluster.url}/api/v1{path}", headers=headers, timeout=60, **kwargs
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def _meeting(cluster: Any, chair: str) -> tuple[int, int]:
    body = meeting_body(
        title=f"Họp khi một máy chủ ngừng {uuid.uuid4().hex[:6]}",
        participants=["daibieu", "daibieu.phunhuan", "chutich.phunhuan"],
    )
    meeting_id = _api(cluster, "POST", "/meetings", chair, json=body)["id"]
    document = _api(
        cluster,
        "POST",
        f"/meetings/{meeting_id}/documents",
        chair,
        files={"file": ("bao-cao.pdf", pdf(6), "application/pdf")},
    )
    _api(cluster, "POST", f"/meetings/{meeting_id}/start", chair)
    return meeting_id, document["id"]


def _connections(cluster: Any, meeting_id: int) -> int:
    engine = create_engine(cluster.database_url)
    try:
        with engine.connect() as conn:
            query = text("SELECT count(*) FROM meeting_connection WHERE meeting_id = :m")
            return int(conn.execute(query, {"m": meeting_id}).scalar_one())
    finally:
        engine.dispose()


def test_devices_of_a_killed_process_come_back_to_the_room_as_it_was(cluster, tokens):
    meeting_id, document_id = _meeting(cluster, tokens("chutich"))
    people = ["chutich", "thuky", "daibieu", "daibieu.phunhuan", "chutich.phunhuan", "daibieu"]
    tablets = [Tablet(cluster.url, name, tokens(name), meeting_id) for name in people]
    chair, secretary, delegate = tablets[0], tablets[1], tablets[2]
    try:
        chair.ok("set_presenter", user="chutich")
        chair.ok("change_page", document_id=document_id, page=4)
        delegate.ok("request_floor")
        vote_id = chair.ok(
            "open_vote", question="Thông qua?", secret=False, despite_no_quorum=True
        )["vote_id"]
        secretary.ok("cast_vote", vote_id=vote_id, choice="yes")
        delegate.ok("cast_vote", vote_id=vote_id, choice="no")

        killed_at = time.monotonic()
        os.killpg(int((cluster.run / f"app-{cluster.ports[0]}.pid").read_text()), signal.SIGKILL)
        time.sleep(1.0)  # the devices on the killed process notice it
        cut = [t for t in tablets if t.lost_at is not None and t.lost_at >= killed_at]
        assert cut, "no device was on the killed process: nginx sent all to one"
        assert len(cut) < len(tablets), "every device was on the killed process"
        for tablet in cut:
            tablet.wait(lambda t=tablet: len(t.joins) >= 2, timeout=BACK_WITHIN)
            at, state = tablet.joins[-1]
            assert at - killed_at < BACK_WITHIN
            assert state["ok"] is True, state
            assert (state["document_id"], state["page"]) == (document_id, 4)
            assert [s["user"] for s in state["speakers"]["queue"]] == ["daibieu"]
            assert state["vote"]["vote_id"] == vote_id and state["vote"]["cast"] == 2

        chair.ok("change_page", document_id=document_id, page=5)  # on whichever process
        for tablet in tablets:
            tablet.wait(lambda t=tablet: 5 in t.pages)

        # the killed process's connections are forgotten by the living one (core.nodes)
        deadline = time.monotonic() + 20
        while _connections(cluster, meeting_id) > len(tablets) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert _connections(cluster, meeting_id) == len(tablets)
    finally:
        for tablet in tablets:
            tablet.client.disconnect()
