"""Presence and attendance (meetings.presence): devices entering and leaving the room,
check-in by joining, by the door QR and by the secretary."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from core.db import utcnow
from core.extensions import db
from core.nodes import Heartbeat, ServerNode, gone_after
from core.schemas import parse
from meetings import presence, room
from meetings.models import Meeting, MeetingConnection
from meetings.schemas import AttendanceIn
from tests.meetings.checks import raises
from tests.meetings.factories import (
    MANAGE,
    PARTICIPATE,
    acting,
    make_meeting,
    mark,
    participant,
    started,
    user,
)

pytestmark = pytest.mark.db


def join(meeting: Meeting, username: str, sid: str) -> dict[str, Any]:
    """What the socket ``join`` does: load the attendee, enter, commit, send the state."""
    attendee = acting(meeting, username, PARTICIPATE)
    presence.enter(attendee, sid)
    db.session.commit()
    return room.room_state(attendee)


def online(meeting: Meeting) -> dict[str, bool]:
    return {p["user"]: p["online"] for p in presence.presence(meeting)["participants"]}


def scan(meeting: Meeting, username: str, token: str):
    return presence.check_in_by_qr(acting(meeting, username, PARTICIPATE), token)


# -- the secretary's marks ---------------------------------------------------------------


def test_absent_needs_a_reason(demo):
    meeting = started()
    raises("missing_reason", 422, mark, meeting, "daibieu", "absent")
    raises("missing_reason", 422, mark, meeting, "daibieu", "absent", "   ")
    assert participant(meeting, "daibieu").attendance == "invited"

    mark(meeting, "daibieu", "absent", "Đi công tác")
    db.session.commit()
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.absence_reason, row.checked_in_at) == (
        "absent",
        "Đi công tác",
        None,
    )

    mark(meeting, "daibieu", "present")
    db.session.commit()
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.absence_reason, row.check_in_method) == (
        "present",
        None,
        "secretary",
    )
    assert row.checked_in_at is not None


def test_attendance_rules(demo):
    meeting = started()
    raises("participant_not_found", 404, mark, meeting, "daibieu.tayloc", "present")
    raises("invalid_attendance", 422, parse, AttendanceIn, {"user": "daibieu", "status": "maybe"})
    raises("not_meeting_organiser", 403, acting, meeting, "daibieu", MANAGE)
    assert participant(meeting, "daibieu").attendance == "invited"


# -- devices in the room -----------------------------------------------------------------


def test_joining_a_meeting_in_progress_checks_in(demo):
    scheduled = make_meeting()
    state = join(scheduled, "daibieu", "sid-1")
    assert participant(scheduled, "daibieu").attendance == "invited"  # not started yet
    assert state["me"]["attendance"] == "invited"

    meeting = started()
    state = join(meeting, "daibieu", "sid-2")
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.check_in_method) == ("present", "join")
    assert state["presence"]["present"] == 1
    assert {p["user"]: p["online"] for p in state["presence"]["participants"]}["daibieu"]
    assert presence.leave("sid-2") is not None
    db.session.commit()
    assert not online(meeting)["daibieu"]
    assert presence.leave("sid-2") is None  # a second leave finds nothing


def test_an_absence_the_secretary_recorded_stands_when_the_device_rejoins(demo):
    """Joining checks in only someone still "invited": the secretary's mark is final
    until the secretary changes it."""
    meeting = started()
    join(meeting, "daibieu", "sid-phone")
    mark(meeting, "daibieu", "absent", "Đã rời cuộc họp")
    db.session.commit()
    presence.leave("sid-phone")
    state = join(meeting, "daibieu", "sid-tablet")
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.absence_reason) == ("absent", "Đã rời cuộc họp")
    assert state["me"]["attendance"] == "absent"
    assert online(meeting)["daibieu"] is True  # in the room, but not counted present
    assert state["presence"]["present"] == 0

    # someone the secretary marked present keeps that check-in, not a new one by joining
    mark(meeting, "daibieu.phunhuan", "present")
    db.session.commit()
    checked_in = participant(meeting, "daibieu.phunhuan").checked_in_at
    join(meeting, "daibieu.phunhuan", "sid-ward")
    row = participant(meeting, "daibieu.phunhuan")
    assert (row.check_in_method, row.checked_in_at) == ("secretary", checked_in)


def test_a_device_moving_to_another_meeting_leaves_the_first(demo):
    first, second = started(), started(title="Họp thứ hai")
    daibieu = user("daibieu")
    assert presence.enter(acting(first, "daibieu", PARTICIPATE), "sid-move") is None
    db.session.commit()
    assert presence.enter(acting(second, "daibieu", PARTICIPATE), "sid-move") == first.id
    db.session.commit()
    assert not online(first)["daibieu"]
    change = presence.presence_change(second.id, daibieu.id)
    assert (change["user"], change["online"], change["total"]) == ("daibieu", True, 4)
    assert presence.leave("sid-move") == (second.id, daibieu.id)


def test_presence_change_of_someone_not_invited_has_only_the_counts(demo):
    meeting = started()
    change = presence.presence_change(meeting.id, user("vanthu").id)
    assert set(change) == {"present", "total", "online", "quorum"}
    assert (change["present"], change["total"], change["quorum"]["required"]) == (0, 4, 3)


# -- the door QR -------------------------------------------------------------------------


def test_door_qr_checks_in(demo):
    meeting = started()
    token = presence.door_token(meeting)
    row = scan(meeting, "daibieu", token)
    db.session.commit()
    assert (row.attendance, row.check_in_method) == ("present", "qr")
    raises("not_participant", 403, acting, meeting, "vanthu", PARTICIPATE)
    raises("invalid_qr", 422, scan, meeting, "daibieu", token + "x")
    raises("invalid_qr", 422, scan, meeting, "daibieu", "")


def test_door_qr_expires(demo, monkeypatch):
    meeting = started()
    now = TimestampSigner.get_timestamp
    # a code shown 12 hours and 1 second ago
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: now(self) - presence.DOOR_QR_MAX_AGE - 1
    )
    old = presence.door_token(meeting)
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: now(self) - presence.DOOR_QR_MAX_AGE + 60
    )
    recent = presence.door_token(meeting)
    monkeypatch.undo()
    raises("qr_expired", 410, scan, meeting, "daibieu", old)
    assert participant(meeting, "daibieu").attendance == "invited"
    assert scan(meeting, "daibieu", recent).attendance == "present"


def test_door_qr_of_another_meeting_is_refused(demo):
    meeting = started()
    other = make_meeting(title="Cuộc họp khác", participants=["daibieu"])
    raises("qr_other_meeting", 422, scan, meeting, "daibieu", presence.door_token(other))
    assert participant(meeting, "daibieu").attendance == "invited"


# -- a server process that is gone ---------------------------------------------------------


def test_the_devices_of_a_gone_process_leave_the_room(app, demo):
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    join(meeting, "chutich", "sid-alive")
    join(meeting, "daibieu", "sid-killed")
    join(meeting, "daibieu.phunhuan", "sid-unbeaten")
    join(meeting, "thuky", "sid-new")
    long_ago = utcnow() - gone_after(app) - timedelta(seconds=1)
    db.session.add_all([ServerNode(id="alive"), ServerNode(id="killed", seen_at=long_ago)])
    for sid, node, joined in [
        ("sid-alive", "alive", long_ago),
        ("sid-killed", "killed", utcnow()),
        ("sid-unbeaten", "never-beat", long_ago),  # a process killed before its first beat
        ("sid-new", "not-yet-beat", utcnow()),  # its process is about to beat
    ]:
        row = db.session.get(MeetingConnection, sid)
        row.node, row.joined_at = node, joined
    meeting_id = meeting.id
    db.session.commit()
    assert Heartbeat.once(app) == ["killed"]  # in a session of its own, as in the server
    left = set(db.session.scalars(select(MeetingConnection.sid)))
    assert left == {"sid-alive", "sid-new"}
    seen = online(db.session.get(Meeting, meeting_id))
    assert seen["chutich"] and seen["thuky"]
    assert not seen["daibieu"] and not seen["daibieu.phunhuan"]
