"""Namespace ``/meetings``: the live room. Every event re-checks the caller's rights."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import gettext as _
from flask_socketio import join_room, leave_room
from sqlalchemy.orm import lazyload

from core.errors import DomainError
from core.extensions import db, socketio
from core.models import User
from core.realtime import AuthenticatedNamespace, after_commit, emit_after_commit, socket_event
from meetings import room
from meetings.models import Meeting, Vote
from meetings.services import get_meeting, require_participant

NAMESPACE = "/meetings"
# Events need the meeting's own columns, not the organisation, chair and secretary rows
# (with those users' memberships) that it eager-loads for pages; these load on first use.
LIGHT_MEETING = (
    lazyload(Meeting.organization),
    lazyload(Meeting.chair),
    lazyload(Meeting.secretary),
)


def _emit(event: str, payload: dict[str, Any], meeting_id: int) -> None:
    emit_after_commit(event, payload, room.room_name(meeting_id), NAMESPACE)


def _meeting_of(user: User, data: dict[str, Any]):
    """The meeting this connection joined (or the one named), re-checked on every event."""
    meeting_id = data.get("meeting_id") or session.get("meeting_id")
    if meeting_id is None:
        raise DomainError("not_joined", _("Hãy vào phòng họp trước (join)."), 409)
    joined = session.get("meeting_id")  # an int we set on join
    meeting = None
    if joined is not None and meeting_id == joined:
        meeting = db.session.get(Meeting, joined, options=LIGHT_MEETING)
    if meeting is None:
        meeting = get_meeting(meeting_id)  # checks the id; not found → 404
    require_participant(meeting, user)
    return meeting


def broadcast(event: str, payload: dict[str, Any], meeting_id: int) -> None:
    """From an HTTP route (after its commit): tell everyone in the room."""
    socketio.emit(event, payload, to=room.room_name(meeting_id), namespace=NAMESPACE)


class TallyBroadcaster:
    """Sends ``vote_tally`` to the room, one broadcast at a time per vote.

    A ballot that lands while a tally is on its way only marks it stale; one more
    broadcast with fresh counts follows. Ballots cast one by one still each get a tally,
    but 300 ballots at once no longer make 300 × 300 messages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._state: dict[int, str] = {}  # vote id → "sending" | "stale"

    def ballot_cast(self, app: Flask, meeting_id: int, vote_id: int) -> None:
        with self._lock:
            if vote_id in self._state:
                self._state[vote_id] = "stale"
                return
            self._state[vote_id] = "sending"
        socketio.start_background_task(self._send, app, meeting_id, vote_id)

    def _send(self, app: Flask, meeting_id: int, vote_id: int) -> None:
        while True:
            try:
                with app.app_context():
                    meeting, vote = (
                        db.session.get(Meeting, meeting_id),
                        db.session.get(Vote, vote_id),
                    )
                    payload = room.tally(meeting, vote) if vote and vote.status == "open" else None
                    db.session.remove()
                if payload is not None:
                    broadcast("vote_tally", payload, meeting_id)
            finally:
                with self._lock:
                    again = self._state.get(vote_id) == "stale"
                    if again:
                        self._state[vote_id] = "sending"
                    else:
                        self._state.pop(vote_id, None)
            if not again:
                return


tally_broadcaster = TallyBroadcaster()


class MeetingsNamespace(AuthenticatedNamespace):
    """Join, follow the presenter, ask for the floor, vote."""

    @socket_event
    def on_join(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = get_meeting(data.get("meeting_id"))
        previous = room.enter(meeting, user, request.sid)
        # Commit the check-in now: SQLite's write lock is then held for the writes only,
        # not while the state below is built (300 devices join at once).
        db.session.commit()
        if previous is not None:
            leave_room(room.room_name(previous))
            change = room.presence_change(get_meeting(previous), user.id)
            _emit("presence_changed", change, previous)
        join_room(room.room_name(meeting.id))
        session["meeting_id"] = meeting.id
        _emit("presence_changed", room.presence_change(meeting, user.id), meeting.id)
        return room.room_state(meeting, user)

    @socket_event
    def on_leave(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        left = room.leave(request.sid)
        session.pop("meeting_id", None)
        if left is not None:
            meeting_id, user_id = left
            leave_room(room.room_name(meeting_id))
            change = room.presence_change(get_meeting(meeting_id), user_id)
            _emit("presence_changed", change, meeting_id)
        return {}

    def on_disconnect(self, reason: Any = None) -> None:
        left = room.leave(request.sid)
        db.session.commit()
        if left is not None:
            meeting_id, user_id = left
            change = room.presence_change(get_meeting(meeting_id), user_id)
            broadcast("presence_changed", change, meeting_id)

    @socket_event
    def on_change_page(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = room.change_page(meeting, user, data.get("document_id"), data.get("page"))
        _emit("page_changed", payload, meeting.id)
        return payload

    @socket_event
    def on_set_presenter(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = room.hand_presenting(meeting, user, data.get("user"))
        _emit("presenter_changed", payload, meeting.id)
        return payload

    @socket_event
    def on_set_agenda_item(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = room.set_agenda_item(meeting, user, data.get("agenda_item_id"))
        _emit("agenda_item_changed", payload, meeting.id)
        return payload

    @socket_event
    def on_mark_attendance(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        target = room.record_attendance(
            meeting, user, data.get("user"), data.get("status"), data.get("reason")
        )
        _emit("presence_changed", room.presence_change(meeting, target.user_id), meeting.id)
        return {}

    def _speakers(self, user: User, data: dict[str, Any], action) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = action(meeting)
        _emit("speakers_changed", payload, meeting.id)
        return payload

    @socket_event
    def on_request_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return self._speakers(user, data, lambda m: room.request_floor(m, user))

    @socket_event
    def on_grant_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return self._speakers(user, data, lambda m: room.grant_floor(m, user, data.get("user")))

    @socket_event
    def on_release_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return self._speakers(user, data, lambda m: room.release_floor(m, user, data.get("user")))

    @socket_event
    def on_open_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = room.open_vote(meeting, user, data)
        _emit("vote_opened", payload, meeting.id)
        return payload

    @socket_event
    def on_cast_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = room.cast_vote(meeting, user, data.get("vote_id"), data.get("choice"))
        app = current_app._get_current_object()
        after_commit(lambda: tally_broadcaster.ballot_cast(app, meeting.id, payload["vote_id"]))
        return payload

    @socket_event
    def on_close_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        meeting = _meeting_of(user, data)
        payload = room.close_vote(meeting, user, data.get("vote_id"))
        _emit("vote_closed", payload, meeting.id)
        return payload


def register() -> None:
    socketio.on_namespace(MeetingsNamespace(NAMESPACE))
