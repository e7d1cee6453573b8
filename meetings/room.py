"""Rules of the live room (phòng họp trực tuyến): presence, attendance, presenting, the
speaker queue and votes. Plain functions; the socket handler commits once."""

from __future__ import annotations

from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core import audit
from core.db import utcnow
from core.errors import Conflict, DomainError, Forbidden, NotFound
from core.extensions import db
from core.live_document import live_state, turn_page
from core.models import User
from meetings.models import (
    Attendance,
    Document,
    Meeting,
    MeetingConnection,
    MeetingStatus,
    Participant,
    SpeakerRequest,
    Vote,
    VoteParticipation,
)
from meetings.services import (
    get_meeting,
    id_or_none,
    participant_of,
    require_manage,
    require_participant,
)

CHOICES = ("yes", "no", "abstain")
DOOR_QR_MAX_AGE = 12 * 3600
DEFAULT_SPEAKING_SECONDS = 300


def room_name(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def _user_ref(user: User) -> dict[str, Any]:
    return {"user": user.username, "name": user.display_name}


def require_chair(meeting: Meeting, user: User) -> None:
    if user.id != meeting.chair_id:
        raise Forbidden("not_chair", _l("Chỉ chủ tọa được thực hiện thao tác này."))


def participant_named(meeting: Meeting, username: Any) -> Participant:
    """The meeting's participant with this username, or a clear 404."""
    target = next((p for p in meeting.participants if p.user.username == str(username)), None)
    if target is None:
        raise NotFound("participant_not_found", _l("Người này không có trong thành phần cuộc họp."))
    return target


# -- presence and attendance ------------------------------------------------------------------


def mark_present(participant: Participant, method: str) -> bool:
    """Check a participant in; True when their attendance changed."""
    if participant.attendance == Attendance.PRESENT.value:
        return False
    participant.attendance = Attendance.PRESENT.value
    participant.checked_in_at = utcnow()
    participant.check_in_method = method
    participant.absence_reason = None
    db.session.flush()
    return True


def enter(meeting: Meeting, user: User, sid: str) -> int | None:
    """A device of a participant enters the room: check-in and its connection (writes only).

    Returns the meeting the device was in before, when it moves from another room."""
    participant = require_participant(meeting, user)
    if meeting.status == MeetingStatus.IN_PROGRESS.value:
        mark_present(participant, "join")
    previous = None
    connection = db.session.get(MeetingConnection, sid)
    if connection is not None and connection.meeting_id != meeting.id:
        previous = connection.meeting_id
        db.session.delete(connection)
        db.session.flush()
        connection = None
    if connection is None:
        db.session.add(MeetingConnection(sid=sid, meeting_id=meeting.id, user_id=user.id))
    db.session.flush()
    return previous


def join(meeting: Meeting, user: User, sid: str) -> dict[str, Any]:
    """Enter the room and get the full room state."""
    enter(meeting, user, sid)
    return room_state(meeting, user)


def leave(sid: str) -> tuple[int, int] | None:
    """A device left; returns (meeting id, user id) of the room it was in."""
    connection = db.session.get(MeetingConnection, sid)
    if connection is None:
        return None
    where = (connection.meeting_id, connection.user_id)
    db.session.delete(connection)
    db.session.flush()
    return where


def presence_change(meeting: Meeting, user_id: int) -> dict[str, Any]:
    """The ``presence_changed`` event: one participant's new state and the counts.

    A delta, not the whole list: with 300 devices joining, whole lists would cost
    O(n²) bytes; clients hold the list from their join ack."""
    participant = db.session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.user_id == user_id
        )
    )
    online = db.session.scalar(
        select(func.count())
        .select_from(MeetingConnection)
        .where(MeetingConnection.meeting_id == meeting.id, MeetingConnection.user_id == user_id)
    )
    total = db.session.scalar(
        select(func.count()).select_from(Participant).where(Participant.meeting_id == meeting.id)
    )
    change: dict[str, Any] = {"present": _present_count(meeting), "total": total}
    if participant is not None:
        change |= {
            **_user_ref(participant.user),
            "role": participant.role,
            "attendance": participant.attendance,
            "online": bool(online),
            "absence_reason": participant.absence_reason,
        }
    return change


def presence(meeting: Meeting) -> dict[str, Any]:
    online = set(
        db.session.scalars(
            select(MeetingConnection.user_id).where(MeetingConnection.meeting_id == meeting.id)
        )
    )
    people = [
        {
            **_user_ref(p.user),
            "role": p.role,
            "attendance": p.attendance,
            "online": p.user_id in online,
            "absence_reason": p.absence_reason,
        }
        for p in meeting.participants
    ]
    present = sum(1 for p in meeting.participants if p.attendance == Attendance.PRESENT.value)
    return {"participants": people, "present": present, "total": len(people)}


def record_attendance(
    meeting: Meeting, secretary: User, username: Any, status: Any, reason: Any = None
) -> Participant:
    """The secretary marks someone present or absent (with a reason)."""
    require_manage(meeting, secretary)
    target = participant_named(meeting, username)
    if status == Attendance.PRESENT.value:
        mark_present(target, "secretary")
    elif status == Attendance.ABSENT.value:
        reason = str(reason or "").strip()
        if not reason:
            raise DomainError("missing_reason", _l("Cần ghi lý do vắng mặt."), 422)
        target.attendance, target.absence_reason = Attendance.ABSENT.value, reason[:500]
        target.checked_in_at = None
    else:
        raise DomainError("invalid_attendance", _l("Trạng thái điểm danh không hợp lệ."), 422)
    db.session.flush()
    return target


def _door_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="meeting-door-qr")


def door_token(meeting: Meeting) -> str:
    """The code in the QR at the meeting-room door."""
    return _door_serializer().dumps({"meeting": meeting.id})


def check_in_by_qr(meeting: Meeting, user: User, token: str) -> Participant:
    """A participant scans the door QR with their own device."""
    try:
        data = _door_serializer().loads(str(token or ""), max_age=DOOR_QR_MAX_AGE)
    except SignatureExpired:
        raise DomainError("qr_expired", _l("Mã QR điểm danh đã hết hạn."), 410) from None
    except BadSignature:
        raise DomainError("invalid_qr", _l("Mã QR điểm danh không hợp lệ."), 422) from None
    if data.get("meeting") != meeting.id:
        raise DomainError("qr_other_meeting", _l("Mã QR này thuộc cuộc họp khác."), 422)
    participant = require_participant(meeting, user)
    mark_present(participant, "qr")
    return participant


# -- presenting -------------------------------------------------------------------------------


def change_page(meeting: Meeting, user: User, document_id: Any, page: Any) -> dict[str, Any]:
    require_participant(meeting, user)
    document = _meeting_document(meeting, document_id)
    return turn_page(meeting, user.id, document.id, document.pages, page) | {"by": user.username}


def _meeting_document(meeting: Meeting, document_id: Any) -> Document:
    doc_id = id_or_none(document_id)
    document = db.session.get(Document, doc_id) if doc_id is not None else None
    if document is None or document.meeting_id != meeting.id:
        raise NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    return document


def hand_presenting(meeting: Meeting, chair: User, username: Any) -> dict[str, Any]:
    """The chair hands presenting to a participant (or takes it back)."""
    require_chair(meeting, chair)
    target = participant_named(meeting, username)
    meeting.presenter_id = target.user_id
    db.session.flush()
    return {"presenter": target.user.username, "name": target.user.display_name}


def set_agenda_item(meeting: Meeting, user: User, item_id: Any) -> dict[str, Any]:
    if user.id not in (meeting.chair_id, meeting.secretary_id):
        raise Forbidden("not_chair", _l("Chỉ chủ tọa hoặc thư ký được chuyển mục chương trình."))
    from meetings.services import get_agenda_item

    item = get_agenda_item(meeting, item_id)
    meeting.current_agenda_item_id = item.id
    db.session.flush()
    return {"agenda_item_id": item.id, "title": item.title}


# -- speaker queue ----------------------------------------------------------------------------


def _speaker_rows(meeting: Meeting) -> list[SpeakerRequest]:
    return list(
        db.session.scalars(
            select(SpeakerRequest)
            .where(
                SpeakerRequest.meeting_id == meeting.id,
                SpeakerRequest.status.in_(("waiting", "speaking")),
            )
            .order_by(SpeakerRequest.requested_at, SpeakerRequest.id)
        )
    )


def speakers(meeting: Meeting) -> dict[str, Any]:
    rows = _speaker_rows(meeting)
    speaking = next((r for r in rows if r.status == "speaking"), None)
    return {
        "queue": [
            {**_user_ref(r.user), "requested_at": r.requested_at.isoformat()}
            for r in rows
            if r.status == "waiting"
        ],
        "speaking": None
        if speaking is None
        else {
            **_user_ref(speaking.user),
            "since": speaking.granted_at.isoformat(),
            "limit_seconds": DEFAULT_SPEAKING_SECONDS,
        },
    }


def request_floor(meeting: Meeting, user: User) -> dict[str, Any]:
    require_participant(meeting, user)
    if any(r.user_id == user.id for r in _speaker_rows(meeting)):
        raise Conflict("already_requested", _l("Bạn đã đăng ký phát biểu."))
    db.session.add(
        SpeakerRequest(
            meeting_id=meeting.id, user_id=user.id, agenda_item_id=meeting.current_agenda_item_id
        )
    )
    db.session.flush()
    return speakers(meeting)


def _finish_speaking(rows: list[SpeakerRequest]) -> None:
    for row in rows:
        if row.status == "speaking":
            row.status, row.finished_at = "done", utcnow()


def grant_floor(meeting: Meeting, chair: User, username: Any) -> dict[str, Any]:
    """The chair gives the floor; whoever was speaking is done."""
    require_chair(meeting, chair)
    rows = _speaker_rows(meeting)
    target = next(
        (r for r in rows if r.user.username == str(username) and r.status == "waiting"), None
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
    target.status, target.granted_at = "speaking", utcnow()
    db.session.flush()
    return speakers(meeting)


def release_floor(meeting: Meeting, user: User, username: Any = None) -> dict[str, Any]:
    """The speaker ends their turn (or withdraws their request); the chair can end anyone's.

    With ``username`` only that person's turn or request ends (someone else's: the chair
    only), so the chair ending a speech keeps their own place in the queue. Without it,
    the chair ends whoever is speaking (and their own request)."""
    require_participant(meeting, user)
    rows = _speaker_rows(meeting)
    target = None if username in (None, "") else str(username)
    if target is not None and target != user.username:
        require_chair(meeting, user)
        ending = [r for r in rows if r.user.username == target]
        if not ending:
            raise Conflict("not_in_queue", _l("Người này không có trong danh sách phát biểu."))
    else:
        chair_ends_speaker = target is None and user.id == meeting.chair_id
        if chair_ends_speaker:
            _finish_speaking(rows)
        ending = [r for r in rows if r.user_id == user.id]
        if not ending and not chair_ends_speaker:
            raise Conflict("not_in_queue", _l("Bạn không có trong danh sách phát biểu."))
    for row in ending:
        if row.status in ("waiting", "speaking"):
            row.status = "done" if row.status == "speaking" else "withdrawn"
            row.finished_at = utcnow()
    db.session.flush()
    return speakers(meeting)


# -- votes ----------------------------------------------------------------------------------


def open_vote_of(meeting: Meeting) -> Vote | None:
    return db.session.scalar(
        select(Vote).where(Vote.meeting_id == meeting.id, Vote.status == "open")
    )


def _present_count(meeting: Meeting) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Participant)
        .where(
            Participant.meeting_id == meeting.id,
            Participant.attendance == Attendance.PRESENT.value,
        )
    )


def _cast_count(vote: Vote) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(VoteParticipation)
        .where(VoteParticipation.vote_id == vote.id)
    )


def open_vote(meeting: Meeting, chair: User, data: dict[str, Any]) -> dict[str, Any]:
    require_chair(meeting, chair)
    if meeting.status != MeetingStatus.IN_PROGRESS.value:
        raise Conflict("meeting_not_in_progress", _l("Chỉ biểu quyết khi cuộc họp đang diễn ra."))
    if open_vote_of(meeting) is not None:
        raise Conflict("vote_already_open", _l("Đang có một biểu quyết chưa kết thúc."))
    question = str(data.get("question") or "").strip()
    if not question or len(question) > 500:
        raise DomainError(
            "invalid_question", _l("Nội dung biểu quyết phải có từ 1 đến 500 ký tự."), 422
        )
    item_id = data.get("agenda_item_id")
    if item_id not in (None, ""):
        from meetings.services import get_agenda_item

        item_id = get_agenda_item(meeting, item_id).id
    vote = Vote(
        meeting_id=meeting.id,
        agenda_item_id=item_id or meeting.current_agenda_item_id,
        question=question,
        secret=bool(data.get("secret", False)),
    )
    db.session.add(vote)
    db.session.flush()
    audit.record(
        "vote.opened",
        chair.id,
        "vote",
        vote.id,
        {"meeting": meeting.id, "question": question, "secret": vote.secret},
    )
    return {
        "vote_id": vote.id,
        "question": question,
        "secret": vote.secret,
        "agenda_item_id": vote.agenda_item_id,
    }


def get_vote(meeting: Meeting, vote_id: Any) -> Vote:
    number = id_or_none(vote_id)
    vote = db.session.get(Vote, number) if number is not None else None
    if vote is None or vote.meeting_id != meeting.id:
        raise NotFound("vote_not_found", _l("Không tìm thấy biểu quyết."))
    return vote


def cast_vote(meeting: Meeting, user: User, vote_id: Any, choice: Any) -> dict[str, Any]:
    """One ballot per present participant; a secret ballot only moves a counter."""
    vote = get_vote(meeting, vote_id)
    participant = require_participant(meeting, user)
    if vote.status != "open":
        raise Conflict("vote_closed", _l("Biểu quyết đã kết thúc."))
    if participant.attendance != Attendance.PRESENT.value:
        raise Forbidden("not_present", _l("Chỉ đại biểu có mặt mới được biểu quyết."))
    if choice not in CHOICES:
        raise DomainError(
            "invalid_choice",
            _l("Lựa chọn phải là đồng ý, không đồng ý hoặc không biểu quyết."),
            422,
        )
    already = db.session.scalar(
        select(VoteParticipation.id).where(
            VoteParticipation.vote_id == vote.id, VoteParticipation.user_id == user.id
        )
    )
    if already is not None:
        raise Conflict("already_voted", _l("Bạn đã biểu quyết rồi."))
    db.session.add(
        VoteParticipation(vote_id=vote.id, user_id=user.id, choice=None if vote.secret else choice)
    )
    try:
        db.session.flush()  # the unique (vote, user) constraint stops a concurrent double ballot
    except IntegrityError:
        # the same person's other device won the race; the caller rolls back
        raise Conflict("already_voted", _l("Bạn đã biểu quyết rồi.")) from None
    column = {"yes": Vote.yes_count, "no": Vote.no_count, "abstain": Vote.abstain_count}[choice]
    db.session.execute(update(Vote).where(Vote.id == vote.id).values({column: column + 1}))
    return tally(meeting, vote)


def tally(meeting: Meeting, vote: Vote) -> dict[str, Any]:
    return {"vote_id": vote.id, "cast": _cast_count(vote), "eligible": _present_count(meeting)}


def close_vote(meeting: Meeting, chair: User, vote_id: Any) -> dict[str, Any]:
    require_chair(meeting, chair)
    vote = get_vote(meeting, vote_id)
    if vote.status != "open":
        raise Conflict("vote_already_closed", _l("Biểu quyết này đã kết thúc."))
    db.session.refresh(vote)
    vote.status, vote.closed_at, vote.eligible = "closed", utcnow(), _present_count(meeting)
    db.session.flush()
    result = vote_result(vote)
    audit.record("vote.closed", chair.id, "vote", vote.id, result)
    return result


def vote_result(vote: Vote) -> dict[str, Any]:
    return {
        "vote_id": vote.id,
        "question": vote.question,
        "secret": vote.secret,
        "yes": vote.yes_count,
        "no": vote.no_count,
        "abstain": vote.abstain_count,
        "eligible": vote.eligible,
        "passed": vote.eligible is not None and vote.yes_count * 2 > vote.eligible,
    }


# -- the whole state ----------------------------------------------------------------------------


def room_state(meeting: Meeting, user: User) -> dict[str, Any]:
    """What a device needs on (re)joining: page, agenda item, queue, open vote, presence."""
    vote = open_vote_of(meeting)
    participant = participant_of(meeting, user)
    vote_state = None
    if vote is not None:
        mine = db.session.scalar(
            select(VoteParticipation.id).where(
                VoteParticipation.vote_id == vote.id, VoteParticipation.user_id == user.id
            )
        )
        vote_state = {
            "vote_id": vote.id,
            "question": vote.question,
            "secret": vote.secret,
            **tally(meeting, vote),
            "voted": mine is not None,
        }
    presenter = db.session.get(User, meeting.presenter_id) if meeting.presenter_id else None
    return {
        "meeting_id": meeting.id,
        "status": meeting.status,
        **live_state(meeting),
        "presenter": presenter.username if presenter else None,
        "presenter_name": presenter.display_name if presenter else None,
        "agenda_item_id": meeting.current_agenda_item_id,
        "speakers": speakers(meeting),
        "vote": vote_state,
        "presence": presence(meeting),
        "me": {
            "user": user.username,
            "role": participant.role if participant else None,
            "is_chair": user.id == meeting.chair_id,
            "attendance": participant.attendance if participant else None,
        },
    }


def meeting_for_room(meeting_id: Any) -> Meeting:
    return get_meeting(meeting_id)
