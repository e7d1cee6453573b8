"""The /meetings live room with real Socket.IO clients: the speaker queue and votes
(see test_sockets_room.py for how events are awaited)."""

from __future__ import annotations

import functools

import pytest
from sqlalchemy import create_engine, text

from tests.meetings.devices import at_once, joined
from tests.meetings.factories import HUGE_ID

pytestmark = pytest.mark.sockets


# -- the speaker queue --------------------------------------------------------------------


def test_speaker_queue(people, live_meeting):
    chair, first, second, observer = joined(
        people, live_meeting, "chutich", "daibieu", "daibieu.phunhuan", "thuky"
    )
    ack = first.ok("request_floor")
    assert [q["user"] for q in ack["queue"]] == ["daibieu"]
    assert [q["user"] for q in observer.wait("speakers_changed")["queue"]] == ["daibieu"]
    first.refused("request_floor", "already_requested")
    second.ok("request_floor")
    state = observer.wait("speakers_changed", lambda d: len(d["queue"]) == 2)
    assert [q["user"] for q in state["queue"]] == ["daibieu", "daibieu.phunhuan"]

    mark = observer.mark()
    second.refused("grant_floor", "not_chair", user="daibieu.phunhuan")
    observer.refused("grant_floor", "not_chair", user="daibieu")  # the secretary neither
    chair.ok("grant_floor", user="daibieu")
    state = observer.wait("speakers_changed", since=mark)
    assert observer.received("speakers_changed", since=mark) == [state]  # refusals sent nothing
    assert state["speaking"]["user"] == "daibieu"
    assert [q["user"] for q in state["queue"]] == ["daibieu.phunhuan"]

    mark = observer.mark()
    chair.ok("grant_floor", user="daibieu.phunhuan")  # the previous speaker is done
    state = observer.wait("speakers_changed", since=mark)
    assert state == {"queue": [], "speaking": state["speaking"]}
    assert state["speaking"]["user"] == "daibieu.phunhuan"
    mark = observer.mark()
    second.ok("release_floor")
    assert observer.wait("speakers_changed", since=mark) == {"queue": [], "speaking": None}
    second.refused("release_floor", "not_in_queue")


# -- votes ------------------------------------------------------------------------------


def test_vote_open_cast_tally_close(people, live_meeting, live_server, tokens):
    chair, secretary, yes_voter, no_voter, absentee = joined(
        people, live_meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan", "chutich.phunhuan"
    )
    secretary.ok("mark_attendance", user="chutich.phunhuan", status="absent", reason="Họp khác")
    item = live_meeting["agenda_item_id"]

    yes_voter.refused("open_vote", "not_chair", question="?")
    opened = chair.ok("open_vote", despite_no_quorum=True, agenda_item_id=item,
                      question="Thông qua báo cáo?", secret=False)
    vote_id = opened["vote_id"]
    for member in (secretary, yes_voter, no_voter, absentee):
        assert member.wait("vote_opened") == {
            "vote_id": vote_id,
            "question": "Thông qua báo cáo?",
            "secret": False,
            "agenda_item_id": item,
        }
    chair.refused("open_vote", "vote_already_open", question="Câu khác")

    assert chair.ok("cast_vote", vote_id=vote_id, choice="yes")["cast"] == 1
    yes_voter.ok("cast_vote", vote_id=vote_id, choice="yes")
    no_voter.ok("cast_vote", vote_id=vote_id, choice="no")
    tally = secretary.wait("vote_tally", lambda d: d["cast"] == 3)
    assert tally == {"vote_id": vote_id, "cast": 3, "eligible": 4}

    yes_voter.refused("cast_vote", "already_voted", vote_id=vote_id, choice="no")
    absentee.refused("cast_vote", "not_present", vote_id=vote_id, choice="yes")
    secretary.refused("cast_vote", "invalid_choice", vote_id=vote_id, choice="có")
    secretary.refused("cast_vote", "invalid_id", vote_id=HUGE_ID, choice="yes")
    secretary.ok("cast_vote", vote_id=vote_id, choice="abstain")  # sentinel
    secretary.wait("vote_tally", lambda d: d["cast"] == 4)
    yes_voter.wait("vote_tally", lambda d: d["cast"] == 4)  # each client receives in its own time
    # Tallies are coalesced: one broadcast at a time per vote, re-read when ballots landed
    # meanwhile. So counts never go back, never exceed one message per ballot, end at 4.
    counts = [t["cast"] for t in yes_voter.received("vote_tally")]
    assert counts == sorted(counts) and counts[-1] == 4 and len(counts) <= 4, counts

    yes_voter.refused("close_vote", "not_chair", vote_id=vote_id)
    closed = chair.ok("close_vote", vote_id=vote_id)
    expected = {"vote_id": vote_id, "yes": 2, "no": 1, "abstain": 1, "eligible": 4}
    assert {k: closed[k] for k in expected} == expected
    for member in (secretary, yes_voter, no_voter, absentee):
        result = member.wait("vote_closed")
        assert {k: result[k] for k in expected} == expected
    chair.refused("close_vote", "vote_already_closed", vote_id=vote_id)
    no_voter.refused("cast_vote", "vote_closed", vote_id=vote_id, choice="yes")

    record = live_server.api("GET", f"/api/v1/meetings/{live_meeting['id']}/record",
                             tokens("thuky")).json()
    (vote,) = record["votes"]
    assert (vote["yes"], vote["no"], vote["abstain"], vote["eligible"], vote["status"]) == (
        2, 1, 1, 4, "closed",
    )


def test_two_devices_voting_at_once_cast_one_ballot(people, live_meeting):
    """A double tap on phone and tablet: one ballot counts, the other is already_voted."""
    chair, phone, tablet = joined(people, live_meeting, "chutich", "daibieu", "daibieu")
    for round_ in range(4):
        question = f"Nội dung {round_ + 1}"
        vote_id = chair.ok("open_vote", despite_no_quorum=True, question=question)["vote_id"]
        acks = at_once(
            [
                functools.partial(phone.call, "cast_vote", vote_id=vote_id, choice="yes"),
                functools.partial(tablet.call, "cast_vote", vote_id=vote_id, choice="no"),
            ]
        )
        assert sorted(a["ok"] for a in acks) == [False, True], acks
        assert [a["error"]["code"] for a in acks if not a["ok"]] == ["already_voted"]
        closed = chair.ok("close_vote", vote_id=vote_id)
        assert closed["yes"] + closed["no"] == 1, closed


def test_secret_vote_over_the_wire_stores_no_choice(people, live_meeting, live_server):
    chair, *voters = joined(people, live_meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    vote_id = chair.ok("open_vote", despite_no_quorum=True, question="Bầu trưởng ban",
                       secret=True)["vote_id"]
    assert voters[0].wait("vote_opened")["secret"] is True
    for member, choice in zip([chair, *voters], ["yes", "yes", "no", "abstain"], strict=True):
        tally = member.ok("cast_vote", vote_id=vote_id, choice=choice)
        assert set(tally) == {"ok", "vote_id", "cast", "eligible"}  # no choice echoed
    closed = chair.ok("close_vote", vote_id=vote_id)
    assert (closed["yes"], closed["no"], closed["abstain"], closed["eligible"]) == (2, 1, 1, 4)

    engine = create_engine(live_server.env["DATABASE_URL"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT user_id, choice FROM vote_participation WHERE vote_id = :v"),
                {"v": vote_id},
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == 4
    assert all(choice is None for _, choice in rows)


