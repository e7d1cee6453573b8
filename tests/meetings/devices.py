"""Devices in the live room for the socket tests: real python-socketio clients against
`sohoa serve` that record every room event in order."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from tests.recording_client import WAIT, RecordingClient

NS = "/meetings"
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


class Member(RecordingClient):
    """One device in the live room: records every room event in order (and the
    /notifications notices when asked)."""

    namespace = NS

    def __init__(self, server, username: str, token: str, notifications: bool = False):
        extra = {"/notifications": ("notice_posted",)} if notifications else None
        super().__init__(server.url, username, ROOM_EVENTS, {"token": token}, extra=extra)


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
