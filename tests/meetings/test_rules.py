"""The meetings rules, called directly: access, preparing, the live room, the record."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import event, func, insert, select

from core import audit
from core.db import utcnow
from core.errors import DomainError
from core.extensions import db
from core.models import Membership
from core.security import org_by_code
from meetings import record, room, services
from meetings.models import (
    AgendaItem,
    Conclusion,
    FollowUpTask,
    Meeting,
    MeetingStatus,
    Participant,
    SpeakerRequest,
    Vote,
    VoteParticipation,
)
from tests.meetings.conftest import add_pdf, make_meeting, meeting_body, user, when

pytestmark = pytest.mark.db


def raises(code: str, status: int, call, *args, **kwargs) -> DomainError:
    """Call and expect a DomainError with this code and status, then roll back."""
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert (caught.value.code, caught.value.status) == (code, status), caught.value.to_dict()
    assert str(caught.value.message).strip()
    return caught.value


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def started(**overrides) -> Meeting:
    """A meeting in progress with two agenda items."""
    meeting = make_meeting(**overrides)
    chair = user("chutich")
    services.add_agenda_item(meeting, chair, {"title": "Báo cáo kinh tế – xã hội"})
    services.add_agenda_item(meeting, chair, {"title": "Kế hoạch chuyển đổi số"})
    services.set_status(meeting, chair, MeetingStatus.IN_PROGRESS)
    db.session.commit()
    return meeting


def present(meeting: Meeting, *usernames: str) -> None:
    for name in usernames:
        room.record_attendance(meeting, user("thuky"), name, "present")
    db.session.commit()


def participant(meeting: Meeting, username: str) -> Participant:
    found = services.participant_of(meeting, user(username))
    assert found is not None
    return found


# -- access ------------------------------------------------------------------------------


def test_confidential_meeting_is_visible_to_its_participants_only(demo):
    meeting = make_meeting(confidential=True, participants=["daibieu"])
    for name in ("chutich", "thuky", "daibieu"):
        assert services.can_view(meeting, user(name)), name
    # an official of the same city, a city administrator and a ward delegate: not invited
    for name in ("vanthu", "admin", "daibieu.phunhuan", "daibieu.tayloc"):
        assert not services.can_view(meeting, user(name)), name
        # not 403: the meeting is not even acknowledged to exist
        raises("meeting_not_found", 404, services.require_view, meeting, user(name))
        raises("meeting_not_found", 404, services.require_manage, meeting, user(name))
    assert meeting.id in [m.id for m in services.meetings_for(user("daibieu"))]
    assert meeting.id not in [m.id for m in services.meetings_for(user("vanthu"))]


def test_confidential_documents_are_hidden_from_outsiders_by_id(demo):
    meeting = make_meeting(confidential=True, participants=["daibieu"])
    document = add_pdf(meeting)
    assert services.get_document(document.id, user("daibieu")).id == document.id
    raises("document_not_found", 404, services.get_document, document.id, user("vanthu"))
    raises("document_not_found", 404, services.get_document, document.id, user("admin"))


def test_open_meeting_is_visible_to_members_of_its_organisation(demo):
    meeting = make_meeting(participants=["daibieu"])
    for name in ("vanthu", "admin", "daibieu", "thuky"):
        assert services.can_view(meeting, user(name)), name
    for name in ("daibieu.tayloc", "chutich.phunhuan", "giaovien"):
        assert not services.can_view(meeting, user(name)), name
        raises("meeting_not_found", 404, services.require_view, meeting, user(name))
    assert meeting.id in [m.id for m in services.meetings_for(user("vanthu"))]
    assert meeting.id not in [m.id for m in services.meetings_for(user("daibieu.tayloc"))]


def test_manage_rights_are_for_chair_secretary_and_creator(demo):
    meeting = make_meeting(creator="vanthu", participants=["daibieu"])
    for name in ("chutich", "thuky", "vanthu"):
        assert services.can_manage(meeting, user(name)), name
        services.require_manage(meeting, user(name))
    for name in ("daibieu", "admin"):
        assert not services.can_manage(meeting, user(name)), name
        raises("not_meeting_organiser", 403, services.require_manage, meeting, user(name))


def test_participant_only_actions_refuse_org_members(demo):
    meeting = make_meeting(participants=["daibieu"])
    document = add_pdf(meeting)
    raises("not_participant", 403, services.add_comment, document, user("vanthu"), "Góp ý")
    raises("not_participant", 403, room.join, meeting, user("vanthu"), "sid-x")


# -- creating ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field", ["title", "organization", "starts_at", "ends_at", "chair", "secretary"]
)
@pytest.mark.parametrize("empty", [None, ""])
def test_create_refuses_a_missing_field(demo, field, empty):
    before = count(Meeting)
    body = meeting_body()
    if empty is None:
        del body[field]
    else:
        body[field] = empty
    err = raises("missing_field", 422, services.create_meeting, user("chutich"), body)
    assert err.details == {"field": field}
    assert field in str(err.message)
    assert count(Meeting) == before


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"title": "   "}, "invalid_title"),
        ({"title": "x" * 301}, "invalid_title"),
        ({"organization": "khong-co"}, "unknown_organization"),
        ({"chair": "khong.co"}, "unknown_user"),
        ({"secretary": "khong.co"}, "unknown_user"),
        ({"participants": ["daibieu", "khong.co"]}, "unknown_user"),
        ({"participants": "daibieu"}, "invalid_participants"),
        ({"participant_organizations": "phu-nhuan"}, "invalid_participants"),
        ({"participant_organizations": ["khong-co"]}, "unknown_organization"),
        ({"starts_at": "ngày mai"}, "invalid_datetime"),
        ({"ends_at": "2026-13-40T10:00"}, "invalid_datetime"),
        ({"kind": "party"}, "invalid_kind"),
        ({"starts_at": "2030-05-02T10:00", "ends_at": "2030-05-02T09:00"}, "invalid_time_range"),
        ({"starts_at": "2030-05-02T10:00", "ends_at": "2030-05-02T10:00"}, "invalid_time_range"),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(demo, overrides, code):
    before = (count(Meeting), count(Participant))
    raises(code, 422, services.create_meeting, user("chutich"), meeting_body(**overrides))
    assert (count(Meeting), count(Participant)) == before


def test_create_needs_an_organiser_of_the_organisation(demo):
    before = count(Meeting)
    raises("cannot_organise", 403, services.create_meeting, user("daibieu"), meeting_body())
    # a ward chair cannot schedule a city meeting
    raises(
        "cannot_organise", 403, services.create_meeting, user("chutich.phunhuan"), meeting_body()
    )
    assert count(Meeting) == before


def test_create_sets_roles_presenter_and_audit(demo):
    meeting = make_meeting(kind="thematic", participants=["daibieu", "chutich"])
    roles = {p.user.username: p.role for p in meeting.participants}
    assert roles == {"chutich": "chair", "thuky": "secretary", "daibieu": "delegate"}
    assert meeting.presenter_id == user("chutich").id
    assert meeting.status == MeetingStatus.SCHEDULED.value
    assert meeting.kind == "thematic"
    # naive times are Vietnam time: 08:00 in Huế is 01:00 UTC
    assert meeting.starts_at == when(1, 8)
    assert meeting.starts_at.utcoffset() == timedelta(0)
    actions = db.session.scalars(
        select(audit.AuditEntry.action).where(audit.AuditEntry.object_id == str(meeting.id))
    ).all()
    assert "meeting.created" in actions


def test_participants_by_whole_organisation(demo):
    meeting = make_meeting(participants=["daibieu"], participant_organizations=["phu-nhuan"])
    ward = org_by_code("phu-nhuan")
    ward_members = set(
        db.session.scalars(select(Membership.user_id).where(Membership.organization_id == ward.id))
    )
    names = {p.user.username: p.role for p in meeting.participants}
    assert {"daibieu.phunhuan", "chutich.phunhuan", "thuky.phunhuan"} <= names.keys()
    assert {user(n).id for n in names} >= ward_members
    assert names["chutich.phunhuan"] == "delegate"
    assert names["chutich"] == "chair" and names["daibieu"] == "delegate"
    assert "daibieu.tayloc" not in names
    # each person once, even when named and also a member of a listed organisation
    assert len(names) == len(meeting.participants)


def test_update_meeting_keeps_rules(demo):
    meeting = make_meeting()
    services.update_meeting(meeting, user("thuky"), {"title": "Họp chuyên đề", "kind": "thematic"})
    db.session.commit()
    assert (meeting.title, meeting.kind) == ("Họp chuyên đề", "thematic")
    raises("not_meeting_organiser", 403, services.update_meeting, meeting, user("daibieu"), {})
    raises(
        "invalid_time_range",
        422,
        services.update_meeting,
        meeting,
        user("chutich"),
        {"ends_at": "2000-01-01T00:00"},
    )
    db.session.refresh(meeting)
    assert meeting.title == "Họp chuyên đề"


def test_status_changes_in_order_only(demo):
    meeting = make_meeting()
    raises("invalid_status_change", 409, services.set_status, meeting, user("chutich"),
           MeetingStatus.ENDED)
    raises("not_meeting_organiser", 403, services.set_status, meeting, user("daibieu"),
           MeetingStatus.IN_PROGRESS)
    services.set_status(meeting, user("thuky"), MeetingStatus.IN_PROGRESS)
    db.session.commit()
    assert meeting.started_at is not None
    raises("invalid_status_change", 409, services.set_status, meeting, user("chutich"),
           MeetingStatus.IN_PROGRESS)
    services.set_status(meeting, user("chutich"), MeetingStatus.ENDED)
    db.session.commit()
    assert meeting.status == "ended" and meeting.ended_at is not None
    raises("meeting_ended", 409, services.update_meeting, meeting, user("chutich"), {})


# -- agenda --------------------------------------------------------------------------------


def _agenda(meeting: Meeting) -> list[tuple[str, int]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    )
    return [(a.title, a.position) for a in rows]


def test_agenda_add_update_delete_and_reorder(demo):
    meeting = make_meeting()
    chair = user("chutich")
    a = services.add_agenda_item(meeting, chair, {"title": "A", "presenter": "daibieu"})
    b = services.add_agenda_item(meeting, chair, {"title": "B", "planned_minutes": "15"})
    c = services.add_agenda_item(meeting, chair, {"title": "C"})
    db.session.commit()
    assert (a.presenter.username, b.planned_minutes) == ("daibieu", 15)
    assert _agenda(meeting) == [("A", 1), ("B", 2), ("C", 3)]

    services.reorder_agenda(meeting, chair, [c.id, str(a.id), b.id])
    db.session.commit()
    assert _agenda(meeting) == [("C", 1), ("A", 2), ("B", 3)]

    services.update_agenda_item(meeting, chair, a.id, {"title": "A2", "planned_minutes": ""})
    services.delete_agenda_item(meeting, chair, c.id)
    db.session.commit()
    assert _agenda(meeting) == [("A2", 1), ("B", 2)]


def test_deleting_the_current_agenda_item_moves_the_room_on(demo):
    meeting = started()
    chair = user("chutich")
    third = services.add_agenda_item(meeting, chair, {"title": "Tuyển sinh"})
    first, second, _ = meeting.agenda
    db.session.commit()
    assert meeting.current_agenda_item_id == first.id
    services.delete_agenda_item(meeting, chair, first.id)
    db.session.commit()
    db.session.refresh(meeting)
    assert meeting.current_agenda_item_id == second.id  # the item that took its place
    assert room.room_state(meeting, user("daibieu"))["agenda_item_id"] == second.id
    room.set_agenda_item(meeting, chair, third.id)
    services.delete_agenda_item(meeting, chair, third.id)  # the last one: the one before
    db.session.commit()
    assert meeting.current_agenda_item_id == second.id
    services.delete_agenda_item(meeting, chair, second.id)
    db.session.commit()
    assert meeting.current_agenda_item_id is None
    # a vote opened now belongs to no item rather than to a deleted one
    vote = room.open_vote(meeting, chair, {"question": "Q"})
    assert vote["agenda_item_id"] is None


@pytest.mark.parametrize(
    "order",
    [
        "missing",
        "duplicate",
        "extra",
        "foreign",
        "not a list",
        "words",
    ],
)
def test_agenda_bad_order_is_refused_and_nothing_changes(demo, order):
    meeting = make_meeting()
    other = make_meeting(title="Cuộc họp khác")
    chair = user("chutich")
    ids = [services.add_agenda_item(meeting, chair, {"title": t}).id for t in "ABC"]
    foreign = services.add_agenda_item(other, chair, {"title": "X"}).id
    db.session.commit()
    bad = {
        "missing": ids[:2],
        "duplicate": [ids[0], ids[0], ids[1]],
        "extra": [*ids, 999_999],
        "foreign": [ids[0], ids[1], foreign],
        "not a list": {"order": ids},
        "words": ["một", "hai", "ba"],
    }[order]
    with pytest.raises(DomainError) as caught:
        services.reorder_agenda(meeting, chair, bad)
    db.session.rollback()
    assert caught.value.status == 422
    assert caught.value.code in ("invalid_order", "invalid_id")
    assert _agenda(meeting) == [("A", 1), ("B", 2), ("C", 3)]


def test_agenda_item_rules(demo):
    meeting = make_meeting()
    chair = user("chutich")
    raises("missing_field", 422, services.add_agenda_item, meeting, chair, {"title": " "})
    raises("unknown_user", 422, services.add_agenda_item, meeting, chair,
           {"title": "A", "presenter": "khong.co"})
    raises("invalid_duration", 422, services.add_agenda_item, meeting, chair,
           {"title": "A", "planned_minutes": "0"})
    raises("invalid_duration", 422, services.add_agenda_item, meeting, chair,
           {"title": "A", "planned_minutes": "-5"})
    raises("not_meeting_organiser", 403, services.add_agenda_item, meeting, user("daibieu"),
           {"title": "A"})
    raises("agenda_item_not_found", 404, services.delete_agenda_item, meeting, chair, 12345)
    assert _agenda(meeting) == []


# -- attendance ----------------------------------------------------------------------------


def test_absent_needs_a_reason(demo):
    meeting = started()
    secretary = user("thuky")
    raises("missing_reason", 422, room.record_attendance, meeting, secretary, "daibieu", "absent")
    raises("missing_reason", 422, room.record_attendance, meeting, secretary, "daibieu", "absent",
           "   ")
    assert participant(meeting, "daibieu").attendance == "invited"

    room.record_attendance(meeting, secretary, "daibieu", "absent", "Đi công tác")
    db.session.commit()
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.absence_reason, row.checked_in_at) == (
        "absent",
        "Đi công tác",
        None,
    )

    room.record_attendance(meeting, secretary, "daibieu", "present")
    db.session.commit()
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.absence_reason, row.check_in_method) == (
        "present",
        None,
        "secretary",
    )
    assert row.checked_in_at is not None


def test_attendance_rules(demo):
    meeting = started()
    raises("participant_not_found", 404, room.record_attendance, meeting, user("thuky"),
           "daibieu.tayloc", "present")
    raises("invalid_attendance", 422, room.record_attendance, meeting, user("thuky"),
           "daibieu", "maybe")
    raises("not_meeting_organiser", 403, room.record_attendance, meeting, user("daibieu"),
           "daibieu", "present")
    assert participant(meeting, "daibieu").attendance == "invited"


def test_joining_a_meeting_in_progress_checks_in(demo):
    scheduled = make_meeting()
    state = room.join(scheduled, user("daibieu"), "sid-1")
    db.session.commit()
    assert participant(scheduled, "daibieu").attendance == "invited"  # not started yet
    assert state["me"]["attendance"] == "invited"

    meeting = started()
    state = room.join(meeting, user("daibieu"), "sid-2")
    db.session.commit()
    row = participant(meeting, "daibieu")
    assert (row.attendance, row.check_in_method) == ("present", "join")
    assert state["presence"]["present"] == 1
    assert {p["user"]: p["online"] for p in state["presence"]["participants"]}["daibieu"]
    assert room.leave("sid-2") is not None
    db.session.commit()
    assert not {p["user"]: p["online"] for p in room.presence(meeting)["participants"]}["daibieu"]


def test_a_device_moving_to_another_meeting_leaves_the_first(demo):
    first, second = started(), started(title="Họp thứ hai")
    daibieu = user("daibieu")
    assert room.enter(first, daibieu, "sid-move") is None
    db.session.commit()
    assert room.enter(second, daibieu, "sid-move") == first.id
    db.session.commit()
    online = {p["user"]: p["online"] for p in room.presence(first)["participants"]}
    assert not online["daibieu"]
    assert room.presence_change(second, daibieu.id)["online"] is True
    assert room.leave("sid-move") == (second.id, daibieu.id)


# -- speaker queue -------------------------------------------------------------------------


def test_speaker_queue(demo):
    meeting = started()
    chair, daibieu, phunhuan = user("chutich"), user("daibieu"), user("daibieu.phunhuan")
    state = room.request_floor(meeting, daibieu)
    db.session.commit()
    assert [q["user"] for q in state["queue"]] == ["daibieu"]
    raises("already_requested", 409, room.request_floor, meeting, daibieu)
    room.request_floor(meeting, phunhuan)
    db.session.commit()
    assert [q["user"] for q in room.speakers(meeting)["queue"]] == ["daibieu", "daibieu.phunhuan"]

    raises("not_chair", 403, room.grant_floor, meeting, user("thuky"), "daibieu")
    state = room.grant_floor(meeting, chair, "daibieu")
    db.session.commit()
    assert state["speaking"]["user"] == "daibieu"
    assert [q["user"] for q in state["queue"]] == ["daibieu.phunhuan"]
    # while speaking, asking again is still "already requested"
    raises("already_requested", 409, room.request_floor, meeting, daibieu)

    state = room.grant_floor(meeting, chair, "daibieu.phunhuan")
    db.session.commit()
    assert state["speaking"]["user"] == "daibieu.phunhuan"
    assert state["queue"] == []
    first = db.session.scalar(
        select(SpeakerRequest).where(
            SpeakerRequest.meeting_id == meeting.id, SpeakerRequest.user_id == daibieu.id
        )
    )
    assert first.status == "done" and first.finished_at is not None

    state = room.release_floor(meeting, phunhuan)
    db.session.commit()
    assert state == {"queue": [], "speaking": None}
    raises("not_in_queue", 409, room.release_floor, meeting, phunhuan)

    # withdrawing a waiting request, and the chair giving the floor to someone who did not ask
    room.request_floor(meeting, daibieu)
    room.release_floor(meeting, daibieu)
    state = room.grant_floor(meeting, chair, "thuky")
    db.session.commit()
    assert state["speaking"]["user"] == "thuky" and state["queue"] == []
    raises("participant_not_found", 404, room.grant_floor, meeting, chair, "daibieu.tayloc")
    # the chair can end anyone's turn
    assert room.release_floor(meeting, chair)["speaking"] is None
    db.session.commit()
    statuses = db.session.scalars(
        select(SpeakerRequest.status)
        .where(SpeakerRequest.meeting_id == meeting.id)
        .order_by(SpeakerRequest.id)
    ).all()
    assert statuses == ["done", "done", "withdrawn", "done"]


def test_outsiders_cannot_ask_for_the_floor(demo):
    meeting = started()
    raises("not_participant", 403, room.request_floor, meeting, user("vanthu"))
    assert count(SpeakerRequest) == 0


# -- presenting ----------------------------------------------------------------------------


def test_only_the_presenter_turns_pages(demo):
    meeting = started()
    document = add_pdf(meeting, pages=5)
    other = add_pdf(make_meeting(title="Khác"), pages=3)
    chair = user("chutich")
    payload = room.change_page(meeting, chair, document.id, 3)
    db.session.commit()
    assert payload == {"document_id": document.id, "page": 3, "by": "chutich"}
    raises("not_presenter", 403, room.change_page, meeting, user("daibieu"), document.id, 2)
    raises("page_out_of_range", 422, room.change_page, meeting, chair, document.id, 6)
    raises("document_not_found", 404, room.change_page, meeting, chair, other.id, 1)
    raises("not_participant", 403, room.change_page, meeting, user("vanthu"), document.id, 1)
    db.session.refresh(meeting)
    assert (meeting.live_document_id, meeting.live_page) == (document.id, 3)

    raises("not_chair", 403, room.hand_presenting, meeting, user("daibieu"), "daibieu")
    room.hand_presenting(meeting, chair, "daibieu")
    db.session.commit()
    assert room.change_page(meeting, user("daibieu"), document.id, 5)["by"] == "daibieu"
    raises("not_presenter", 403, room.change_page, meeting, chair, document.id, 1)


# -- votes ---------------------------------------------------------------------------------


def test_open_vote_rules(demo):
    scheduled = make_meeting()
    raises("meeting_not_in_progress", 409, room.open_vote, scheduled, user("chutich"),
           {"question": "Q"})
    meeting = started()
    raises("not_chair", 403, room.open_vote, meeting, user("thuky"), {"question": "Q"})
    raises("invalid_question", 422, room.open_vote, meeting, user("chutich"), {"question": " "})
    raises("agenda_item_not_found", 404, room.open_vote, meeting, user("chutich"),
           {"question": "Q", "agenda_item_id": 99999})
    opened = room.open_vote(meeting, user("chutich"), {"question": "Q"})
    db.session.commit()
    assert opened["agenda_item_id"] == meeting.agenda[0].id  # the current item
    raises("vote_already_open", 409, room.open_vote, meeting, user("chutich"), {"question": "R"})
    assert count(Vote) == 1


def test_open_vote_counts_and_stores_choices(demo):
    meeting = started(participants=["daibieu", "daibieu.phunhuan", "vanthu"])
    present(meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    room.record_attendance(meeting, user("thuky"), "vanthu", "absent", "Ốm")
    db.session.commit()
    vote_id = room.open_vote(meeting, user("chutich"), {"question": "Thông qua báo cáo?"})[
        "vote_id"
    ]
    db.session.commit()

    for name, choice in [("chutich", "yes"), ("thuky", "yes"), ("daibieu", "no")]:
        tally = room.cast_vote(meeting, user(name), vote_id, choice)
        db.session.commit()
    assert tally == {"vote_id": vote_id, "cast": 3, "eligible": 4}

    raises("already_voted", 409, room.cast_vote, meeting, user("daibieu"), vote_id, "yes")
    raises("invalid_choice", 422, room.cast_vote, meeting, user("daibieu.phunhuan"), vote_id,
           "maybe")
    raises("not_present", 403, room.cast_vote, meeting, user("vanthu"), vote_id, "yes")
    raises("not_participant", 403, room.cast_vote, meeting, user("admin"), vote_id, "yes")
    raises("vote_not_found", 404, room.cast_vote, meeting, user("daibieu"), 999_999, "yes")
    vote = db.session.get(Vote, vote_id)
    db.session.refresh(vote)
    assert (vote.yes_count, vote.no_count, vote.abstain_count) == (2, 1, 0)
    assert room.tally(meeting, vote)["cast"] == 3

    raises("not_chair", 403, room.close_vote, meeting, user("daibieu"), vote_id)
    result = room.close_vote(meeting, user("chutich"), vote_id)
    db.session.commit()
    assert result == {
        "vote_id": vote_id,
        "question": "Thông qua báo cáo?",
        "secret": False,
        "yes": 2,
        "no": 1,
        "abstain": 0,
        "eligible": 4,
        "passed": False,  # 2 of 4 present is not more than half
    }
    raises("vote_already_closed", 409, room.close_vote, meeting, user("chutich"), vote_id)
    raises("vote_closed", 409, room.cast_vote, meeting, user("daibieu.phunhuan"), vote_id, "yes")

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
    db.session.refresh(vote)
    assert (vote.status, vote.eligible, vote.yes_count, vote.no_count) == ("closed", 4, 2, 1)


def test_secret_vote_keeps_no_link_from_voter_to_choice(demo):
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    present(meeting, "chutich", "thuky", "daibieu", "daibieu.phunhuan")
    vote_id = room.open_vote(
        meeting, user("chutich"), {"question": "Bầu trưởng ban", "secret": True}
    )["vote_id"]
    db.session.commit()
    ballots = [("chutich", "yes"), ("thuky", "no"), ("daibieu", "abstain"),
               ("daibieu.phunhuan", "yes")]
    for name, choice in ballots:
        room.cast_vote(meeting, user(name), vote_id, choice)
        db.session.commit()
    raises("already_voted", 409, room.cast_vote, meeting, user("thuky"), vote_id, "yes")

    rows = db.session.scalars(
        select(VoteParticipation).where(VoteParticipation.vote_id == vote_id)
    ).all()
    assert len(rows) == 4
    assert all(row.choice is None for row in rows)
    assert {row.user.username for row in rows} == {name for name, _ in ballots}

    # the room state tells a voter that they voted, not what
    state = room.room_state(meeting, user("thuky"))
    assert state["vote"]["voted"] is True
    assert "choice" not in json.dumps(state["vote"])

    result = room.close_vote(meeting, user("chutich"), vote_id)
    db.session.commit()
    assert (result["yes"], result["no"], result["abstain"], result["eligible"]) == (2, 1, 1, 4)
    assert result["passed"] is False  # 2 of 4

    # nowhere else: not in the audit log, not in the record
    for entry in db.session.scalars(select(audit.AuditEntry)):
        data = json.loads(entry.data)
        assert not {"choice", "user", "voter"} & set(data), entry.action
    votes = record.meeting_record(meeting)["votes"]
    assert set(votes[0]) == {
        "vote_id", "question", "secret", "yes", "no", "abstain", "eligible", "passed",
        "status", "agenda_item", "agenda_item_id",
    }


def test_a_ballot_that_loses_a_race_with_another_device_is_already_voted(demo):
    """Both devices of one person pass the 'already voted?' check at once; the database's
    unique (vote, user) stops the second ballot, which must be a 409, not a crash."""
    meeting = started(participants=["daibieu"])
    present(meeting, "chutich", "daibieu")
    vote_id = room.open_vote(meeting, user("chutich"), {"question": "Thông qua?"})["vote_id"]
    db.session.commit()
    voter = user("daibieu")
    session = db.session()

    raced = []

    def other_device(session, flush_context, instances):
        if not raced and any(isinstance(obj, VoteParticipation) for obj in session.new):
            raced.append(True)
            with db.engine.begin() as conn:  # commits before our flush goes on
                conn.execute(
                    insert(VoteParticipation).values(
                        vote_id=vote_id, user_id=voter.id, choice="yes"
                    )
                )

    event.listen(session, "before_flush", other_device)
    try:
        raises("already_voted", 409, room.cast_vote, meeting, voter, vote_id, "no")
    finally:
        event.remove(session, "before_flush", other_device)
    assert raced
    rows = db.session.scalars(
        select(VoteParticipation.choice).where(VoteParticipation.vote_id == vote_id)
    ).all()
    assert rows == ["yes"]
    vote = db.session.get(Vote, vote_id)
    db.session.refresh(vote)
    assert vote.no_count == 0  # the losing ballot counted nothing


def test_votes_are_audited_and_the_chain_verifies(demo):
    meeting = started(participants=["daibieu"])
    present(meeting, "chutich", "daibieu")
    chair = user("chutich")
    vote_id = room.open_vote(meeting, chair, {"question": "Thông qua?"})["vote_id"]
    db.session.commit()
    room.cast_vote(meeting, chair, vote_id, "yes")
    room.cast_vote(meeting, user("daibieu"), vote_id, "yes")
    db.session.commit()
    room.close_vote(meeting, chair, vote_id)
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


# -- door and guest QR ---------------------------------------------------------------------


def test_door_qr_checks_in(demo):
    meeting = started()
    token = room.door_token(meeting)
    row = room.check_in_by_qr(meeting, user("daibieu"), token)
    db.session.commit()
    assert (row.attendance, row.check_in_method) == ("present", "qr")
    raises("not_participant", 403, room.check_in_by_qr, meeting, user("vanthu"), token)
    raises("invalid_qr", 422, room.check_in_by_qr, meeting, user("daibieu"), token + "x")
    raises("invalid_qr", 422, room.check_in_by_qr, meeting, user("daibieu"), "")


def test_door_qr_expires(demo, monkeypatch):
    meeting = started()
    now = TimestampSigner.get_timestamp
    # a code shown 12 hours and 1 second ago
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: now(self) - room.DOOR_QR_MAX_AGE - 1
    )
    old = room.door_token(meeting)
    monkeypatch.setattr(
        TimestampSigner, "get_timestamp", lambda self: now(self) - room.DOOR_QR_MAX_AGE + 60
    )
    recent = room.door_token(meeting)
    monkeypatch.undo()
    raises("qr_expired", 410, room.check_in_by_qr, meeting, user("daibieu"), old)
    assert participant(meeting, "daibieu").attendance == "invited"
    assert room.check_in_by_qr(meeting, user("daibieu"), recent).attendance == "present"


def test_door_qr_of_another_meeting_is_refused(demo):
    meeting = started()
    other = make_meeting(title="Cuộc họp khác", participants=["daibieu"])
    raises("qr_other_meeting", 422, room.check_in_by_qr, meeting, user("daibieu"),
           room.door_token(other))
    assert participant(meeting, "daibieu").attendance == "invited"


def test_guest_qr(demo):
    meeting = started()
    other = make_meeting(title="Cuộc họp khác")
    guest = services.invite_guest(meeting, user("thuky"), "Nguyễn Thị Hoa", "Báo Huế")
    db.session.commit()
    assert guest.expires_at == meeting.ends_at + services.GUEST_QR_VALID_AFTER_END
    raises("invalid_name", 422, services.invite_guest, meeting, user("thuky"), " ")
    raises("not_meeting_organiser", 403, services.invite_guest, meeting, user("daibieu"), "A")

    raises("invalid_invitation", 404, services.check_in_guest, other.id, guest.token)
    raises("invalid_invitation", 404, services.check_in_guest, meeting.id, "khong-co")
    checked = services.check_in_guest(meeting.id, guest.token)
    db.session.commit()
    first = checked.checked_in_at
    assert first is not None
    # scanning again keeps the first time
    assert services.check_in_guest(meeting.id, guest.token).checked_in_at == first


def test_guest_qr_expires(demo):
    meeting = started()
    guest = services.invite_guest(meeting, user("thuky"), "Khách")
    guest.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    raises("invitation_expired", 410, services.check_in_guest, meeting.id, guest.token)
    db.session.refresh(guest)
    assert guest.checked_in_at is None


# -- conclusions and tasks -----------------------------------------------------------------


def _task(**overrides):
    return {
        "organization": "phu-nhuan",
        "description": "Chỉnh trang vỉa hè",
        "deadline": (date.today() + timedelta(days=30)).isoformat(),
        **overrides,
    }


@pytest.mark.parametrize(
    ("tasks", "code"),
    [
        ([_task(deadline="31/12/2026")], "invalid_deadline"),
        ([_task(deadline="2026-02-30")], "invalid_deadline"),
        ([_task(deadline=None)], "invalid_deadline"),
        ([_task(organization="khong-co")], "unknown_organization"),
        ([_task(description=" ")], "missing_field"),
        ([_task(), "not a task"], "invalid_tasks"),
        ({"organization": "phu-nhuan"}, "invalid_tasks"),
    ],
)
def test_conclusion_with_a_bad_task_stores_nothing(demo, tasks, code):
    meeting = started()
    raises(code, 422, record.add_conclusion, meeting, user("thuky"),
           {"text": "Giao phường Phú Nhuận", "tasks": tasks})
    assert (count(Conclusion), count(FollowUpTask)) == (0, 0)


def test_conclusion_rules(demo):
    meeting = started()
    raises("invalid_conclusion", 422, record.add_conclusion, meeting, user("thuky"),
           {"text": "  "})
    raises("not_meeting_organiser", 403, record.add_conclusion, meeting, user("daibieu"),
           {"text": "Kết luận"})
    raises("agenda_item_not_found", 404, record.add_conclusion, meeting, user("thuky"),
           {"text": "Kết luận", "agenda_item_id": 424242})
    assert count(Conclusion) == 0


def test_tasks_are_visible_to_the_assigned_organisation_and_done_once(demo):
    meeting = started()
    conclusion = record.add_conclusion(
        meeting,
        user("chutich"),
        {
            "text": "Giao phường Phú Nhuận chỉnh trang đô thị",
            "agenda_item_id": meeting.agenda[0].id,
            "tasks": [_task(), _task(organization="tay-loc", description="Khơi thông cống")],
        },
    )
    db.session.commit()
    ward_task, tayloc_task = conclusion.tasks
    ward = ward_task.organization

    assert [t.id for t in record.open_tasks_for(user("daibieu.phunhuan"))] == [ward_task.id]
    assert [t.id for t in record.open_tasks_for(user("daibieu.tayloc"))] == [tayloc_task.id]
    assert record.open_tasks_for(user("daibieu")) == []
    assert [t.id for t in record.tasks_for_organization(ward)] == [ward_task.id]

    raises("not_assignee", 403, record.complete_task, ward_task.id, user("daibieu.tayloc"))
    raises("task_not_found", 404, record.complete_task, 987654, user("daibieu.phunhuan"))
    raises("task_not_found", 404, record.complete_task, "abc", user("daibieu.phunhuan"))
    done = record.complete_task(ward_task.id, user("daibieu.phunhuan"))
    db.session.commit()
    assert (done.status, done.done_by_id) == ("done", user("daibieu.phunhuan").id)
    raises("task_already_done", 409, record.complete_task, ward_task.id, user("thuky.phunhuan"))
    assert record.open_tasks_for(user("daibieu.phunhuan")) == []
    assert [t.id for t in record.tasks_for_organization(ward, include_done=True)] == [
        ward_task.id
    ]


# -- the record and the minutes ------------------------------------------------------------


def _held_meeting() -> Meeting:
    """A meeting with attendance, a speech, a vote and a conclusion on its first item."""
    meeting = started(participants=["daibieu", "daibieu.phunhuan"])
    present(meeting, "chutich", "thuky", "daibieu")
    room.record_attendance(meeting, user("thuky"), "daibieu.phunhuan", "absent", "Đi công tác")
    room.request_floor(meeting, user("daibieu"))
    room.grant_floor(meeting, user("chutich"), "daibieu")
    vote_id = room.open_vote(meeting, user("chutich"), {"question": "Thông qua báo cáo"})[
        "vote_id"
    ]
    db.session.commit()
    for name, choice in (("chutich", "yes"), ("thuky", "yes"), ("daibieu", "abstain")):
        room.cast_vote(meeting, user(name), vote_id, choice)
    room.close_vote(meeting, user("chutich"), vote_id)
    record.add_conclusion(
        meeting,
        user("thuky"),
        {
            "text": "Thống nhất thông qua báo cáo",
            "agenda_item_id": meeting.agenda[0].id,
            "tasks": [_task(deadline="2027-01-15")],
        },
    )
    db.session.commit()
    return meeting


def test_meeting_record_has_everything(demo):
    meeting = _held_meeting()
    data = record.meeting_record(meeting)
    attendance = {a["user"]: (a["attendance"], a["absence_reason"]) for a in data["attendance"]}
    assert attendance == {
        "chutich": ("present", None),
        "thuky": ("present", None),
        "daibieu": ("present", None),
        "daibieu.phunhuan": ("absent", "Đi công tác"),
    }
    assert [s["user"] for s in data["speakers"]] == ["daibieu"]
    assert data["speakers"][0]["agenda_item"] == "Báo cáo kinh tế – xã hội"
    (vote,) = data["votes"]
    assert (vote["yes"], vote["no"], vote["abstain"], vote["eligible"], vote["status"]) == (
        2, 0, 1, 3, "closed",
    )
    assert vote["passed"] is True
    (conclusion,) = data["conclusions"]
    assert conclusion["tasks"][0]["organization"] == "phu-nhuan"
    assert conclusion["tasks"][0]["deadline"] == "2027-01-15"


def test_minutes_draft_contains_attendance_votes_and_conclusions(demo):
    meeting = _held_meeting()
    text = record.minutes_text(meeting)
    assert text.startswith("BIÊN BẢN HỌP THƯỜNG KỲ KIỂM THỬ")
    assert "Có mặt: 3/4" in text
    for name in ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường"):
        assert name in text
    assert "Vắng mặt: Phạm Thị Dung (Đi công tác)" in text
    assert "1. Báo cáo kinh tế – xã hội" in text
    assert "Phát biểu: Lê Văn Cường" in text
    assert "Thông qua báo cáo — đồng ý 2, không đồng ý 0, không biểu quyết 1 / 3 có mặt" in text
    assert "Kết luận: Thống nhất thông qua báo cáo" in text
    assert "UBND phường Phú Nhuận: Chỉnh trang vỉa hè" in text
    assert "15/01/2027" in text


def test_minutes_keep_conclusions_and_votes_outside_the_agenda(demo):
    """A conclusion or vote not tied to an agenda item still belongs in the minutes."""
    meeting = make_meeting(participants=["daibieu"])
    services.set_status(meeting, user("chutich"), MeetingStatus.IN_PROGRESS)  # no agenda
    present(meeting, "chutich", "daibieu")
    vote_id = room.open_vote(meeting, user("chutich"), {"question": "Biểu quyết chung"})[
        "vote_id"
    ]
    room.cast_vote(meeting, user("daibieu"), vote_id, "yes")
    room.close_vote(meeting, user("chutich"), vote_id)
    record.add_conclusion(meeting, user("thuky"), {"text": "Kết luận chung của cuộc họp"})
    db.session.commit()
    text = record.draft_minutes(meeting)
    assert "Kết luận chung của cuộc họp" in text
    assert "Biểu quyết chung — đồng ý 1" in text


def test_only_the_secretary_saves_the_minutes(demo):
    meeting = _held_meeting()
    for name in ("chutich", "daibieu", "vanthu"):
        raises("not_secretary", 403, record.save_minutes, meeting, user(name), "Biên bản")
    raises("invalid_minutes", 422, record.save_minutes, meeting, user("thuky"), "   ")
    raises("invalid_minutes", 422, record.save_minutes, meeting, user("thuky"),
           "x" * (record.MAX_MINUTES_CHARS + 1))
    db.session.refresh(meeting)
    assert meeting.minutes_text == ""
    record.save_minutes(meeting, user("thuky"), "BIÊN BẢN đã sửa")
    db.session.commit()
    assert record.minutes_text(meeting) == "BIÊN BẢN đã sửa"
    assert meeting.minutes_updated_at is not None


def test_search_finds_only_visible_meetings(demo):
    secret = make_meeting(title="Họp mật về quy hoạch", confidential=True)
    record.add_conclusion(secret, user("thuky"), {"text": "Quy hoạch khu đô thị"})
    visible = make_meeting(title="Họp công khai")
    record.add_conclusion(visible, user("thuky"), {"text": "Quy hoạch công viên"})
    db.session.commit()
    assert {m.id for m in record.search_meetings(user("thuky"), "quy hoạch")} == {
        secret.id,
        visible.id,
    }
    assert {m.id for m in record.search_meetings(user("vanthu"), "quy hoạch")} == {visible.id}


def test_document_title_prefers_a_meaningful_name():
    assert services.document_title("Tờ trình 12", "Khác", "a.pdf") == "Tờ trình 12"
    assert services.document_title(None, "Báo cáo tài chính", "x.pdf") == "Báo cáo tài chính"
    assert services.document_title(None, "Microsoft Word - Document1", "bao-cao.pdf") == "bao-cao"
    assert services.document_title("", "bao cao.docx", "C:\\\\tmp\\\\to-trinh.PDF") == "to-trinh"
    assert services.document_title(None, None, "") == "Tài liệu"
