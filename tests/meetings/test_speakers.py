"""The speaker queue (meetings.speakers): asking for the floor, the chair giving it, a turn
or a request ending."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.extensions import db
from meetings import speakers
from meetings.models import Meeting, SpeakerRequest
from tests.meetings.checks import count, raises
from tests.meetings.factories import CHAIR, PARTICIPATE, acting, started, user

pytestmark = pytest.mark.db


def ask(meeting: Meeting, username: str) -> dict:
    return speakers.request_floor(acting(meeting, username, PARTICIPATE))


def grant(meeting: Meeting, username: str) -> dict:
    return speakers.grant_floor(acting(meeting, "chutich", PARTICIPATE, CHAIR), username)


def release(meeting: Meeting, by: str, username: str | None = None) -> dict:
    return speakers.release_floor(acting(meeting, by, PARTICIPATE), username)


def statuses(meeting: Meeting) -> list[str]:
    return list(
        db.session.scalars(
            select(SpeakerRequest.status)
            .where(SpeakerRequest.meeting_id == meeting.id)
            .order_by(SpeakerRequest.id)
        )
    )


def test_speaker_queue(demo):
    meeting = started()
    daibieu = user("daibieu")
    state = ask(meeting, "daibieu")
    db.session.commit()
    assert [q["user"] for q in state["queue"]] == ["daibieu"]
    raises("already_requested", 409, ask, meeting, "daibieu")
    ask(meeting, "daibieu.phunhuan")
    db.session.commit()
    assert [q["user"] for q in speakers.speakers(meeting)["queue"]] == [
        "daibieu",
        "daibieu.phunhuan",
    ]

    raises("not_chair", 403, acting, meeting, "thuky", PARTICIPATE, CHAIR)
    state = grant(meeting, "daibieu")
    db.session.commit()
    assert state["speaking"]["user"] == "daibieu"
    assert state["speaking"]["limit_seconds"] == speakers.DEFAULT_SPEAKING_SECONDS
    assert [q["user"] for q in state["queue"]] == ["daibieu.phunhuan"]
    # while speaking, asking again is still "already requested"
    raises("already_requested", 409, ask, meeting, "daibieu")

    state = grant(meeting, "daibieu.phunhuan")
    db.session.commit()
    assert state["speaking"]["user"] == "daibieu.phunhuan"
    assert state["queue"] == []
    first = db.session.scalar(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.user_id == daibieu.id
        )
    )
    assert first.status == "done" and first.finished_at is not None

    state = release(meeting, "daibieu.phunhuan")
    db.session.commit()
    assert state == {"queue": [], "speaking": None}
    raises("not_in_queue", 409, release, meeting, "daibieu.phunhuan")

    # withdrawing a waiting request, and the chair giving the floor to someone who did not ask
    ask(meeting, "daibieu")
    release(meeting, "daibieu")
    state = grant(meeting, "thuky")
    db.session.commit()
    assert state["speaking"]["user"] == "thuky" and state["queue"] == []
    raises("participant_not_found", 404, grant, meeting, "daibieu.tayloc")
    # the chair can end anyone's turn
    assert release(meeting, "chutich")["speaking"] is None
    db.session.commit()
    assert statuses(meeting) == ["done", "done", "withdrawn", "done"]


def test_outsiders_cannot_ask_for_the_floor(demo):
    meeting = started()
    raises("not_participant", 403, acting, meeting, "vanthu", PARTICIPATE)
    raises("meeting_not_found", 404, acting, meeting, "daibieu.tayloc", PARTICIPATE)
    assert count(SpeakerRequest) == 0


def test_only_the_chair_ends_someone_elses_turn(demo):
    meeting = started()
    ask(meeting, "daibieu")
    ask(meeting, "chutich")
    grant(meeting, "daibieu")
    db.session.commit()
    raises("not_chair", 403, release, meeting, "daibieu.phunhuan", "daibieu")
    raises("not_in_queue", 409, release, meeting, "chutich", "daibieu.phunhuan")
    # naming the speaker ends only their turn: the chair keeps their own place in the queue
    state = release(meeting, "chutich", "daibieu")
    db.session.commit()
    assert state["speaking"] is None
    assert [q["user"] for q in state["queue"]] == ["chutich"]
    assert statuses(meeting) == ["done", "waiting"]
