"""Ending a meeting settles it: the floor and an open vote do not outlive the meeting."""

from __future__ import annotations

import pytest

from core.extensions import db
from meetings import lifecycle, speakers
from meetings.access import MeetingRight
from meetings.models import SpeakerRequest, SpeakerStatus, Vote, VoteStatus
from meetings.record import meeting_record
from tests.meetings.factories import acting, cast, open_vote, present, started

pytestmark = pytest.mark.db
MANAGE, PARTICIPATE = MeetingRight.MANAGE, MeetingRight.PARTICIPATE


def test_ending_closes_the_open_vote_and_the_floor(demo):
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    present(meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    vote_id = open_vote(meeting, "Thông qua kế hoạch?")
    cast(meeting, "daibieu", vote_id, "yes")
    cast(meeting, "thuky", vote_id, "no")
    chair = acting(meeting, "chutich", PARTICIPATE)
    speakers.grant_floor(chair, "daibieu")
    speakers.request_floor(acting(meeting, "daibieu.phunhuan", PARTICIPATE))
    db.session.commit()

    lifecycle.end(acting(meeting, "thuky", MANAGE))
    db.session.commit()

    vote = db.session.get(Vote, vote_id)
    assert (vote.status, vote.yes_count, vote.no_count, vote.eligible) == (
        VoteStatus.CLOSED, 1, 1, 4
    )
    states = {
        r.user.username: r.status
        for r in db.session.scalars(
            db.select(SpeakerRequest).where(SpeakerRequest.meeting_id == meeting.id)
        )
    }
    assert states == {"daibieu": SpeakerStatus.DONE, "daibieu.phunhuan": SpeakerStatus.WITHDRAWN}
    assert speakers.speakers(meeting) == {"queue": [], "speaking": None}
    record = meeting_record(meeting)
    assert all(s["finished_at"] for s in record["speakers"])
    assert [v["closed"] for v in record["votes"]] == [True]


def test_ending_a_quiet_meeting_changes_nothing_else(demo):
    meeting = started()
    lifecycle.end(acting(meeting, "chutich", MANAGE))
    db.session.commit()
    assert meeting.status == "ended"
    assert db.session.scalar(db.select(db.func.count()).select_from(Vote)) == 0


def test_ending_through_the_api_tells_the_room_the_vote_result(demo, client, h):
    meeting = started(participants=["daibieu"])
    present(meeting, "chutich", "daibieu")
    vote_id = open_vote(meeting, "Biểu quyết?")
    cast(meeting, "daibieu", vote_id, "abstain")
    db.session.commit()
    response = client.post(f"/api/v1/meetings/{meeting.id}/end", headers=h("chutich"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["status"] == "ended"
    result = client.get(f"/api/v1/meetings/{meeting.id}/record", headers=h("chutich")).get_json()
    assert result["votes"][0]["status"] == "closed" and result["votes"][0]["abstain"] == 1
