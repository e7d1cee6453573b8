"""Presenting (meetings.presenting): the page everyone follows, who presents, and the
agenda item the room is on."""

from __future__ import annotations

import pytest

from core.extensions import db
from meetings import presenting
from meetings.access import MeetingRight
from meetings.models import Meeting
from tests.meetings.checks import raises
from tests.meetings.factories import (
    CHAIR,
    PARTICIPATE,
    acting,
    add_pdf,
    make_meeting,
    started,
)

pytestmark = pytest.mark.db


def turn(meeting: Meeting, username: str, document_id: int, page: int) -> dict:
    return presenting.change_page(acting(meeting, username, PARTICIPATE), document_id, page)


def test_only_the_presenter_turns_pages(demo):
    meeting = started()
    document = add_pdf(meeting, pages=5)
    other = add_pdf(make_meeting(title="Khác"), pages=3)
    payload = turn(meeting, "chutich", document.id, 3)
    db.session.commit()
    assert payload == {"document_id": document.id, "page": 3, "by": "chutich"}
    raises("not_presenter", 403, turn, meeting, "daibieu", document.id, 2)
    raises("page_out_of_range", 422, turn, meeting, "chutich", document.id, 6)
    raises("document_not_found", 404, turn, meeting, "chutich", other.id, 1)
    raises("not_participant", 403, acting, meeting, "vanthu", PARTICIPATE)
    db.session.refresh(meeting)
    assert (meeting.live_document_id, meeting.live_page) == (document.id, 3)

    raises("not_chair", 403, acting, meeting, "daibieu", PARTICIPATE, CHAIR)
    handed = presenting.hand_presenting(acting(meeting, "chutich", PARTICIPATE, CHAIR), "daibieu")
    db.session.commit()
    assert handed == {"presenter": "daibieu", "name": "Lê Văn Cường"}
    assert turn(meeting, "daibieu", document.id, 5)["by"] == "daibieu"
    raises("not_presenter", 403, turn, meeting, "chutich", document.id, 1)


def test_presenting_goes_only_to_a_participant(demo):
    meeting = started()
    chair = acting(meeting, "chutich", PARTICIPATE, CHAIR)
    raises("participant_not_found", 404, presenting.hand_presenting, chair, "vanthu")
    db.session.refresh(meeting)
    assert meeting.presenter_id == chair.user.id


def test_the_chair_or_the_secretary_moves_the_room_to_an_agenda_item(demo):
    meeting = started()
    first, second = meeting.agenda
    other = started(title="Họp khác").agenda[0]
    lead = MeetingRight.LEAD
    moved = presenting.set_agenda_item(acting(meeting, "thuky", PARTICIPATE, lead), second.id)
    db.session.commit()
    assert moved == {"agenda_item_id": second.id, "title": "Kế hoạch chuyển đổi số"}
    assert meeting.current_agenda_item_id == second.id
    raises("not_chair", 403, acting, meeting, "daibieu", PARTICIPATE, lead)
    chair = acting(meeting, "chutich", PARTICIPATE, lead)
    raises("agenda_item_not_found", 404, presenting.set_agenda_item, chair, other.id)
    presenting.set_agenda_item(chair, first.id)
    db.session.commit()
    assert meeting.current_agenda_item_id == first.id
