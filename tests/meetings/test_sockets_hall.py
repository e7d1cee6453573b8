"""A hall of devices (issue: join and reconnect storms, ballot bursts): several real
Socket.IO clients per rule, on the live server (SQLite, or PostgreSQL + Redis in CI).

No timings are asserted: only that everyone ends up knowing the same thing."""

from __future__ import annotations

import functools
import sqlite3
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from core import transaction
from core.extensions import db, socketio
from core.security import issue_token
from meetings import presence
from tests.meetings.devices import Member, at_once, joined
from tests.meetings.factories import started, user

pytestmark = pytest.mark.sockets

EVERYONE = ("chutich", "thuky", "daibieu", "daibieu.phunhuan", "chutich.phunhuan")


def _view(ack: dict[str, Any], member: Member) -> dict[str, bool]:
    """Who this device sees online: its join ack, then every presence_changed merged."""
    seen = {p["user"]: p["online"] for p in ack["presence"]["participants"]}
    for change in member.received("presence_changed"):
        people = change.get("changed") or ([change] if "user" in change else [])
        for person in people:
            seen[person["user"]] = person["online"]
    return seen


def test_joins_at_once_reach_every_device_in_batches(people, live_meeting):
    devices = [people(name) for name in EVERYONE]
    calls = [functools.partial(d.call, "join", meeting_id=live_meeting["id"]) for d in devices]
    acks = at_once(calls)
    assert all(a["ok"] for a in acks), acks
    by_user = {a["me"]["user"]: a for a in acks}
    everyone_online = {name: True for name in EVERYONE}
    for device in devices:
        ack = by_user[device.username]
        # the batches reach every device, the first to join included
        device.wait(
            "presence_changed", lambda _d, dv=device, a=ack: _view(a, dv) == everyone_online
        )
        for change in device.received("presence_changed"):
            assert {"present", "total", "quorum"} <= set(change)
            assert change["total"] == len(EVERYONE)
        assert len(device.received("presence_changed")) <= len(EVERYONE)


def test_a_device_fetches_the_list_it_lacks(people, live_meeting):
    chair, delegate = joined(people, live_meeting, "chutich", "daibieu")
    listing = delegate.ok("presence")
    assert {p["user"] for p in listing["participants"]} == set(EVERYONE)
    assert {p["user"]: p["online"] for p in listing["participants"]}["chutich"] is True
    assert listing["total"] == len(EVERYONE) and "quorum" in listing
    outsider = people("thuky")  # connected, not joined
    outsider.refused("presence", "not_joined")


def test_the_same_ballot_from_two_devices_of_several_people_counts_once(people, live_meeting):
    chair, *devices = joined(
        people,
        live_meeting,
        "chutich",
        "daibieu",
        "daibieu",
        "daibieu.phunhuan",
        "daibieu.phunhuan",
        "thuky",
        "thuky",
    )
    vote_id = chair.ok("open_vote", despite_no_quorum=True, question="Thông qua?")["vote_id"]
    acks = at_once(
        [functools.partial(d.call, "cast_vote", vote_id=vote_id, choice="yes") for d in devices]
    )
    assert sum(a["ok"] for a in acks) == 3, acks
    refused = [a["error"]["code"] for a in acks if not a["ok"]]
    assert refused == ["already_voted"] * 3
    assert all(a["error"]["message"] for a in acks if not a["ok"])
    tally = chair.wait("vote_tally", lambda d: d["cast"] == 3)
    assert tally["vote_id"] == vote_id
    closed = chair.ok("close_vote", vote_id=vote_id)
    assert (closed["yes"], closed["no"], closed["abstain"]) == (3, 0, 0)
    for device in devices:
        result = device.wait("vote_closed")
        assert result["yes"] == 3 and result["vote_id"] == vote_id


def test_a_device_away_while_the_vote_closes_gets_the_result_on_return(
    people, live_meeting, live_server, tokens
):
    chair, delegate = joined(people, live_meeting, "chutich", "daibieu")
    vote_id = chair.ok("open_vote", despite_no_quorum=True, question="Thông qua?")["vote_id"]
    assert delegate.ok("join", meeting_id=live_meeting["id"])["vote"]["vote_id"] == vote_id
    delegate.client.disconnect()
    closed = chair.ok("close_vote", vote_id=vote_id)
    back = people("daibieu")
    ack = back.ok("join", meeting_id=live_meeting["id"])
    assert ack["vote"] is None
    assert ack["closed_vote"]["vote_id"] == vote_id
    assert {k: ack["closed_vote"][k] for k in ("yes", "no", "abstain", "eligible")} == {
        k: closed[k] for k in ("yes", "no", "abstain", "eligible")
    }


def test_a_device_joining_as_the_vote_closes_ends_with_the_closed_result(people, live_meeting):
    (chair,) = joined(people, live_meeting, "chutich")
    for round_ in range(3):
        question = f"Nội dung {round_ + 1}"
        vote_id = chair.ok("open_vote", despite_no_quorum=True, question=question)["vote_id"]
        device = people("daibieu")
        acks = at_once(
            [
                functools.partial(device.call, "join", meeting_id=live_meeting["id"]),
                functools.partial(chair.call, "close_vote", vote_id=vote_id),
            ]
        )
        join_ack = next(a for a in acks if "presence" in a)
        assert all(a["ok"] for a in acks), acks
        if join_ack["vote"] is not None:  # the join read it open: the close reaches it
            assert join_ack["vote"]["vote_id"] == vote_id
            assert device.wait("vote_closed", lambda d, v=vote_id: d["vote_id"] == v)
        else:
            assert join_ack["closed_vote"]["vote_id"] == vote_id
        device.client.disconnect()


# -- a locked database: the join is tried again inside the server -----------------------


def _locked() -> OperationalError:
    return OperationalError(
        "UPDATE participant", {}, sqlite3.OperationalError("database is locked")
    )


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.db
def test_lock_conflicts_are_told_apart_from_other_errors():
    assert transaction.lock_conflict(_locked())
    assert transaction.lock_conflict(OperationalError("x", {}, _Orig("40001")))  # serialization
    assert transaction.lock_conflict(OperationalError("x", {}, _Orig("40P01")))  # deadlock
    assert not transaction.lock_conflict(IntegrityError("x", {}, _Orig("23505")))
    assert not transaction.lock_conflict(ValueError("database is locked"))


@pytest.mark.db
def test_a_join_that_meets_a_locked_database_is_tried_again(demo, monkeypatch):
    meeting = started(participants=["daibieu"])
    token, _ = issue_token(user("daibieu"), 1)
    db.session.commit()
    real_enter, failures = presence.enter, []

    def enter_after_two_locks(*args: Any) -> int | None:
        if len(failures) < 2:
            failures.append("locked")
            raise _locked()
        return real_enter(*args)

    monkeypatch.setattr(presence, "enter", enter_after_two_locks)
    device = socketio.test_client(demo, namespace="/meetings", auth={"token": token})
    try:
        ack = device.emit("join", {"meeting_id": meeting.id}, namespace="/meetings", callback=True)
    finally:
        device.disconnect(namespace="/meetings")
    assert failures == ["locked", "locked"]
    assert ack["ok"] is True, ack
    assert ack["me"]["attendance"] == "present"


@pytest.mark.db
def test_a_join_locked_out_for_good_is_a_clear_busy_refusal(demo, monkeypatch):
    meeting = started(participants=["daibieu"])
    token, _ = issue_token(user("daibieu"), 1)
    db.session.commit()
    monkeypatch.setattr(transaction, "LOCK_RETRIES", 2)
    monkeypatch.setattr(presence, "enter", lambda *a: (_ for _ in ()).throw(_locked()))
    device = socketio.test_client(demo, namespace="/meetings", auth={"token": token})
    try:
        ack = device.emit("join", {"meeting_id": meeting.id}, namespace="/meetings", callback=True)
    finally:
        device.disconnect(namespace="/meetings")
    assert ack["ok"] is False and ack["error"]["code"] == "database_busy"
    assert ack["error"]["message"]


@pytest.mark.db
def test_a_batch_beyond_the_limit_carries_counts_and_refetch(demo, monkeypatch):
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    ids = [user(name).id for name in ("chutich", "thuky", "daibieu", "daibieu.phunhuan")]
    monkeypatch.setattr(presence, "PRESENCE_DELTA_MAX", 3)
    change = presence.presence_batch(meeting.id, ids)
    assert change["refetch"] is True and "changed" not in change
    assert change["total"] == 4
    change = presence.presence_batch(meeting.id, ids[:3])
    assert sorted(p["user"] for p in change["changed"]) == ["chutich", "daibieu", "thuky"]
    assert "user" not in change  # several: only in `changed`


@pytest.mark.db
def test_a_hall_join_answer_carries_counts_not_the_list(demo, monkeypatch):
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    monkeypatch.setattr(presence, "PRESENCE_INLINE_MAX", 3)
    hall = presence.room_presence(meeting)
    assert hall["refetch"] is True and "participants" not in hall
    assert (hall["total"], hall["present"], hall["online"]) == (4, 0, 0)
    monkeypatch.setattr(presence, "PRESENCE_INLINE_MAX", 4)
    small = presence.room_presence(meeting)
    assert len(small["participants"]) == 4 and "refetch" not in small
