"""The live room's whole state (phòng họp trực tuyến), sent to a device on (re)joining."""

from __future__ import annotations

from typing import Any

from core.live_document import live_state
from meetings.access import MeetingStanding
from meetings.models import VoteStatus
from meetings.presence import room_presence
from meetings.shapes import vote_result
from meetings.speakers import speakers
from meetings.votes import current_vote, tally, voted


def room_state(attendee: MeetingStanding) -> dict[str, Any]:
    """Page, presenter, agenda item, speaker queue, open vote, the last closed vote's
    result and presence: a constant number of queries whatever the room's size."""
    meeting, user, participant = attendee.meeting, attendee.user, attendee.participant
    vote = current_vote(meeting)
    vote_state, closed_vote = None, None
    if vote is not None and vote.status != VoteStatus.OPEN:
        closed_vote = vote_result(vote)
    elif vote is not None:
        vote_state = {
            "question": vote.question,
            "secret": vote.secret,
            **tally(meeting.id, vote),
            "voted": voted(vote, user.id),
        }
    return {
        "meeting_id": meeting.id,
        "status": meeting.status,
        **live_state(meeting),
        "agenda_item_id": meeting.current_agenda_item_id,
        "speakers": speakers(meeting),
        "vote": vote_state,
        "closed_vote": closed_vote,
        "presence": room_presence(meeting),
        "me": {
            "user": user.username,
            "role": participant.role if participant else None,
            "is_chair": attendee.is_chair,
            "attendance": participant.attendance if participant else None,
        },
    }
