"""The speaker queue (đăng ký phát biểu): requests, the floor, a speaking timer."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select

from core.db import prepared, utcnow
from core.errors import Conflict
from core.extensions import db
from meetings.access import MeetingRight, MeetingStanding
from meetings.models import Meeting, SpeakerRequest, SpeakerStatus
from meetings.presence import participant_named
from meetings.shapes import user_ref

DEFAULT_SPEAKING_SECONDS = 300
LIVE = (SpeakerStatus.WAITING, SpeakerStatus.SPEAKING)


@prepared
def _live_requests() -> Select[SpeakerRequest]:
    return (
        select(SpeakerRequest)
        .where(
            SpeakerRequest.meeting_id == bindparam("meeting_id"),
            SpeakerRequest.status.in_(LIVE),
        )
        .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)
    )


def _speaker_rows(meeting: Meeting) -> list[SpeakerRequest]:
    return list(db.session.scalars(_live_requests(), {"meeting_id": meeting.id}))


def speakers(meeting: Meeting) -> dict[str, Any]:
    """``speakers_changed``: who waits, in order, and who has the floor since when."""
    rows = _speaker_rows(meeting)
    speaking = next((r for r in rows if r.status == SpeakerStatus.SPEAKING), None)
    return {
        "queue": [
            {**user_ref(r.user), "requested_at": r.requested_at.isoformat()}
            for r in rows
            if r.status == SpeakerStatus.WAITING
        ],
        "speaking": None
        if speaking is None or speaking.granted_at is None
        else {
            **user_ref(speaking.user),
            "since": speaking.granted_at.isoformat(),
            "limit_seconds": DEFAULT_SPEAKING_SECONDS,
        },
    }


def request_floor(attendee: MeetingStanding) -> dict[str, Any]:
    meeting, user = attendee.meeting, attendee.user
    if any(r.user_id == user.id for r in _speaker_rows(meeting)):
        raise Conflict("already_requested", _l("Bạn đã đăng ký phát biểu."))
    db.session.add(
        SpeakerRequest(
            meeting_id=meeting.id, user_id=user.id, agenda_item_id=meeting.current_agenda_item_id
        )
    )
    db.session.flush()
    return speakers(meeting)


def _finish(row: SpeakerRequest) -> None:
    """A turn ends (done) or a request is withdrawn."""
    if row.status in LIVE:
        spoke = row.status == SpeakerStatus.SPEAKING
        row.status = SpeakerStatus.DONE if spoke else SpeakerStatus.WITHDRAWN
        row.finished_at = utcnow()


def _finish_speaking(rows: list[SpeakerRequest]) -> None:
    for row in rows:
        if row.status == SpeakerStatus.SPEAKING:
            _finish(row)


def grant_floor(chair: MeetingStanding, username: str) -> dict[str, Any]:
    """The chair gives the floor; whoever was speaking is done."""
    meeting = chair.meeting
    rows = _speaker_rows(meeting)
    target = next(
        (r for r in rows if r.user.username == username and r.status == SpeakerStatus.WAITING),
        None,
    )
    if target is None:
        participant = participant_named(meeting, username)
        target = SpeakerRequest(
            meeting_id=meeting.id,
            user_id=participant.user_id,
            agenda_item_id=meeting.current_agenda_item_id,
        )
        db.session.add(target)
    _finish_speaking(rows)
    target.status, target.granted_at = SpeakerStatus.SPEAKING, utcnow()
    db.session.flush()
    return speakers(meeting)


def release_floor(attendee: MeetingStanding, username: str | None = None) -> dict[str, Any]:
    """The speaker ends their turn (or withdraws their request); the chair can end anyone's.

    With ``username`` only that person's turn or request ends (someone else's: the chair
    only), so the chair ending a speech keeps their own place in the queue. Without it,
    the chair ends whoever is speaking (and their own request)."""
    meeting, user = attendee.meeting, attendee.user
    rows = _speaker_rows(meeting)
    if username is not None and username != user.username:
        attendee.require(MeetingRight.CHAIR)
        ending = [r for r in rows if r.user.username == username]
        if not ending:
            raise Conflict("not_in_queue", _l("Người này không có trong danh sách phát biểu."))
    else:
        chair_ends_speaker = username is None and attendee.is_chair
        if chair_ends_speaker:
            _finish_speaking(rows)
        ending = [r for r in rows if r.user_id == user.id]
        if not ending and not chair_ends_speaker:
            raise Conflict("not_in_queue", _l("Bạn không có trong danh sách phát biểu."))
    for row in ending:
        _finish(row)
    db.session.flush()
    return speakers(meeting)


def close_queue(meeting: Meeting) -> bool:
    """The meeting ends: the speech in progress is done and waiting requests are
    withdrawn. True when anything changed."""
    rows = _speaker_rows(meeting)
    for row in rows:
        _finish(row)
    db.session.flush()
    return bool(rows)
