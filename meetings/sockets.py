"""Namespace ``/meetings``: the live room.

Every event parses its payload with one schema, loads the caller's standing in the
meeting once (``meetings.access.standing``), requires the right it needs and hands the
standing to the rule; ``socket_event`` commits once and then publishes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, session
from flask_babel import gettext as _
from flask_socketio import join_room, leave_room

from core import transaction
from core.errors import DomainError, missing_field
from core.extensions import db, socketio
from core.models import User
from core.realtime import AuthenticatedNamespace, connection_sid, socket_event
from core.schemas import parse
from core.transaction import after_commit
from meetings import presence, presenting, speakers, votes
from meetings.access import MeetingRight, MeetingStanding, standing
from meetings.events import NAMESPACE, publish, room_name, send_now
from meetings.models import Vote, VoteStatus
from meetings.room import room_state
from meetings.schemas import (
    AgendaItemRef,
    AttendanceIn,
    BallotIn,
    FloorIn,
    InRoom,
    JoinIn,
    OpenVoteIn,
    PageIn,
    PresenterIn,
    VoteRef,
)

P = TypeVar("P", bound=InRoom)


def _named(username: str | None) -> str:
    if username is None:
        raise missing_field("user")
    return username


def _in_room(user: User, data: InRoom, *rights: MeetingRight) -> MeetingStanding:
    """The joined meeting (or the one named) and the caller's standing, checked."""
    meeting_id = data.meeting_id or session.get("meeting_id")
    if meeting_id is None:
        raise DomainError("not_joined", _("Hãy vào phòng họp trước (join)."), 409)
    return standing(meeting_id, user, MeetingRight.PARTICIPATE, *rights, light=True)


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
                    vote = db.session.get(Vote, vote_id)
                    is_open = vote is not None and vote.status == VoteStatus.OPEN
                    payload = votes.tally(meeting_id, vote) if vote and is_open else None
                    db.session.remove()
                if payload is not None:
                    send_now("vote_tally", payload, meeting_id)
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


def _act(
    user: User,
    data: dict[str, Any],
    schema: type[P],
    rights: tuple[MeetingRight, ...],
    event: str,
    rule: Callable[[MeetingStanding, P], dict[str, Any]],
) -> dict[str, Any]:
    """The shape of most room events: parse the payload, load and check the standing,
    apply the rule, tell the room (after the commit), answer with the same payload."""
    request = parse(schema, data)
    found = _in_room(user, request, *rights)
    payload = rule(found, request)
    publish(event, payload, found.meeting.id)
    return payload


class MeetingsNamespace(AuthenticatedNamespace):
    """Join, follow the presenter, ask for the floor, vote."""

    @socket_event
    def on_join(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        attendee = standing(parse(JoinIn, data).meeting_id, user, MeetingRight.PARTICIPATE)
        meeting = attendee.meeting
        previous = presence.enter(attendee, connection_sid())
        # Commit the check-in now: SQLite's write lock is then held for the writes only,
        # not while the state below is built (300 devices join at once).
        db.session.commit()
        if previous is not None:
            leave_room(room_name(previous))
            publish("presence_changed", presence.presence_change(previous, user.id), previous)
        join_room(room_name(meeting.id))
        session["meeting_id"] = meeting.id
        publish("presence_changed", presence.presence_change(meeting.id, user.id), meeting.id)
        return room_state(attendee)

    @socket_event
    def on_leave(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        left = presence.leave(connection_sid())
        session.pop("meeting_id", None)
        if left is not None:
            meeting_id, user_id = left
            leave_room(room_name(meeting_id))
            publish("presence_changed", presence.presence_change(meeting_id, user_id), meeting_id)
        return {}

    def on_disconnect(self, reason: Any = None) -> None:
        super().on_disconnect(reason)
        transaction.begin()  # not an event with an ack: it commits the same way by itself
        left = presence.leave(connection_sid())
        transaction.commit()
        if left is not None:
            meeting_id, user_id = left
            send_now("presence_changed", presence.presence_change(meeting_id, user_id), meeting_id)

    @socket_event
    def on_change_page(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            PageIn,
            (),
            "page_changed",
            lambda attendee, r: presenting.change_page(attendee, r.document_id, r.page),
        )

    @socket_event
    def on_set_presenter(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            PresenterIn,
            (MeetingRight.CHAIR,),
            "presenter_changed",
            lambda chair, r: presenting.hand_presenting(chair, r.user),
        )

    @socket_event
    def on_set_agenda_item(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            AgendaItemRef,
            (MeetingRight.LEAD,),
            "agenda_item_changed",
            lambda lead, r: presenting.set_agenda_item(lead, r.agenda_item_id),
        )

    @socket_event
    def on_mark_attendance(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(AttendanceIn, data)
        organiser = _in_room(user, request, MeetingRight.MANAGE)
        target = presence.record_attendance(organiser, request.user, request.status, request.reason)
        change = presence.presence_change(organiser.meeting.id, target.user_id)
        publish("presence_changed", change, organiser.meeting.id)
        return {}

    @socket_event
    def on_request_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            InRoom,
            (),
            "speakers_changed",
            lambda attendee, _r: speakers.request_floor(attendee),
        )

    @socket_event
    def on_grant_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            FloorIn,
            (MeetingRight.CHAIR,),
            "speakers_changed",
            lambda chair, r: speakers.grant_floor(chair, _named(r.user)),
        )

    @socket_event
    def on_release_floor(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            FloorIn,
            (),
            "speakers_changed",
            lambda attendee, r: speakers.release_floor(attendee, r.user),
        )

    @socket_event
    def on_open_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(user, data, OpenVoteIn, (MeetingRight.CHAIR,), "vote_opened", votes.open_vote)

    @socket_event
    def on_cast_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        request = parse(BallotIn, data)
        attendee = _in_room(user, request)
        payload = votes.cast_vote(attendee, request.vote_id, request.choice)
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        meeting_id = attendee.meeting.id
        after_commit(lambda: tally_broadcaster.ballot_cast(app, meeting_id, request.vote_id))
        return payload

    @socket_event
    def on_close_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        return _act(
            user,
            data,
            VoteRef,
            (MeetingRight.CHAIR,),
            "vote_closed",
            lambda chair, r: votes.close_vote(chair, r.vote_id),
        )


def register() -> None:
    socketio.on_namespace(MeetingsNamespace(NAMESPACE))
