"""Votes (biểu quyết): open, one ballot per present participant, close with the result.

Counters, not ballots, hold the choices of a secret vote, so nothing links a voter to a
choice; an open vote also keeps each voter's choice for the record."""

from __future__ import annotations

from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Insert, Select, Table, Update, bindparam, case, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError

from core import audit
from core.access import owned_row
from core.db import prepared, utcnow
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


def _cast(vote: Vote) -> int:
    """Ballots counted so far: every ballot moves exactly one counter."""
    return vote.yes_count + vote.no_count + vote.abstain_count


def tally(meeting_id: int, vote: Vote) -> dict[str, Any]:
    """``vote_tally``: how many have voted out of how many present."""
    return {"vote_id": vote.id, "cast": _cast(vote), "eligible": present_count(meeting_id)}


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


def ballot_check(attendee: MeetingStanding, vote_id: int) -> tuple[Vote, int]:
    """Reads before a ballot: the open vote and how many are present (eligible)."""
    vote = get_vote(attendee.meeting.id, vote_id)
    if vote.status != VoteStatus.OPEN:
        raise Conflict("vote_closed", _l("Biểu quyết đã kết thúc."))
    if attendee.attendee.attendance != Attendance.PRESENT:
        raise Forbidden("not_present", _l("Chỉ đại biểu có mặt mới được biểu quyết."))
    return vote, present_count(attendee.meeting.id)


def record_ballot(
    attendee: MeetingStanding, vote: Vote, choice: VoteChoice, eligible: int
) -> dict[str, Any]:
    """The ballot's writes, two prepared statements: the participation row (its unique
    (vote, user) constraint refuses a second ballot, even one sent in the same millisecond
    from another device) and one ``UPDATE … WHERE status = 'open' RETURNING`` of the
    counter, which also refuses a ballot that lost the race with the close."""
    row = {"vote_id": vote.id, "user_id": attendee.user.id}
    try:
        db.session.execute(_participation(), row | {"choice": None if vote.secret else choice})
    except IntegrityError:
        # this person's ballot is already in (from this or another device); the caller
        # rolls back
        raise Conflict("already_voted", _l("Bạn đã biểu quyết rồi.")) from None
    ballots = db.session.execute(_count_ballot(choice), {"vote_id": vote.id}).scalar()
    if ballots is None:
        raise Conflict("vote_closed", _l("Biểu quyết đã kết thúc."))
    return {"vote_id": vote.id, "cast": ballots, "eligible": eligible}


@prepared
def _participation() -> Insert:
    table = cast(Table, VoteParticipation.__table__)
    return insert(table).values(
        vote_id=bindparam("vote_id"), user_id=bindparam("user_id"), choice=bindparam("choice")
    )


@prepared
def _count_ballot(choice: VoteChoice) -> Update:
    """The counter of ``choice`` plus one, while the vote is open; returns the ballots."""
    table = cast(Table, Vote.__table__)
    counter = table.c[COUNTERS[choice].key]
    return (
        update(table)
        .where(table.c.id == bindparam("vote_id"), table.c.status == VoteStatus.OPEN)
        .values({counter: counter + 1})
        .returning(table.c.yes_count + table.c.no_count + table.c.abstain_count)
    )


def cast_vote(attendee: MeetingStanding, vote_id: int, choice: VoteChoice) -> dict[str, Any]:
    """One ballot per present participant; a secret ballot only moves a counter."""
    vote, eligible = ballot_check(attendee, vote_id)
    return record_ballot(attendee, vote, choice, eligible)


def close_vote(chair: MeetingStanding, vote_id: int) -> dict[str, Any]:
    vote = get_vote(chair.meeting.id, vote_id)
    if vote.status != VoteStatus.OPEN:
        raise Conflict("vote_already_closed", _l("Biểu quyết này đã kết thúc."))
    # Close first, then read the counters: on PostgreSQL the UPDATE holds the row, so a
    # ballot still in flight either committed before (and is read) or finds it closed.
    closed: CursorResult[Any] = db.session.execute(  # type: ignore[assignment]
        update(Vote)
        .where(Vote.id == vote.id, Vote.status == VoteStatus.OPEN)
        .values(status=VoteStatus.CLOSED, closed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if not closed.rowcount:
        raise Conflict("vote_already_closed", _l("Biểu quyết này đã kết thúc."))
    db.session.refresh(vote)
    vote.eligible = present_count(chair.meeting.id)
    if vote.members is None:  # opened before votes kept their rule
        vote.members = member_count(chair.meeting.id)
    db.session.flush()
    result = vote_result(vote)
    audit.record("vote.closed", chair.user.id, "vote", vote.id, result)
    return result


@prepared
def _ballot_of() -> Select[int]:
    return select(VoteParticipation.id).where(
        VoteParticipation.vote_id == bindparam("vote_id"),
        VoteParticipation.user_id == bindparam("user_id"),
    )


def voted(vote: Vote, user_id: int) -> bool:
    return db.session.scalar(_ballot_of(), {"vote_id": vote.id, "user_id": user_id}) is not None


@prepared
def _current_vote() -> Select[Vote]:
    return (
        select(Vote)
        .where(Vote.meeting_id == bindparam("meeting_id"))
        .order_by(
            case((Vote.status == VoteStatus.OPEN, 0), else_=1),
            Vote.closed_at.desc(),
            Vote.id.desc(),
        )
        .limit(1)
    )


def current_vote(meeting: Meeting) -> Vote | None:
    """The open vote, or else the most recently closed one (one query): the room state
    shows the first and, to a device that was away while it closed, the result of the
    second."""
    return db.session.scalar(_current_vote(), {"meeting_id": meeting.id})
