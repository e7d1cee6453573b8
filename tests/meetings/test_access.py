"""Who may see and do what in a meeting (meetings.access), loaded as a handler loads it:
``standing(meeting_id, user, *rights)`` — 404 for those who may not see the meeting, 403
with the right's own code for those who may see it but not do this."""

from __future__ import annotations

import pytest

from core.security import org_by_code
from meetings.access import (
    MeetingRight,
    can_organise_in,
    joined_meeting_ids,
    meetings_for,
    standing,
    standing_in,
    visible_meetings,
)
from meetings.documents import readable_document
from tests.meetings.checks import raises
from tests.meetings.factories import add_pdf, end, make_meeting, start, user

pytestmark = pytest.mark.db

VIEW, MANAGE, PARTICIPATE = MeetingRight.VIEW, MeetingRight.MANAGE, MeetingRight.PARTICIPATE


def visible_to(meeting, username: str) -> bool:
    return standing_in(meeting, user(username)).has(VIEW)


def test_confidential_meeting_is_visible_to_its_participants_only(demo):
    meeting = make_meeting(confidential=True, participants=["daibieu"])
    for name in ("chutich", "thuky", "daibieu"):
        assert standing(meeting.id, user(name)).meeting.id == meeting.id, name
    # an official of the same city, a city administrator and a ward delegate: not invited
    for name in ("vanthu", "admin", "daibieu.phunhuan", "daibieu.tayloc"):
        assert not visible_to(meeting, name), name
        # not 403: the meeting is not even acknowledged to exist
        raises("meeting_not_found", 404, standing, meeting.id, user(name))
        raises("meeting_not_found", 404, standing, meeting.id, user(name), MANAGE)
    assert meeting.id in [m.id for m in meetings_for(user("daibieu"))]
    assert meeting.id not in [m.id for m in meetings_for(user("vanthu"))]


def test_confidential_documents_are_hidden_from_outsiders_by_id(demo):
    meeting = make_meeting(confidential=True, participants=["daibieu"])
    document = add_pdf(meeting)
    found, viewer = readable_document(document.id, user("daibieu"))
    assert (found.id, viewer.meeting.id) == (document.id, meeting.id)
    raises("document_not_found", 404, readable_document, document.id, user("vanthu"))
    raises("document_not_found", 404, readable_document, document.id, user("admin"))
    raises("document_not_found", 404, readable_document, 987_654, user("daibieu"))


def test_open_meeting_is_visible_to_members_of_its_organisation(demo):
    meeting = make_meeting(participants=["daibieu"])
    for name in ("vanthu", "admin", "daibieu", "thuky"):
        assert visible_to(meeting, name), name
    for name in ("daibieu.tayloc", "chutich.phunhuan", "giaovien"):
        assert not visible_to(meeting, name), name
        raises("meeting_not_found", 404, standing, meeting.id, user(name))
    assert meeting.id in [m.id for m in meetings_for(user("vanthu"))]
    assert meeting.id not in [m.id for m in meetings_for(user("daibieu.tayloc"))]


def test_a_missing_meeting_is_not_found(demo):
    raises("meeting_not_found", 404, standing, 987_654, user("admin"))


def test_manage_rights_are_for_chair_secretary_and_creator(demo):
    meeting = make_meeting(creator="vanthu", participants=["daibieu"])
    for name in ("chutich", "thuky", "vanthu"):
        assert standing(meeting.id, user(name), MANAGE).has(MANAGE), name
    for name in ("daibieu", "admin"):
        assert not standing_in(meeting, user(name)).has(MANAGE), name
        raises("not_meeting_organiser", 403, standing, meeting.id, user(name), MANAGE)


def test_participant_only_actions_refuse_org_members(demo):
    meeting = make_meeting(participants=["daibieu"])
    document = add_pdf(meeting)
    # vanthu may read the meeting and its documents, but neither comment nor enter the room
    _, viewer = readable_document(document.id, user("vanthu"))
    raises("not_participant", 403, viewer.require, PARTICIPATE)
    raises("not_participant", 403, standing, meeting.id, user("vanthu"), PARTICIPATE)
    raises("not_participant", 403, lambda: viewer.attendee)
    assert standing(meeting.id, user("daibieu"), PARTICIPATE).attendee.user.username == "daibieu"


@pytest.mark.parametrize(
    ("right", "allowed", "refused", "code"),
    [
        (MeetingRight.CHAIR, "chutich", "thuky", "not_chair"),
        (MeetingRight.LEAD, "thuky", "daibieu", "not_chair"),
        (MeetingRight.TAKE_MINUTES, "thuky", "chutich", "not_secretary"),
    ],
)
def test_room_rights_have_their_own_refusals(demo, right, allowed, refused, code):
    meeting = make_meeting(participants=["daibieu"])
    assert standing(meeting.id, user(allowed), PARTICIPATE, right).has(right)
    raises(code, 403, standing, meeting.id, user(refused), PARTICIPATE, right)


@pytest.mark.parametrize("right", list(MeetingRight))
@pytest.mark.parametrize("light", [False, True])
def test_a_meeting_one_may_not_see_is_not_found_whatever_the_right(demo, right, light):
    """The same answer for every right, and for the light load the socket events use:
    a confidential meeting (or another ward's) is never acknowledged over the room."""
    meeting = make_meeting(confidential=True, participants=["daibieu"])
    for name in ("vanthu", "daibieu.tayloc"):
        raises("meeting_not_found", 404, standing, meeting.id, user(name), right, light=light)


def test_who_may_organise_for_an_organisation(demo):
    city, ward = org_by_code("hue"), org_by_code("phu-nhuan")
    for name in ("chutich", "thuky", "vanthu", "admin"):
        assert can_organise_in(user(name), city), name
    for name in ("daibieu", "chutich.phunhuan", "giaovien"):
        assert not can_organise_in(user(name), city), name
    assert can_organise_in(user("chutich.phunhuan"), ward)
    assert not can_organise_in(user("chutich"), ward)  # the city's chair is not the ward's


def test_lists_of_meetings_only_show_what_one_may_see(demo):
    open_meeting = make_meeting(participants=["daibieu"])
    secret = make_meeting(confidential=True, participants=["daibieu"])
    ended = make_meeting(participants=["daibieu"])
    start(ended)
    end(ended)
    ids = [open_meeting.id, secret.id, ended.id]
    assert joined_meeting_ids(user("daibieu"), ids) == set(ids)
    assert joined_meeting_ids(user("vanthu"), ids) == set()
    assert joined_meeting_ids(user("vanthu"), []) == set()
    assert set(visible_meetings(user("vanthu"), ids)) == {open_meeting.id, ended.id}
    assert set(visible_meetings(user("daibieu"), ids)) == set(ids)
    assert visible_meetings(user("daibieu.tayloc"), ids) == {}
    upcoming = {m.id for m in meetings_for(user("daibieu"), include_ended=False)} & set(ids)
    assert upcoming == {open_meeting.id, secret.id}
