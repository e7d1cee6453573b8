"""Presence and attendance (điểm danh): devices in the room, check-in by joining, by the
door QR or by the secretary, and the counts everyone sees."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, cast

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import Insert, Select, Table, bindparam, case, delete, func, insert, select
from sqlalchemy.sql.dml import ReturningDelete

from core.db import prepared, utcnow
from core.errors import DomainError, NotFound
from core.extensions import db
from core.models import User
from meetings.access import MeetingStanding
from meetings.models import (
    Attendance,
    CheckInMethod,
    Meeting,
    MeetingConnection,
    MeetingKind,
    MeetingStatus,
    Participant,
)
from meetings.quorum import quorum
from meetings.services import require_not_ended
from meetings.shapes import participant_row_dict

DOOR_QR_MAX_AGE = 12 * 3600
PRESENCE_DELTA_MAX = 60  # people in one presence_changed; more: counts and refetch
PRESENCE_INLINE_MAX = 60  # people listed in the join answer; more: counts and refetch


def participant_named(meeting: Meeting, username: str) -> Participant:
    """The meeting's participant with this username, or a clear 404."""
    target = next((p for p in meeting.participants if p.user.username == username), None)
    if target is None:
        raise NotFound("participant_not_found", _l("Người này không có trong thành phần cuộc họp."))
    return target


def mark_present(participant: Participant, method: CheckInMethod) -> bool:
    """Check a participant in; True when their attendance changed."""
    if participant.attendance == Attendance.PRESENT:
        return False
    participant.attendance = Attendance.PRESENT
    participant.checked_in_at = utcnow()
    participant.check_in_method = method
    participant.absence_reason = None
    db.session.flush()
    return True


def enter(attendee: MeetingStanding, sid: str) -> int | None:
    """A device of a participant enters the room: check-in and its connection (writes only).

    Joining checks in only someone not yet marked: an absence the secretary recorded
    stands until the secretary changes it. Returns the meeting the device was in before,
    when it moves from another room. The connection row is replaced in two prepared
    statements (every device of a hall runs them at the same moment)."""
    meeting, participant = attendee.meeting, attendee.attendee
    if meeting.status == MeetingStatus.IN_PROGRESS and participant.attendance == Attendance.INVITED:
        mark_present(participant, CheckInMethod.JOIN)
    before = db.session.execute(_forget_connection(), {"sid": sid}).first()
    row = {"sid": sid, "meeting_id": meeting.id, "user_id": attendee.user.id}
    db.session.execute(_add_connection(), row)  # node and joined_at: the columns' defaults
    return before.meeting_id if before is not None and before.meeting_id != meeting.id else None


@prepared
def _add_connection() -> Insert:
    return insert(cast(Table, MeetingConnection.__table__)).values(
        sid=bindparam("sid"),
        meeting_id=bindparam("meeting_id"),
        user_id=bindparam("user_id"),
    )


@prepared
def _forget_connection() -> ReturningDelete[tuple[int, int]]:
    table = cast(Table, MeetingConnection.__table__)
    return (
        delete(table)
        .where(table.c.sid == bindparam("sid"))
        .returning(table.c.meeting_id, table.c.user_id)
    )


def leave(sid: str) -> tuple[int, int] | None:
    """A device left; returns (meeting id, user id) of the room it was in (one statement)."""
    row = db.session.execute(_forget_connection(), {"sid": sid}).first()
    return (row.meeting_id, row.user_id) if row is not None else None


@prepared
def _present_count() -> Select[int]:
    return select(func.count()).select_from(Participant).where(
        Participant.meeting_id == bindparam("meeting_id"),
        Participant.attendance == Attendance.PRESENT,
    )


@prepared
def _member_count() -> Select[int]:
    return select(func.count()).select_from(Participant).where(
        Participant.meeting_id == bindparam("meeting_id")
    )


def present_count(meeting_id: int) -> int:
    return db.session.scalar(_present_count(), {"meeting_id": meeting_id}) or 0


def member_count(meeting_id: int) -> int:
    """The whole membership: everyone invited as chair, secretary or delegate."""
    return db.session.scalar(_member_count(), {"meeting_id": meeting_id}) or 0


def _roster(meeting_id: int, user_ids: Collection[int] | None = None) -> list[Any]:
    """Participants as plain rows with whether a device of theirs is in the room (one
    query, no ORM objects, whatever the meeting's size)."""
    online = (
        select(MeetingConnection.sid)
        .where(
            MeetingConnection.meeting_id == meeting_id,
            MeetingConnection.user_id == Participant.user_id,
        )
        .exists()
    )
    query = (
        select(
            User.username,
            User.full_name,
            Participant.role,
            Participant.attendance,
            Participant.absence_reason,
            Participant.checked_in_at,
            online,
        )
        .join(User, User.id == Participant.user_id)
        .where(Participant.meeting_id == meeting_id)
        .order_by(Participant.id)
    )
    if user_ids is not None:
        query = query.where(Participant.user_id.in_(list(user_ids)))
    return list(db.session.execute(query))


def _summary(kind: MeetingKind, total: int, present: int, online: int) -> dict[str, Any]:
    return {
        "present": present,
        "total": total,
        "online": online,
        "quorum": quorum(kind, total, present),
    }


@prepared
def _counts_query() -> Select[int, int, int]:
    is_present = case((Participant.attendance == Attendance.PRESENT, 1), else_=0)
    online = (
        select(func.count(func.distinct(MeetingConnection.user_id)))
        .where(MeetingConnection.meeting_id == bindparam("meeting_id"))
        .scalar_subquery()
    )
    return select(func.count(), func.coalesce(func.sum(is_present), 0), online).where(
        Participant.meeting_id == bindparam("meeting_id")
    )


def _counts(meeting_id: int, kind: MeetingKind | None = None) -> dict[str, Any]:
    """``present``, ``total``, ``online`` (people with a device in the room) and the live
    quorum, in one query."""
    row = db.session.execute(_counts_query(), {"meeting_id": meeting_id}).one()
    total, present, connected = (int(value or 0) for value in row)
    if kind is None:
        kind = db.session.scalar(select(Meeting.kind).where(Meeting.id == meeting_id))
    return _summary(kind or MeetingKind.REGULAR, total, present, connected)


def presence_batch(
    meeting_id: int, user_ids: Collection[int], kind: MeetingKind | None = None
) -> dict[str, Any]:
    """The ``presence_changed`` event for the people whose presence changed in a short
    window: the counts and, in ``changed``, each one's new state (the client merges them
    into its list). Up to ``PRESENCE_DELTA_MAX`` people; beyond that only the counts and
    ``refetch: true`` (the client asks for the list with ``presence`` when it shows it),
    so a storm of joins never makes a broadcast as large as the room. A single change also
    carries that participant's fields at the top level, as before batching."""
    change = _counts(meeting_id, kind)
    ids = set(user_ids)
    if len(ids) > PRESENCE_DELTA_MAX:
        return change | {"refetch": True}
    changed = [participant_row_dict(row, online=bool(row[6])) for row in _roster(meeting_id, ids)]
    if changed:
        change["changed"] = changed
    if len(ids) == 1 and len(changed) == 1:
        change |= changed[0]
    return change


def presence_change(meeting_id: int, user_id: int) -> dict[str, Any]:
    """The ``presence_changed`` event for one participant (or only the counts for someone
    not invited)."""
    return presence_batch(meeting_id, [user_id])


def presence(meeting: Meeting) -> dict[str, Any]:
    """Everyone invited, with attendance and whether a device of theirs is in the room
    (one query, whatever the room's size)."""
    rows = _roster(meeting.id)
    people = [participant_row_dict(row, online=bool(row[6])) for row in rows]
    present = sum(1 for row in rows if row[3] == Attendance.PRESENT)
    online = sum(1 for row in rows if row[6])
    return {"participants": people, **_summary(meeting.kind, len(people), present, online)}


def room_presence(meeting: Meeting) -> dict[str, Any]:
    """Presence in the join answer: the whole list in a meeting of up to
    ``PRESENCE_INLINE_MAX`` people; in a hall, the counts and ``refetch: true``, so the
    answer to each of 300 joining devices stays the same small size (the list is fetched
    with ``presence`` by the device that shows it)."""
    counts = _counts(meeting.id, meeting.kind)
    if counts["total"] <= PRESENCE_INLINE_MAX:
        return presence(meeting)
    return counts | {"refetch": True}


def record_attendance(
    organiser: MeetingStanding, username: str, status: str, reason: str | None = None
) -> Participant:
    """The secretary marks someone present, or absent with a reason."""
    require_not_ended(organiser.meeting)
    target = participant_named(organiser.meeting, username)
    if status == Attendance.PRESENT:
        mark_present(target, CheckInMethod.SECRETARY)
        return target
    if not (reason or "").strip():
        raise DomainError("missing_reason", _l("Cần ghi lý do vắng mặt."), 422)
    target.attendance, target.absence_reason = Attendance.ABSENT, reason
    target.checked_in_at, target.check_in_method = None, CheckInMethod.SECRETARY
    db.session.flush()
    return target


def _door_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="meeting-door-qr")


def door_token(meeting: Meeting) -> str:
    """The code in the QR at the meeting-room door."""
    return _door_serializer().dumps({"meeting": meeting.id})


def check_in_by_qr(attendee: MeetingStanding, token: str) -> Participant:
    """A participant scans the door QR with their own device."""
    try:
        data = _door_serializer().loads(token, max_age=DOOR_QR_MAX_AGE)
    except SignatureExpired:
        raise DomainError("qr_expired", _l("Mã QR điểm danh đã hết hạn."), 410) from None
    except BadSignature:
        raise DomainError("invalid_qr", _l("Mã QR điểm danh không hợp lệ."), 422) from None
    if data.get("meeting") != attendee.meeting.id:
        raise DomainError("qr_other_meeting", _l("Mã QR này thuộc cuộc họp khác."), 422)
    require_not_ended(attendee.meeting)
    participant = attendee.attendee
    mark_present(participant, CheckInMethod.QR)
    return participant
