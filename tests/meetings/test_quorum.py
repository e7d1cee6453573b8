"""Quorum and the pass rule: a council decides on its whole membership, a briefing on
those present; the chair is warned before opening a vote without a quorum."""

from __future__ import annotations

import pytest

from core.extensions import db
from meetings.models import MeetingKind, Vote
from meetings.quorum import COUNCIL, quorum
from tests.meetings.checks import raises
from tests.meetings.factories import cast, close, open_vote, present, started

pytestmark = pytest.mark.db

SEVEN = ["daibieu", "daibieu.phunhuan", "vanthu", "daibieu.tayloc", "chutich.phunhuan"]


@pytest.mark.parametrize(("members", "required"), [(1, 1), (3, 2), (4, 3), (7, 5), (9, 6)])
def test_a_council_needs_two_thirds_of_its_members(members, required):
    assert COUNCIL.required(members) == required


def test_a_briefing_needs_no_quorum_and_decides_on_those_present():
    now = quorum(MeetingKind.BRIEFING, 7, 0)
    assert (now["required"], now["met"], now["pass_base"]) == (0, True, "present")


def test_without_a_quorum_the_chair_is_warned_and_nothing_is_opened(demo):
    meeting = started(participants=SEVEN)
    present(meeting, "chutich", "thuky")  # 2 of 7
    error = raises("no_quorum", 409, open_vote, meeting, "Q", despite_no_quorum=False)
    assert error.details["quorum"] == {
        "members": 7, "present": 2, "required": 5, "met": False, "pass_base": "members",
    }
    assert "2/7" in str(error.message) and "5" in str(error.message)
    assert db.session.query(Vote).count() == 0


def test_opened_anyway_two_of_seven_agreeing_do_not_pass_and_the_record_says_so(demo):
    meeting = started(participants=SEVEN)
    present(meeting, "chutich", "thuky")
    vote_id = open_vote(meeting, "Thông qua báo cáo?", despite_no_quorum=True)
    db.session.commit()
    for name in ("chutich", "thuky"):
        cast(meeting, name, vote_id, "yes")
        db.session.commit()
    result = close(meeting, vote_id)
    db.session.commit()
    # 100% of those present, but only 2 of 7 members: not passed
    assert (result["share_of_present"], result["share_of_members"]) == (100.0, 28.6)
    assert result["passed"] is False and result["quorum_met"] is False


def test_more_than_half_of_all_members_passes(demo):
    meeting = started(participants=SEVEN)
    present(meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan", "vanthu")
    vote_id = open_vote(meeting, "Q", despite_no_quorum=False)  # 5 of 7: a quorum
    db.session.commit()
    for name in ("chutich", "thuky", "daibieu", "daibieu.phunhuan"):
        cast(meeting, name, vote_id, "yes")
        db.session.commit()
    result = close(meeting, vote_id)
    assert result["passed"] is True and result["quorum_met"] is True


def test_a_briefing_passes_on_a_majority_of_those_present(demo):
    meeting = started(participants=SEVEN, kind="briefing")
    present(meeting, "chutich", "thuky", "daibieu")
    vote_id = open_vote(meeting, "Q", despite_no_quorum=False)
    db.session.commit()
    for name in ("chutich", "thuky"):
        cast(meeting, name, vote_id, "yes")
        db.session.commit()
    result = close(meeting, vote_id)
    assert result["passed"] is True and result["pass_base"] == "present"
