"""Scheduling a meeting (meetings.services): its fields, participants, status, guests, and
that an ended meeting is final. Bodies are parsed with the schema the handlers use."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import audit
from core.extensions import db
from core.models import Membership
from core.schemas import parse
from core.security import create_or_update_user, org_by_code
from meetings import documents, presence, services
from meetings.models import Meeting, MeetingStatus, Participant
from meetings.schemas import AgendaItemPatch, GuestIn, MeetingIn, MeetingPatch
from tests.meetings.checks import count, raises
from tests.meetings.factories import (
    MANAGE,
    PARTICIPATE,
    acting,
    add_item,
    end,
    expired,
    local,
    make_meeting,
    meeting_body,
    pdf,
    start,
    started,
    user,
    when,
)

pytestmark = pytest.mark.db


def create(body: dict, by: str = "chutich") -> Meeting:
    """What POST /api/v1/meetings does: parse the body, then schedule."""
    return services.create_meeting(user(by), parse(MeetingIn, body))


def update(meeting: Meeting, by: str, **changes) -> Meeting:
    """What PATCH does: load the organiser's standing, parse the patch, apply it."""
    return services.update_meeting(acting(meeting, by, MANAGE), parse(MeetingPatch, changes))


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
    err = raises("missing_field", 422, create, body)
    assert err.details == {"field": field}
    assert str(err.message) == f"Thiếu {MeetingIn.field_labels[field]}."
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
    raises(code, 422, create, meeting_body(**overrides))
    assert (count(Meeting), count(Participant)) == before


def test_create_needs_an_organiser_of_the_organisation(demo):
    before = count(Meeting)
    raises("cannot_organise", 403, create, meeting_body(), "daibieu")
    # a ward chair cannot schedule a city meeting
    raises("cannot_organise", 403, create, meeting_body(), "chutich.phunhuan")
    assert count(Meeting) == before


def test_create_sets_roles_presenter_and_audit(demo):
    meeting = make_meeting(kind="thematic", participants=["daibieu", "chutich"])
    roles = {p.user.username: p.role for p in meeting.participants}
    assert roles == {"chutich": "chair", "thuky": "secretary", "daibieu": "delegate"}
    assert meeting.presenter_id == user("chutich").id
    assert meeting.status == MeetingStatus.SCHEDULED
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


def test_a_whole_organisation_brings_its_officials_only(demo):
    """A teacher or a student listed in the ward is not an official: not invited."""
    for name, role in (("hocsinh.pn", "student"), ("giaovien.pn", "teacher")):
        create_or_update_user(name, "mat-khau-thu-2026", role, "phu-nhuan", name)
    db.session.flush()
    meeting = make_meeting(participants=[], participant_organizations=["phu-nhuan"])
    names = {p.user.username for p in meeting.participants}
    assert "daibieu.phunhuan" in names
    assert not names & {"hocsinh.pn", "giaovien.pn"}
    # each person once, even when named and also a member of a listed organisation
    assert len(names) == len(meeting.participants)


# -- updating ----------------------------------------------------------------------------


def test_update_meeting_keeps_rules(demo):
    meeting = make_meeting()
    update(meeting, "thuky", title="Họp chuyên đề", kind="thematic")
    db.session.commit()
    assert (meeting.title, meeting.kind) == ("Họp chuyên đề", "thematic")
    raises("not_meeting_organiser", 403, acting, meeting, "daibieu", MANAGE)
    raises("invalid_time_range", 422, update, meeting, "chutich", ends_at=local(when(1, 7)))
    db.session.refresh(meeting)
    assert meeting.title == "Họp chuyên đề"


def test_update_to_an_organisation_one_may_not_organise_for_is_refused(demo):
    meeting = make_meeting()
    # the city's chair organises for the city, not for the ward of Phú Nhuận
    raises("cannot_organise", 403, update, meeting, "chutich", organization="phu-nhuan")
    db.session.refresh(meeting)
    assert meeting.organization.code == "hue"
    # the rule is about where the meeting goes: a ward meeting the city's chair chairs
    # stays editable by them, and they may move it to the city
    ward = make_meeting(creator="chutich.phunhuan", organization="phu-nhuan")
    update(ward, "chutich", title="Họp phường đã sửa")
    update(ward, "chutich", organization="hue")
    db.session.commit()
    assert (ward.title, ward.organization.code) == ("Họp phường đã sửa", "hue")


def test_status_changes_in_order_only(demo):
    meeting = make_meeting()
    raises("invalid_status_change", 409, end, meeting)
    raises("not_meeting_organiser", 403, acting, meeting, "daibieu", MANAGE)
    start(meeting, by="thuky")
    assert meeting.started_at is not None
    raises("invalid_status_change", 409, start, meeting)
    end(meeting)
    assert meeting.status == "ended" and meeting.ended_at is not None
    raises("invalid_status_change", 409, end, meeting)
    raises("meeting_ended", 409, update, meeting, "chutich")


def test_an_ended_meeting_refuses_agenda_uploads_guests_and_attendance(demo):
    meeting = started()
    item = meeting.agenda[0]
    door = presence.door_token(meeting)
    end(meeting)
    organiser = acting(meeting, "thuky", MANAGE)
    patch = parse(AgendaItemPatch, {"title": "Đổi tên"})
    refused = [
        (add_item, meeting, "Mục mới"),
        (services.update_agenda_item, organiser, item.id, patch),
        (services.delete_agenda_item, organiser, item.id),
        (services.reorder_agenda, organiser, [a.id for a in meeting.agenda]),
        (documents.add_document, organiser, pdf(2), "muon.pdf"),
        (services.invite_guest, organiser, "Khách đến muộn"),
        (presence.record_attendance, organiser, "daibieu", "present"),
        (presence.check_in_by_qr, acting(meeting, "daibieu", PARTICIPATE), door),
        (update, meeting, "chutich"),
    ]
    for call, *args in refused:
        raises("meeting_ended", 409, call, *args)
    db.session.expire_all()
    titles = [a.title for a in meeting.agenda]
    assert titles == ["Báo cáo kinh tế – xã hội", "Kế hoạch chuyển đổi số"]
    assert (meeting.documents, meeting.guests) == ([], [])
    assert {p.attendance for p in meeting.participants} == {"invited"}


# -- guests ------------------------------------------------------------------------------


def invite(meeting: Meeting, name: str, affiliation: str = "") -> object:
    data = parse(GuestIn, {"name": name, "affiliation": affiliation})
    return services.invite_guest(acting(meeting, "thuky", MANAGE), data.name, data.affiliation)


def test_guest_qr(demo):
    meeting = started()
    other = make_meeting(title="Cuộc họp khác")
    guest = invite(meeting, "Nguyễn Thị Hoa", "Báo Huế")
    db.session.commit()
    assert guest.expires_at == meeting.ends_at + services.GUEST_QR_VALID_AFTER_END
    raises("invalid_name", 422, invite, meeting, " ")
    raises("not_meeting_organiser", 403, acting, meeting, "daibieu", MANAGE)

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
    guest = invite(meeting, "Khách")
    expired(guest)
    raises("invitation_expired", 410, services.check_in_guest, meeting.id, guest.token)
    db.session.refresh(guest)
    assert guest.checked_in_at is None
