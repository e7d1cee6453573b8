"""The /meetings live room with several real Socket.IO clients against `sohoa serve`:
joining, following the presenter, and who may do neither.

Each test makes its own meeting on the shared live server through the API. Events are
awaited with a Condition and a timeout. "Nobody received X" is shown by a later sentinel
event on the same connection (events on one connection arrive in order), never by
sleeping. Clients are closed in parallel at the end of each test.
"""

from __future__ import annotations

import uuid

import pytest

from tests.meetings.devices import NS, WAIT, joined
from tests.meetings.factories import BEYOND_ROW_ID, HUGE_ID

pytestmark = pytest.mark.sockets


# -- following the presenter ------------------------------------------------------------


def test_followers_see_the_presenters_page(people, live_meeting):
    chair, *followers = joined(
        people, live_meeting, "chutich", "daibieu", "daibieu.phunhuan", "chutich.phunhuan"
    )
    doc = live_meeting["document_id"]

    ack = chair.ok("change_page", document_id=doc, page=3)
    assert (ack["document_id"], ack["page"], ack["by"]) == (doc, 3, "chutich")
    for member in (chair, *followers):
        changed = member.wait("page_changed")
        assert changed == {"document_id": doc, "page": 3, "by": "chutich"}, member.username

    late = people("thuky")
    state = late.ok("join", meeting_id=live_meeting["id"])
    assert (state["document_id"], state["page"], state["presenter"]) == (doc, 3, "chutich")

    # a follower may not turn pages; and a page outside the document is refused
    marks = [m.mark() for m in followers]
    followers[0].refused("change_page", "not_presenter", document_id=doc, page=1)
    chair.refused("change_page", "page_out_of_range", document_id=doc, page=99)
    chair.refused("change_page", "page_out_of_range", document_id=doc, page=0)
    chair.refused("change_page", "invalid_page", document_id=doc, page="ba")
    chair.refused("change_page", "invalid_id", document_id=HUGE_ID, page=1)
    # sentinel: the next page the chair shows is the first page_changed anyone receives
    chair.ok("change_page", document_id=doc, page=4)
    for member, mark in zip(followers, marks, strict=True):
        member.wait("page_changed", lambda d: d["page"] == 4, since=mark)
        assert member.received("page_changed", since=mark) == [
            {"document_id": doc, "page": 4, "by": "chutich"}
        ], member.username
    assert late.wait("page_changed")["page"] == 4
    assert late.received("page_changed") == [{"document_id": doc, "page": 4, "by": "chutich"}]


def test_an_intruder_cannot_join_or_act(people, live_meeting, live_server, tokens):
    chair, follower = joined(people, live_meeting, "chutich", "daibieu")
    intruder = people("daibieu.tayloc", notifications=True)  # a delegate of another ward
    # a meeting the intruder may not see is answered like a missing one
    intruder.refused("join", "meeting_not_found", meeting_id=live_meeting["id"])
    doc = live_meeting["document_id"]
    # naming the meeting in each event does not help either
    intruder.refused("change_page", "meeting_not_found", meeting_id=live_meeting["id"],
                     document_id=doc, page=2)
    intruder.refused("request_floor", "meeting_not_found", meeting_id=live_meeting["id"])
    intruder.refused("open_vote", "meeting_not_found", meeting_id=live_meeting["id"], question="?")
    # a member of the organisation who was not invited may see it, but not take part
    member = people("vanthu")
    member.refused("join", "not_participant", meeting_id=live_meeting["id"])

    chair.ok("change_page", document_id=doc, page=2)
    follower.ok("request_floor")
    chair.ok("open_vote", despite_no_quorum=True, question="Thông qua?")
    follower.wait("vote_opened")
    assert follower.received("page_changed") == [{"document_id": doc, "page": 2, "by": "chutich"}]

    # sentinel on the intruder's own connection: a notice to their ward, sent after all that
    sentinel = f"Thông báo {uuid.uuid4().hex[:6]}"
    response = live_server.api(
        "POST", "/api/v1/notifications", tokens("admin"),
        json={"organization": "tay-loc", "message": sentinel},
    )
    assert response.status_code == 201, response.text
    assert intruder.wait("notice_posted")["message"] == sentinel
    assert [name for name, _ in intruder.events] == ["notice_posted"]


def test_events_before_join_are_refused(people, live_meeting):
    member = people("daibieu")
    member.refused("change_page", "not_joined", document_id=live_meeting["document_id"], page=2)
    member.refused("request_floor", "not_joined")
    member.refused("join", "meeting_not_found", meeting_id=999_999_999)
    member.refused("join", "invalid_id", meeting_id=HUGE_ID)
    member.refused("join", "invalid_id", meeting_id="abc")
    ack = member.client.call("join", ["not", "an", "object"], namespace=NS, timeout=WAIT)
    assert (ack["ok"], ack["error"]["code"]) == (False, "invalid_payload")


def test_ids_past_the_database_range_are_invalid_in_every_payload(people, live_meeting):
    """An id beyond the database's integer columns is a 422 invalid_id, not a crash."""
    (chair,) = joined(people, live_meeting, "chutich")
    chair.refused("join", "invalid_id", meeting_id=BEYOND_ROW_ID)
    chair.refused("change_page", "invalid_id", document_id=BEYOND_ROW_ID, page=1)
    chair.refused("set_agenda_item", "invalid_id", agenda_item_id=BEYOND_ROW_ID)
    chair.refused("open_vote", "invalid_id", question="?", agenda_item_id=BEYOND_ROW_ID)
    chair.refused("close_vote", "invalid_id", vote_id=BEYOND_ROW_ID)
    chair.refused("request_floor", "invalid_id", meeting_id=BEYOND_ROW_ID)
    # the largest id that fits is an ordinary miss
    chair.refused("change_page", "document_not_found", document_id=BEYOND_ROW_ID - 1, page=1)
    chair.ok("change_page", document_id=live_meeting["document_id"], page=2)


def test_an_absence_the_secretary_recorded_stands_when_the_device_rejoins(people, live_meeting):
    chair, secretary, delegate = joined(
        people, live_meeting, "chutich", "thuky", "chutich.phunhuan"
    )
    # joining the meeting in progress checked the delegate in; the secretary corrects it
    secretary.ok("mark_attendance", user="chutich.phunhuan", status="absent", reason="Họp khác")
    delegate.client.disconnect()
    back = people("chutich.phunhuan")
    state = back.ok("join", meeting_id=live_meeting["id"])
    assert state["me"]["attendance"] == "absent"
    me = next(p for p in state["presence"]["participants"] if p["user"] == "chutich.phunhuan")
    assert (me["attendance"], me["absence_reason"], me["online"]) == ("absent", "Họp khác", True)
    vote_id = chair.ok("open_vote", despite_no_quorum=True, question="Thông qua?")["vote_id"]
    back.refused("cast_vote", "not_present", vote_id=vote_id, choice="yes")


def test_the_same_person_on_two_devices(people, live_meeting):
    chair, phone, tablet = joined(people, live_meeting, "chutich", "daibieu", "daibieu")
    # both devices are online, the person is counted once
    state = people("thuky").ok("join", meeting_id=live_meeting["id"])
    daibieu = [p for p in state["presence"]["participants"] if p["user"] == "daibieu"]
    assert len(daibieu) == 1 and daibieu[0]["online"] is True
    chair.ok("change_page", document_id=live_meeting["document_id"], page=5)
    chair.ok("grant_floor", user="daibieu")
    for device in (phone, tablet):
        assert device.wait("page_changed")["page"] == 5
        assert device.wait("speakers_changed")["speaking"]["user"] == "daibieu"
    # what one device does, the other sees
    mark = tablet.mark()
    phone.ok("release_floor")
    assert tablet.wait("speakers_changed", since=mark) == {"queue": [], "speaking": None}


def test_chair_hands_presenting_to_a_delegate(people, live_meeting):
    chair, delegate, other = joined(people, live_meeting, "chutich", "daibieu", "daibieu.phunhuan")
    doc = live_meeting["document_id"]
    delegate.refused("set_presenter", "not_chair", user="daibieu")
    chair.refused("set_presenter", "participant_not_found", user="daibieu.tayloc")
    ack = chair.ok("set_presenter", user="daibieu")
    assert ack["presenter"] == "daibieu"
    assert other.wait("presenter_changed")["presenter"] == "daibieu"

    delegate.ok("change_page", document_id=doc, page=2)
    assert other.wait("page_changed") == {"document_id": doc, "page": 2, "by": "daibieu"}
    mark = other.mark()
    chair.refused("change_page", "not_presenter", document_id=doc, page=5)
    delegate.ok("change_page", document_id=doc, page=3)  # sentinel
    other.wait("page_changed", lambda d: d["page"] == 3, since=mark)
    assert [d["by"] for d in other.received("page_changed", since=mark)] == ["daibieu"]

    late = people("thuky")
    state = late.ok("join", meeting_id=live_meeting["id"])
    assert (state["presenter"], state["page"]) == ("daibieu", 3)


def test_a_reconnecting_client_gets_the_whole_state(people, live_meeting, live_server, tokens):
    chair, delegate, other = joined(people, live_meeting, "chutich", "daibieu", "daibieu.phunhuan")
    doc = live_meeting["document_id"]
    chair.ok("change_page", document_id=doc, page=3)
    other.ok("request_floor")
    vote_id = chair.ok("open_vote", despite_no_quorum=True, question="Thông qua?")["vote_id"]
    delegate.ok("cast_vote", vote_id=vote_id, choice="yes")

    delegate.client.disconnect()
    back = people("daibieu")
    state = back.ok("join", meeting_id=live_meeting["id"])
    assert (state["document_id"], state["page"], state["presenter"]) == (doc, 3, "chutich")
    assert state["agenda_item_id"] == live_meeting["agenda_item_id"]
    assert state["vote"]["vote_id"] == vote_id
    assert state["vote"]["question"] == "Thông qua?"
    assert state["vote"]["voted"] is True
    assert state["vote"]["cast"] == 1
    assert [q["user"] for q in state["speakers"]["queue"]] == ["daibieu.phunhuan"]
    assert state["me"]["attendance"] == "present"
    back.refused("cast_vote", "already_voted", vote_id=vote_id, choice="no")

    # and it follows the room again from there
    chair.ok("change_page", document_id=doc, page=4)
    assert back.wait("page_changed")["page"] == 4
