"""Ending a meeting settles it: the floor and an open vote do not outlive the meeting."""

from __future__ import annotations

import pytest

from core.extensions import db
from meetings import lifecycle, minutes, speakers
from meetings.access import MeetingRight
from meetings.models import Attendance, SpeakerRequest, SpeakerStatus, Vote, VoteStatus
from meetings.record import meeting_record
from tests.meetings.factories import acting, cast, mark, open_vote, participant, present, started

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


def test_who_never_checked_in_is_absent_once_the_meeting_ends(demo, client, auth):
    """During the meeting "chưa điểm danh"; after it, "vắng mặt" without a reason (a reason
    given by the secretary stays), and the record page and the minutes say so."""
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    present(meeting, "chutich", "thuky")
    mark(meeting, "daibieu.phunhuan", "absent", "Đi công tác")
    db.session.commit()
    assert participant(meeting, "daibieu").attendance == Attendance.INVITED
    assert "Chưa điểm danh: " in minutes.draft_minutes(meeting)

    lifecycle.end(acting(meeting, "chutich", MANAGE))
    db.session.commit()

    assert participant(meeting, "daibieu").attendance == Attendance.ABSENT
    assert participant(meeting, "daibieu.phunhuan").absence_reason == "Đi công tác"
    text = minutes.draft_minutes(meeting)
    assert "Chưa điểm danh" not in text
    assert "(Đi công tác)" in text and "(không lý do)" in text
    auth.login("thuky")
    page = client.get(f"/meetings/{meeting.id}/record").get_data(True)
    assert "Vắng mặt (không lý do)" in page and "Vắng mặt (có lý do)" in page
    assert "Chưa điểm danh" not in page
