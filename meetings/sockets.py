"""Namespace ``/meetings``: the live room.

Every event parses its payload with one schema, loads the caller's standing in the
meeting once (``meetings.access.standing``), requires the right it needs and hands the
standing to the rule; ``socket_event`` commits once and then publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import session
from flask_babel import gettext as _
from flask_socketio import join_room, leave_room

from core import transaction
from core.errors import DomainError, missing_field
from core.extensions import db, socketio
from core.models import User
from core.realtime import AuthenticatedNamespace, connection_sid, crowd_event, socket_event
from core.schemas import parse
from meetings import broadcasts, presence, presenting, speakers, votes
from meetings.access import MeetingRight, MeetingStanding, standing
from meetings.events import NAMESPACE, publish, room_name
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

    @crowd_event
    def on_join(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        """Check in and answer with the room state, in constant work per device: the room
        hears of it in the next presence batch, not in a broadcast of its own."""
        meeting_id = parse(JoinIn, data).meeting_id
        sid = connection_sid()

        def check_in() -> tuple[MeetingStanding, int | None]:
            attendee = standing(meeting_id, user, MeetingRight.PARTICIPATE, light=True)
            with transaction.one_writer():
                previous = presence.enter(attendee, sid)
                # Commit the check-in now: the write lock is then held for the writes
                # only, not while the state below is built (300 devices join at once).
                transaction.commit_keeping_loaded()
            return attendee, previous

        attendee, previous = transaction.retrying(check_in)
        if previous is not None:
            leave_room(room_name(previous))
            broadcasts.presence_touched(previous, user.id)
        join_room(room_name(meeting_id))
        session["meeting_id"] = meeting_id
        broadcasts.presence_touched(meeting_id, user.id)
        return room_state(attendee)

    @crowd_event
    def on_presence(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        """The whole list, for a device whose ``presence_changed`` said ``refetch``."""
        return presence.presence(_in_room(user, parse(InRoom, data)).meeting)

    @crowd_event
    def on_leave(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        left = presence.leave(connection_sid())
        session.pop("meeting_id", None)
        if left is not None:
            meeting_id, user_id = left
            leave_room(room_name(meeting_id))
            broadcasts.presence_touched(meeting_id, user_id)
        return {}

    def on_disconnect(self, reason: Any = None) -> None:
        super().on_disconnect(reason)
        sid = connection_sid()

        def forget() -> tuple[int, int] | None:
            with transaction.one_writer():
                left = presence.leave(sid)
                db.session.commit()
            return left

        transaction.begin()  # not an event with an ack: it commits the same way by itself
        try:
            left = transaction.retrying(forget)
        except Exception:
            transaction.roll_back()
            raise
        if left is not None:
            broadcasts.presence_touched(*left, now=True)

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
        broadcasts.presence_touched(organiser.meeting.id, target.user_id)
        return {}

    @crowd_event
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

    @crowd_event
    def on_cast_vote(self, user: User, data: dict[str, Any]) -> dict[str, Any]:
        """One short transaction per ballot; the room's tally follows on a timer."""
        request = parse(BallotIn, data)

        def ballot() -> dict[str, Any]:
            attendee = _in_room(user, request)
            vote, eligible = votes.ballot_check(attendee, request.vote_id)
            with transaction.one_writer():  # only the two writes and the commit
                payload = votes.record_ballot(attendee, vote, request.choice, eligible)
                db.session.commit()
            return payload

        payload = transaction.retrying(ballot)
        broadcasts.ballot_cast(request.vote_id)
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
