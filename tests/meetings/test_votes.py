"""Votes (meetings.votes): opening, one ballot per present participant, the tally, the
result, secret ballots, and the audit trail."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, insert, select

from core import audit
from core.extensions import db
from core.schemas import parse
from meetings import record, room, votes
from meetings.models import Vote, VoteParticipation
from meetings.schemas import BallotIn, OpenVoteIn
from tests.meetings.checks import count, raises
from tests.meetings.factories import (
    CHAIR,
    PARTICIPATE,
    acting,
    cast,
    close,
    make_meeting,
    mark,
    open_vote,
    present,
    started,
    user,
)

pytestmark = pytest.mark.db


def counters(vote_id: int) -> tuple[int, int, int]:
    vote = db.session.get(Vote, vote_id)
    db.session.refresh(vote)
    return vote.yes_count, vote.no_count, vote.abstain_count


def test_open_vote_rules(demo):
    scheduled = make_meeting()
    raises("meeting_not_in_progress", 409, open_vote, scheduled, "Q")
    meeting = started()
    raises("not_chair", 403, acting, meeting, "thuky", PARTICIPATE, CHAIR)
    raises("invalid_question", 422, parse, OpenVoteIn, {"question": " "})
    raises("agenda_item_not_found", 404, open_vote, meeting, "Q", agenda_item_id=99999)
    vote_id = open_vote(meeting, "Q")
    db.session.commit()
    assert db.session.get(Vote, vote_id).agenda_item_id == meeting.agenda[0].id  # the current
    raises("vote_already_open", 409, open_vote, meeting, "R")
    assert count(Vote) == 1


def test_open_vote_counts_and_stores_choices(demo):
    meeting = started(participants=["daibieu", "daibieu.phunhuan", "vanthu"])
    present(meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    mark(meeting, "vanthu", "absent", "Ốm")
    db.session.commit()
    vote_id = open_vote(meeting, "Thông qua báo cáo?")
    db.session.commit()

    for name, choice in [("chutich", "yes"), ("thuky", "yes"), ("daibieu", "no")]:
        tally = cast(meeting, name, vote_id, choice)
        db.session.commit()
    assert tally == {"vote_id": vote_id, "cast": 3, "eligible": 4}

    raises("already_voted", 409, cast, meeting, "daibieu", vote_id, "yes")
    raises("invalid_choice", 422, parse, BallotIn, {"vote_id": vote_id, "choice": "maybe"})
    raises("not_present", 403, cast, meeting, "vanthu", vote_id, "yes")
    raises("not_participant", 403, acting, meeting, "admin", PARTICIPATE)
    raises("vote_not_found", 404, cast, meeting, "daibieu", 999_999, "yes")
    assert counters(vote_id) == (2, 1, 0)
    assert votes.tally(meeting.id, db.session.get(Vote, vote_id))["cast"] == 3

    raises("not_chair", 403, acting, meeting, "daibieu", PARTICIPATE, CHAIR)
    result = close(meeting, vote_id)
    db.session.commit()
    assert result == {
        "vote_id": vote_id,
        "question": "Thông qua báo cáo?",
        "secret": False,
        "yes": 2,
        "no": 1,
        "abstain": 0,
        "eligible": 4,
        "members": 5,
        "pass_base": "members",
        "pass_rule": "quá nửa tổng số thành viên tán thành",
        "quorum_met": True,  # 4 of 5 present, 4 needed
        "share_of_members": 40.0,
        "share_of_present": 50.0,
        "passed": False,  # 2 of 5 members is not more than half
    }
    raises("vote_already_closed", 409, close, meeting, vote_id)
    raises("vote_closed", 409, cast, meeting, "daibieu.phunhuan", vote_id, "yes")

    choices = dict(
        db.session.execute(
            select(VoteParticipation.user_id, VoteParticipation.choice).where(
                VoteParticipation.vote_id == vote_id
            )
        ).all()
    )
    assert choices == {
        user("chutich").id: "yes",
        user("thuky").id: "yes",
        user("daibieu").id: "no",
    }
    vote = db.session.get(Vote, vote_id)
    assert (vote.status, vote.eligible, vote.yes_count, vote.no_count) == ("closed", 4, 2, 1)


def test_a_vote_of_another_meeting_is_not_found(demo):
    meeting, other = started(), started(title="Họp khác")
    present(other, "chutich")
    vote_id = open_vote(other, "Q")
    db.session.commit()
    present(meeting, "chutich")
    raises("vote_not_found", 404, cast, meeting, "chutich", vote_id, "yes")
    raises("vote_not_found", 404, close, meeting, vote_id)
    assert counters(vote_id) == (0, 0, 0)


def test_secret_vote_keeps_no_link_from_voter_to_choice(demo):
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    present(meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    vote_id = open_vote(meeting, "Bầu trưởng ban", secret=True)
    db.session.commit()
    ballots = [("chutich", "yes"), ("thuky", "no"), ("daibieu", "abstain"),
               ("daibieu.phunhuan", "yes")]
    for name, choice in ballots:
        cast(meeting, name, vote_id, choice)
        db.session.commit()
    raises("already_voted", 409, cast, meeting, "thuky", vote_id, "yes")

    rows = db.session.scalars(
        select(VoteParticipation).where(VoteParticipation.vote_id == vote_id)
    ).all()
    assert len(rows) == 4
    assert all(row.choice is None for row in rows)
    assert {row.user.username for row in rows} == {name for name, _ in ballots}

    # the room state tells a voter that they voted, not what
    state = room.room_state(acting(meeting, "thuky", PARTICIPATE))
    assert state["vote"]["voted"] is True
    assert "choice" not in json.dumps(state["vote"])

    result = close(meeting, vote_id)
    db.session.commit()
    assert (result["yes"], result["no"], result["abstain"], result["eligible"]) == (2, 1, 1, 4)
    assert result["passed"] is False  # 2 of 4

    # nowhere else: not in the audit log, not in the record
    for entry in db.session.scalars(select(audit.AuditEntry)):
        data = json.loads(entry.data)
        assert not {"choice", "user", "voter"} & set(data), entry.action
    recorded = record.meeting_record(meeting)["votes"]
    assert set(recorded[0]) == {
        "vote_id", "question", "secret", "yes", "no", "abstain", "eligible", "passed",
        "status", "closed", "agenda_item", "agenda_item_id", "members", "pass_base", "pass_rule",
        "quorum_met", "share_of_members", "share_of_present",
    }


def test_a_ballot_that_loses_a_race_with_another_device_is_already_voted(demo):
    """Both devices of one person pass the 'already voted?' check at once; the database's
    unique (vote, user) stops the second ballot, which must be a 409, not a crash. The
    other device's row is committed just before this ballot's INSERT runs."""
    meeting = started(participants=["daibieu"])
    present(meeting, "chutich", "daibieu")
    vote_id = open_vote(meeting, "Thông qua?")
    db.session.commit()
    voter = user("daibieu")
    session = db.session()

    raced = []

    def other_device(execution):
        target = getattr(execution.statement, "table", None)
        if not raced and execution.is_insert and target.name == "vote_participation":
            raced.append(True)
            with db.engine.begin() as conn:  # commits before our flush goes on
                conn.execute(
                    insert(VoteParticipation).values(
                        vote_id=vote_id, user_id=voter.id, choice="yes"
                    )
                )

    event.listen(session, "do_orm_execute", other_device)
    try:
        raises("already_voted", 409, cast, meeting, "daibieu", vote_id, "no")
    finally:
        event.remove(session, "do_orm_execute", other_device)
    assert raced
    rows = db.session.scalars(
        select(VoteParticipation.choice).where(VoteParticipation.vote_id == vote_id)
    ).all()
    assert rows == ["yes"]
    assert counters(vote_id)[1] == 0  # the losing ballot counted nothing


def test_votes_are_audited_and_the_chain_verifies(demo):
    meeting = started(participants=["daibieu"])
    present(meeting, "chutich", "daibieu")
    chair = user("chutich")
    vote_id = open_vote(meeting, "Thông qua?")
    db.session.commit()
    cast(meeting, "chutich", vote_id, "yes")
    cast(meeting, "daibieu", vote_id, "yes")
    db.session.commit()
    close(meeting, vote_id)
    db.session.commit()

    entries = db.session.scalars(
        select(audit.AuditEntry).where(
            audit.AuditEntry.object_type == "vote", audit.AuditEntry.object_id == str(vote_id)
        ).order_by(audit.AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == ["vote.opened", "vote.closed"]
    assert all(e.actor_id == chair.id for e in entries)
    closed = json.loads(entries[1].data)
    assert (closed["yes"], closed["no"], closed["eligible"], closed["passed"]) == (2, 0, 2, True)
    report = audit.verify_chain()
    assert report.ok, report
    assert report.entries >= 4

    # tampering with the recorded result is detected
    entries[1].data = entries[1].data.replace('"yes": 2', '"yes": 1')
    db.session.commit()
    broken = audit.verify_chain()
    assert not broken.ok and broken.broken_at == entries[1].id
