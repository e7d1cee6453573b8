"""Votes (biểu quyết): open, one ballot per present participant, close with the result.

Counters, not ballots, hold the choices of a secret vote, so nothing links a voter to a
choice; an open vote also keeps each voter's choice for the record."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core import audit
from core.access import owned_row
from core.db import utcnow
from core.errors import Conflict, Forbidden, NotFound
from core.extensions import db
from meetings.access import MeetingStanding
from meetings.models import (
    Attendance,
    Meeting,
    MeetingStatus,
    Vote,
    VoteChoice,
    VoteParticipation,
    VoteStatus,
)
from meetings.presence import member_count, present_count
from meetings.quorum import quorum
from meetings.schemas import OpenVoteIn
from meetings.services import get_agenda_item
from meetings.shapes import vote_result

COUNTERS = {
    VoteChoice.YES: Vote.yes_count,
    VoteChoice.NO: Vote.no_count,
    VoteChoice.ABSTAIN: Vote.abstain_count,
}


def open_vote_of(meeting: Meeting) -> Vote | None:
    return db.session.scalar(
        select(Vote).where(Vote.meeting_id == meeting.id, Vote.status == VoteStatus.OPEN)
    )


def _cast_count(vote: Vote) -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(VoteParticipation)
            .where(VoteParticipation.vote_id == vote.id)
        )
        or 0
    )


def tally(meeting_id: int, vote: Vote) -> dict[str, Any]:
    """``vote_tally``: how many have voted out of how many present."""
    return {"vote_id": vote.id, "cast": _cast_count(vote), "eligible": present_count(meeting_id)}


def open_vote(chair: MeetingStanding, data: OpenVoteIn) -> dict[str, Any]:
    meeting = chair.meeting
    if meeting.status != MeetingStatus.IN_PROGRESS:
        raise Conflict("meeting_not_in_progress", _l("Chỉ biểu quyết khi cuộc họp đang diễn ra."))
    if open_vote_of(meeting) is not None:
        raise Conflict("vote_already_open", _l("Đang có một biểu quyết chưa kết thúc."))
    item_id = meeting.current_agenda_item_id
    if data.agenda_item_id is not None:
        item_id = get_agenda_item(meeting, data.agenda_item_id).id
    members = member_count(meeting.id)
    now = quorum(meeting.kind, members, present_count(meeting.id))
    if not now["met"] and not data.despite_no_quorum:
        raise _no_quorum(now)
    vote = Vote(
        meeting_id=meeting.id,
        agenda_item_id=item_id,
        question=data.question,
        secret=data.secret,
        members=members,
        pass_base=now["pass_base"],
        quorum_met=now["met"],
    )
    db.session.add(vote)
    db.session.flush()
    audit.record(
        "vote.opened",
        chair.user.id,
        "vote",
        vote.id,
        {
            "meeting": meeting.id,
            "question": vote.question,
            "secret": vote.secret,
            "quorum": {k: now[k] for k in ("members", "present", "required", "met")},
        },
    )
    return {
        "vote_id": vote.id,
        "question": vote.question,
        "secret": vote.secret,
        "agenda_item_id": vote.agenda_item_id,
    }


def _no_quorum(now: dict[str, Any]) -> Conflict:
    """The chair's warning: a vote without a quorum cannot decide (they may still open it)."""
    return Conflict(
        "no_quorum",
        _l(
            "Chưa đủ số thành viên cần thiết: có mặt %(present)s/%(members)s, cần ít nhất "
            "%(required)s. Biểu quyết lúc này sẽ được ghi là không đủ số lượng.",
            present=now["present"],
            members=now["members"],
            required=now["required"],
        ),
        quorum=now,
    )


def get_vote(meeting_id: int, vote_id: int) -> Vote:
    missing = NotFound("vote_not_found", _l("Không tìm thấy biểu quyết."))
    return owned_row(Vote, vote_id, missing, meeting_id=meeting_id)


def cast_vote(attendee: MeetingStanding, vote_id: int, choice: VoteChoice) -> dict[str, Any]:
    """One ballot per present participant; a secret ballot only moves a counter."""
    vote = get_vote(attendee.meeting.id, vote_id)
    if vote.status != VoteStatus.OPEN:
        raise Conflict("vote_closed", _l("Biểu quyết đã kết thúc."))
    if attendee.attendee.attendance != Attendance.PRESENT:
        raise Forbidden("not_present", _l("Chỉ đại biểu có mặt mới được biểu quyết."))
    user_id = attendee.user.id
    already = db.session.scalar(
        select(VoteParticipation.id).where(
            VoteParticipation.vote_id == vote.id, VoteParticipation.user_id == user_id
        )
    )
    if already is not None:
        raise Conflict("already_voted", _l("Bạn đã biểu quyết rồi."))
    db.session.add(
        VoteParticipation(vote_id=vote.id, user_id=user_id, choice=None if vote.secret else choice)
    )
    try:
        db.session.flush()  # the unique (vote, user) constraint stops a concurrent double ballot
    except IntegrityError:
        # the same person's other device won the race; the caller rolls back
        raise Conflict("already_voted", _l("Bạn đã biểu quyết rồi.")) from None
    column = COUNTERS[choice]
    db.session.execute(update(Vote).where(Vote.id == vote.id).values({column: column + 1}))
    return tally(attendee.meeting.id, vote)


def close_vote(chair: MeetingStanding, vote_id: int) -> dict[str, Any]:
    vote = get_vote(chair.meeting.id, vote_id)
    if vote.status != VoteStatus.OPEN:
        raise Conflict("vote_already_closed", _l("Biểu quyết này đã kết thúc."))
    db.session.refresh(vote)
    vote.status, vote.closed_at = VoteStatus.CLOSED, utcnow()
    vote.eligible = present_count(chair.meeting.id)
    if vote.members is None:  # opened before votes kept their rule
        vote.members = member_count(chair.meeting.id)
    db.session.flush()
    result = vote_result(vote)
    audit.record("vote.closed", chair.user.id, "vote", vote.id, result)
    return result


def voted(vote: Vote, user_id: int) -> bool:
    return (
        db.session.scalar(
            select(VoteParticipation.id).where(
                VoteParticipation.vote_id == vote.id, VoteParticipation.user_id == user_id
            )
        )
        is not None
    )
