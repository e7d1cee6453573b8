"""Devices in the live room for the socket tests: real python-socketio clients against
`sohoa serve` that record every room event in order."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

import socketio

NS = "/meetings"
WAIT = 10  # seconds for an event or an ack that must arrive
ROOM_EVENTS = (
    "page_changed",
    "presence_changed",
    "presenter_changed",
    "speakers_changed",
    "vote_opened",
    "vote_tally",
    "vote_closed",
    "agenda_item_changed",
    "meeting_status_changed",
)


class Member:
    """One device: a real python-socketio client that records every room event in order."""

    def __init__(self, server, username: str, token: str, notifications: bool = False):
        self.username = username
        self.events: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for event in ROOM_EVENTS:
            self.client.on(event, functools.partial(self._receive, event), namespace=NS)
        namespaces = [NS]
        if notifications:
            namespaces.append("/notifications")
            self.client.on(
                "notice_posted",
                functools.partial(self._receive, "notice_posted"),
                namespace="/notifications",
            )
        self.client.connect(
            server.url,
            namespaces=namespaces,
            auth={"token": token},
            transports=["websocket"],
            wait_timeout=WAIT,
        )

    def _receive(self, event: str, data: Any) -> None:
        with self._changed:
            self.events.append((event, data))
            self._changed.notify_all()

    def call(self, event: str, **data: Any) -> dict[str, Any]:
        """Send a request and return its ack."""
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

    def mark(self) -> int:
        with self._changed:
            return len(self.events)

    def received(self, event: str, since: int = 0) -> list[Any]:
        with self._changed:
            return [data for name, data in self.events[since:] if name == event]

    def wait(
        self,
        event: str,
        match: Callable[[Any], bool] = lambda data: True,
        since: int = 0,
        timeout: float = WAIT,
    ) -> Any:
        """The first `event` since `since` that `match`es, waiting for it if need be."""

        def found():
            return next(
                (d for n, d in self.events[since:] if n == event and match(d)), None
            )

        with self._changed:
            arrived = self._changed.wait_for(lambda: found() is not None, timeout)
            assert arrived, f"{self.username}: no {event} within {timeout}s; got {self.events}"
            return found()


def joined(people, meeting, *usernames: str) -> list[Member]:
    members = []
    for name in usernames:
        member = people(name)
        ack = member.ok("join", meeting_id=meeting["id"])
        assert ack["meeting_id"] == meeting["id"] and ack["status"] == "in_progress"
        members.append(member)
    return members


def at_once(calls: list[Callable[[], dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run the calls in threads released together; their acks."""
    start = threading.Barrier(len(calls))
    acks: list[dict[str, Any]] = []

    def run(call: Callable[[], dict[str, Any]]) -> None:
        start.wait(WAIT)
        acks.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return acks
