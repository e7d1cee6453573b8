"""The room's coalesced messages: presence and the live vote tally go out on a short
timer, never once per join or per ballot (one emit to a 300-device room costs the server
~80 ms of CPU; see core.coalesce).

- ``presence_changed``: who entered, left or was marked in the last ``PRESENCE_INTERVAL``,
  in one message per meeting (``meetings.presence.presence_batch``);
- ``vote_tally``: the counts of an open vote every ``TALLY_INTERVAL`` while ballots arrive.
``vote_closed`` is not coalesced: it leaves with the close, exact."""

from __future__ import annotations

import threading
from datetime import datetime

from flask import Flask, current_app

from core.coalesce import Coalescer, Message
from core.extensions import db
from core.nodes import gone_devices
from core.transaction import after_commit
from meetings import presence, votes
from meetings.events import NAMESPACE, room_name
from meetings.models import MeetingConnection, Vote, VoteStatus

PRESENCE_INTERVAL = 0.5  # seconds: one emit to a 300-device room costs ~80 ms of CPU
TALLY_INTERVAL = 0.5


class PresenceChanges:
    """People whose presence changed, per meeting, until the next batch leaves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, set[int]] = {}

    def add(self, meeting_id: int, user_id: int) -> None:
        with self._lock:
            self._pending.setdefault(meeting_id, set()).add(user_id)

    def take(self, meeting_id: int) -> set[int]:
        with self._lock:
            return self._pending.pop(meeting_id, set())


_changes = PresenceChanges()


def _presence_message(meeting_id: int) -> Message | None:
    user_ids = _changes.take(meeting_id)
    if not user_ids:
        return None
    return "presence_changed", presence.presence_batch(meeting_id, user_ids), room_name(meeting_id)


def _tally_message(vote_id: int) -> Message | None:
    vote = db.session.get(Vote, vote_id)
    if vote is None or vote.status != VoteStatus.OPEN:
        return None  # closed meanwhile: vote_closed has the result
    return "vote_tally", votes.tally(vote.meeting_id, vote), room_name(vote.meeting_id)


presence_batches = Coalescer(PRESENCE_INTERVAL, _presence_message, NAMESPACE)
tallies = Coalescer(TALLY_INTERVAL, _tally_message, NAMESPACE)


def _app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined]


def presence_touched(meeting_id: int, user_id: int, now: bool = False) -> None:
    """Someone's presence changed: tell the room in the next batch (after the commit,
    or ``now`` when the caller has already committed)."""
    app = _app()

    def touch() -> None:
        _changes.add(meeting_id, user_id)
        presence_batches.touch(app, meeting_id)

    if now:
        touch()
    else:
        after_commit(touch)


def forget_gone_devices(gone: list[str], cutoff: datetime) -> None:
    """The devices of a server process that is gone have left their rooms (core.nodes):
    the rooms hear it in the next presence batch, after the sweep's commit."""
    for sid in gone_devices(MeetingConnection, gone, cutoff):
        left = presence.leave(sid)
        if left is not None:
            presence_touched(*left)


def ballot_cast(vote_id: int) -> None:
    """A ballot was counted: the room's tally goes out with the next tick."""
    app = _app()
    after_commit(lambda: tallies.touch(app, vote_id))
