"""The /meetings live room with several real Socket.IO clients against `sohoa serve`.

Each test makes its own meeting on the shared live server through the API. Events are
awaited with a Condition and a timeout. "Nobody received X" is shown by a later sentinel
event on the same connection (events on one connection arrive in order), never by
sleeping. Clients are closed in parallel at the end of each test.
"""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Callable
from typing import Any

import pytest
import socketio
from sqlalchemy import create_engine, text

from tests.meetings.conftest import meeting_body, pdf
from tests.support import disconnect_all

pytestmark = pytest.mark.sockets

NS = "/meetings"
WAIT = 10  # seconds for an event or an ack that must arrive
ROOM_EVENTS = (
    "page_changed",
    "presence_changed",
    "presenter_changed",
    "speakers_changed",
    "vote_opened",
    "vote_tally",
    "vote_closed",
    "agenda_item_changed",
    "meeting_status_changed",
)
HUGE_ID = 2**63


class Member:
    """One device: a real python-socketio client that records every room event in order."""

    def __init__(self, server, username: str, token: str, notifications: bool = False):
        self.username = username
        self.events: list[tuple[str, Any]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client(reconnection=False)
        for event in ROOM_EVENTS:
            self.client.on(event, functools.partial(self._receive, event), namespace=NS)
        namespaces = [NS]
        if notifications:
            namespaces.append("/notifications")
            self.client.on(
                "notice_posted",
                functools.partial(self._receive, "notice_posted"),
                namespace="/notifications",
            )
        self.client.connect(
            server.url,
            namespaces=namespaces,
            auth={"token": token},
            transports=["websocket"],
            wait_timeout=WAIT,
        )

    def _receive(self, event: str, data: Any) -> None:
        with self._changed:
            self.events.append((event, data))
            self._changed.notify_all()

    def call(self, event: str, **data: Any) -> dict[str, Any]:
        """Send a request and return its ack."""
        return self.client.call(event, data, namespace=NS, timeout=WAIT)

    def ok(self, event: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"] is True, (self.username, event, ack)
        return ack

    def refused(self, event: str, code: str, **data: Any) -> dict[str, Any]:
        ack = self.call(event, **data)
        assert ack["ok"] is False, (self.username, event, ack)
        assert ack["error"]["code"] == code, (self.username, event, ack)
        assert ack["error"]["message"].strip()
        return ack

    def mark(self) -> int:
        with self._changed:
            return len(self.events)

    def received(self, event: str, since: int = 0) -> list[Any]:
        with self._changed:
            return [data for name, data in self.events[since:] if name == event]

    def wait(
        self,
        event: str,
        match: Callable[[Any], bool] = lambda data: True,
        since: int = 0,
        timeout: float = WAIT,
    ) -> Any:
        """The first `event` since `since` that `match`es, waiting for it if need be."""

        def found():
            return next(
                (d for n, d in self.events[since:] if n == event and match(d)), None
            )

        with self._changed:
            arrived = self._changed.wait_for(lambda: found() is not None, timeout)
            assert arrived, f"{self.username}: no {event} within {timeout}s; got {self.events}"
            return found()


@pytest.fixture(scope="module")
def tokens(live_server):
    cache: dict[str, str] = {}

    def token(username: str) -> str:
        if username not in cache:
            cache[username] = live_server.token(username)
        return cache[username]

    return token


@pytest.fixture
def people(live_server, tokens):
    """``people("chutich")`` connects a device; all are closed in parallel afterwards."""
    made: list[Member] = []

    def connect(username: str, notifications: bool = False) -> Member:
        member = Member(live_server, username, tokens(username), notifications)
        made.append(member)
        return member

    yield connect
    disconnect_all([m.client for m in made if m.client.connected])


@pytest.fixture
def meeting(live_server, tokens) -> dict[str, Any]:
    """A new meeting in progress with one agenda item and a 5-page document; returns
    {id, document_id, agenda_item_id}."""
    chair = tokens("chutich")
    body = meeting_body(
        title=f"Họp trực tuyến {uuid.uuid4().hex[:8]}",
        participants=["daibieu", "daibieu.phunhuan", "chutich.phunhuan"],
    )
    response = live_server.api("POST", "/api/v1/meetings", chair, json=body)
    assert response.status_code == 201, response.text
    meeting_id = response.json()["id"]
    response = live_server.api(
        "POST", f"/api/v1/meetings/{meeting_id}/agenda-items", chair, json={"title": "Báo cáo"}
    )
    assert response.status_code == 201, response.text
    item_id = response.json()["id"]
    response = live_server.api(
        "POST",
        f"/api/v1/meetings/{meeting_id}/documents",
        chair,
        files={"file": ("bao-cao.pdf", pdf(5), "application/pdf")},
    )
    assert response.status_code == 201, response.text
    document = response.json()
    assert document["pages"] == 5
    response = live_server.api("POST", f"/api/v1/meetings/{meeting_id}/start", chair)
    assert response.status_code == 200, response.text
    return {"id": meeting_id, "document_id": document["id"], "agenda_item_id": item_id}


def joined(people, meeting, *usernames: str) -> list[Member]:
    members = []
    for name in usernames:
        member = people(name)
        ack = member.ok("join", meeting_id=meeting["id"])
        assert ack["meeting_id"] == meeting["id"] and ack["status"] == "in_progress"
        members.append(member)
    return members


# -- following the presenter ------------------------------------------------------------


def test_followers_see_the_presenters_page(people, meeting):
    chair, *followers = joined(
        people, meeting, "chutich", "daibieu", "daibieu.phunhuan", "chutich.phunhuan"
    )
    doc = meeting["document_id"]

    ack = chair.ok("change_page", document_id=doc, page=3)
    assert (ack["document_id"], ack["page"], ack["by"]) == (doc, 3, "chutich")
    for member in (chair, *followers):
        changed = member.wait("page_changed")
        assert changed == {"document_id": doc, "page": 3, "by": "chutich"}, member.username

    late = people("thuky")
    state = late.ok("join", meeting_id=meeting["id"])
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


def test_an_intruder_cannot_join_or_act(people, meeting, live_server, tokens):
    chair, follower = joined(people, meeting, "chutich", "daibieu")
    intruder = people("daibieu.tayloc", notifications=True)  # a delegate of another ward
    # a meeting the intruder may not see is answered like a missing one
    intruder.refused("join", "meeting_not_found", meeting_id=meeting["id"])
    doc = meeting["document_id"]
    # naming the meeting in each event does not help either
    intruder.refused("change_page", "meeting_not_found", meeting_id=meeting["id"],
                     document_id=doc, page=2)
    intruder.refused("request_floor", "meeting_not_found", meeting_id=meeting["id"])
    intruder.refused("open_vote", "meeting_not_found", meeting_id=meeting["id"], question="?")
    # a member of the organisation who was not invited may see it, but not take part
    member = people("vanthu")
    member.refused("join", "not_participant", meeting_id=meeting["id"])

    chair.ok("change_page", document_id=doc, page=2)
    follower.ok("request_floor")
    chair.ok("open_vote", question="Thông qua?")
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


def test_events_before_join_are_refused(people, meeting):
    member = people("daibieu")
    member.refused("change_page", "not_joined", document_id=meeting["document_id"], page=2)
    member.refused("request_floor", "not_joined")
    member.refused("join", "meeting_not_found", meeting_id=999_999_999)
    member.refused("join", "invalid_id", meeting_id=HUGE_ID)
    member.refused("join", "invalid_id", meeting_id="abc")
    ack = member.client.call("join", ["not", "an", "object"], namespace=NS, timeout=WAIT)
    assert (ack["ok"], ack["error"]["code"]) == (False, "invalid_payload")


def test_the_same_person_on_two_devices(people, meeting):
    chair, phone, tablet = joined(people, meeting, "chutich", "daibieu", "daibieu")
    # both devices are online, the person is counted once
    state = people("thuky").ok("join", meeting_id=meeting["id"])
    daibieu = [p for p in state["presence"]["participants"] if p["user"] == "daibieu"]
    assert len(daibieu) == 1 and daibieu[0]["online"] is True
    chair.ok("change_page", document_id=meeting["document_id"], page=5)
    chair.ok("grant_floor", user="daibieu")
    for device in (phone, tablet):
        assert device.wait("page_changed")["page"] == 5
        assert device.wait("speakers_changed")["speaking"]["user"] == "daibieu"
    # what one device does, the other sees
    mark = tablet.mark()
    phone.ok("release_floor")
    assert tablet.wait("speakers_changed", since=mark) == {"queue": [], "speaking": None}


def test_chair_hands_presenting_to_a_delegate(people, meeting):
    chair, delegate, other = joined(people, meeting, "chutich", "daibieu", "daibieu.phunhuan")
    doc = meeting["document_id"]
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
    state = late.ok("join", meeting_id=meeting["id"])
    assert (state["presenter"], state["page"]) == ("daibieu", 3)


# -- the speaker queue --------------------------------------------------------------------


def test_speaker_queue(people, meeting):
    chair, first, second, observer = joined(
        people, meeting, "chutich", "daibieu", "daibieu.phunhuan", "thuky"
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


def test_vote_open_cast_tally_close(people, meeting, live_server, tokens):
    chair, secretary, yes_voter, no_voter, absentee = joined(
        people, meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan", "chutich.phunhuan"
    )
    secretary.ok("mark_attendance", user="chutich.phunhuan", status="absent", reason="Họp khác")
    item = meeting["agenda_item_id"]

    yes_voter.refused("open_vote", "not_chair", question="?")
    opened = chair.ok("open_vote", agenda_item_id=item, question="Thông qua báo cáo?",
                      secret=False)
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
    assert [t["cast"] for t in yes_voter.received("vote_tally")] == [1, 2, 3, 4]

    yes_voter.refused("close_vote", "not_chair", vote_id=vote_id)
    closed = chair.ok("close_vote", vote_id=vote_id)
    expected = {"vote_id": vote_id, "yes": 2, "no": 1, "abstain": 1, "eligible": 4}
    assert {k: closed[k] for k in expected} == expected
    for member in (secretary, yes_voter, no_voter, absentee):
        result = member.wait("vote_closed")
        assert {k: result[k] for k in expected} == expected
    chair.refused("close_vote", "vote_already_closed", vote_id=vote_id)
    no_voter.refused("cast_vote", "vote_closed", vote_id=vote_id, choice="yes")

    record = live_server.api("GET", f"/api/v1/meetings/{meeting['id']}/record",
                             tokens("thuky")).json()
    (vote,) = record["votes"]
    assert (vote["yes"], vote["no"], vote["abstain"], vote["eligible"], vote["status"]) == (
        2, 1, 1, 4, "closed",
    )


def _at_once(calls: list[Callable[[], dict[str, Any]]]) -> list[dict[str, Any]]:
    """Run the calls in threads released together; their acks."""
    start = threading.Barrier(len(calls))
    acks: list[dict[str, Any]] = []

    def run(call: Callable[[], dict[str, Any]]) -> None:
        start.wait(WAIT)
        acks.append(call())

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return acks


def test_two_devices_voting_at_once_cast_one_ballot(people, meeting):
    """A double tap on phone and tablet: one ballot counts, the other is already_voted."""
    chair, phone, tablet = joined(people, meeting, "chutich", "daibieu", "daibieu")
    for round_ in range(4):
        vote_id = chair.ok("open_vote", question=f"Nội dung {round_ + 1}")["vote_id"]
        acks = _at_once(
            [
                functools.partial(phone.call, "cast_vote", vote_id=vote_id, choice="yes"),
                functools.partial(tablet.call, "cast_vote", vote_id=vote_id, choice="no"),
            ]
        )
        assert sorted(a["ok"] for a in acks) == [False, True], acks
        assert [a["error"]["code"] for a in acks if not a["ok"]] == ["already_voted"]
        closed = chair.ok("close_vote", vote_id=vote_id)
        assert closed["yes"] + closed["no"] == 1, closed


def test_secret_vote_over_the_wire_stores_no_choice(people, meeting, live_server):
    chair, *voters = joined(people, meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    vote_id = chair.ok("open_vote", question="Bầu trưởng ban", secret=True)["vote_id"]
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


def test_a_reconnecting_client_gets_the_whole_state(people, meeting, live_server, tokens):
    chair, delegate, other = joined(people, meeting, "chutich", "daibieu", "daibieu.phunhuan")
    doc = meeting["document_id"]
    chair.ok("change_page", document_id=doc, page=3)
    other.ok("request_floor")
    vote_id = chair.ok("open_vote", question="Thông qua?")["vote_id"]
    delegate.ok("cast_vote", vote_id=vote_id, choice="yes")

    delegate.client.disconnect()
    back = people("daibieu")
    state = back.ok("join", meeting_id=meeting["id"])
    assert (state["document_id"], state["page"], state["presenter"]) == (doc, 3, "chutich")
    assert state["agenda_item_id"] == meeting["agenda_item_id"]
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
