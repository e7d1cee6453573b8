"""Opening and closing a meeting (khai mạc, bế mạc), and what closing settles.

Ending a meeting makes it final: whoever still has the floor is done, waiting requests
are withdrawn and an open vote is closed with its result, so the record never shows a
speech or a vote still running after the end. Whoever never checked in is "chưa điểm
danh" while the meeting runs and becomes absent without a reason (vắng mặt không lý do)
when it ends; the record and the minutes use that final state.
"""

from __future__ import annotations

from meetings import services, speakers, votes
from meetings.access import MeetingStanding
from meetings.events import publish
from meetings.models import Attendance, Meeting, MeetingStatus


def start(organiser: MeetingStanding) -> Meeting:
    meeting = services.set_status(organiser, MeetingStatus.IN_PROGRESS)
    publish("meeting_status_changed", {"status": meeting.status}, meeting.id)
    return meeting


def end(organiser: MeetingStanding) -> Meeting:
    """End the meeting and settle the floor and the open vote (each room hears of it)."""
    meeting = organiser.meeting
    services.set_status(organiser, MeetingStatus.ENDED)
    settle_attendance(meeting)
    open_vote = votes.open_vote_of(meeting)
    if open_vote is not None:
        publish("vote_closed", votes.close_vote(organiser, open_vote.id), meeting.id)
    if speakers.close_queue(meeting):
        publish("speakers_changed", speakers.speakers(meeting), meeting.id)
    publish("meeting_status_changed", {"status": meeting.status}, meeting.id)
    return meeting


def settle_attendance(meeting: Meeting) -> int:
    """Participants still only invited when the meeting ends are absent (no reason given)."""
    unmarked = [p for p in meeting.participants if p.attendance == Attendance.INVITED]
    for participant in unmarked:
        participant.attendance = Attendance.ABSENT
        participant.absence_reason = participant.absence_reason or ""
    return len(unmarked)
