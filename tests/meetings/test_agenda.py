"""The agenda (chương trình họp): items added, edited, removed and reordered by the
organisers, and what removing the room's current item does."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.errors import DomainError
from core.extensions import db
from core.schemas import parse
from meetings import presenting, room, services, votes
from meetings.access import MeetingRight
from meetings.models import AgendaItem, Meeting
from meetings.schemas import AgendaItemPatch, AgendaOrderIn, OpenVoteIn
from tests.meetings.checks import raises
from tests.meetings.factories import (
    MANAGE,
    PARTICIPATE,
    acting,
    add_item,
    make_meeting,
    started,
)

pytestmark = pytest.mark.db


def agenda(meeting: Meeting) -> list[tuple[str, int]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    )
    return [(a.title, a.position) for a in rows]


def reorder(meeting: Meeting, order) -> list[AgendaItem]:
    """What POST agenda-order does with a body {"order": order}."""
    data = parse(AgendaOrderIn, {"order": order})
    return services.reorder_agenda(acting(meeting, "chutich", MANAGE), data.order)


def edit(meeting: Meeting, item_id: int, **changes) -> AgendaItem:
    data = parse(AgendaItemPatch, changes)
    return services.update_agenda_item(acting(meeting, "chutich", MANAGE), item_id, data)


def delete(meeting: Meeting, item_id: int) -> None:
    services.delete_agenda_item(acting(meeting, "chutich", MANAGE), item_id)


def test_agenda_add_update_delete_and_reorder(demo):
    meeting = make_meeting()
    a = add_item(meeting, "A", presenter="daibieu")
    b = add_item(meeting, "B", by="thuky", planned_minutes="15")
    c = add_item(meeting, "C")
    db.session.commit()
    assert (a.presenter.username, b.planned_minutes) == ("daibieu", 15)
    assert agenda(meeting) == [("A", 1), ("B", 2), ("C", 3)]

    reorder(meeting, [c.id, str(a.id), b.id])
    db.session.commit()
    assert agenda(meeting) == [("C", 1), ("A", 2), ("B", 3)]

    edited = edit(meeting, a.id, title="A2", planned_minutes="", presenter="")
    assert (edited.planned_minutes, edited.presenter_id) == (None, None)
    delete(meeting, c.id)
    db.session.commit()
    assert agenda(meeting) == [("A2", 1), ("B", 2)]


def test_deleting_the_current_agenda_item_moves_the_room_on(demo):
    meeting = started()
    third = add_item(meeting, "Tuyển sinh")
    first, second, _ = meeting.agenda
    db.session.commit()
    assert meeting.current_agenda_item_id == first.id
    delete(meeting, first.id)
    db.session.commit()
    db.session.refresh(meeting)
    assert meeting.current_agenda_item_id == second.id  # the item that took its place
    state = room.room_state(acting(meeting, "daibieu", PARTICIPATE))
    assert state["agenda_item_id"] == second.id
    lead = acting(meeting, "chutich", PARTICIPATE, MeetingRight.LEAD)
    presenting.set_agenda_item(lead, third.id)
    delete(meeting, third.id)  # the last one: the one before
    db.session.commit()
    assert meeting.current_agenda_item_id == second.id
    delete(meeting, second.id)
    db.session.commit()
    assert meeting.current_agenda_item_id is None
    # a vote opened now belongs to no item rather than to a deleted one
    chair = acting(meeting, "chutich", PARTICIPATE, MeetingRight.CHAIR)
    data = parse(OpenVoteIn, {"question": "Q", "despite_no_quorum": True})
    assert votes.open_vote(chair, data)["agenda_item_id"] is None


@pytest.mark.parametrize(
    "order", ["missing", "duplicate", "extra", "foreign", "not a list", "words", "too large"]
)
def test_agenda_bad_order_is_refused_and_nothing_changes(demo, order):
    meeting = make_meeting()
    other = make_meeting(title="Cuộc họp khác")
    ids = [add_item(meeting, t).id for t in "ABC"]
    foreign = add_item(other, "X").id
    db.session.commit()
    bad = {
        "missing": ids[:2],
        "duplicate": [ids[0], ids[0], ids[1]],
        "extra": [*ids, 999_999],
        "foreign": [ids[0], ids[1], foreign],
        "not a list": {"order": ids},
        "words": ["một", "hai", "ba"],
        "too large": [ids[0], ids[1], 2**31],
    }[order]
    with pytest.raises(DomainError) as caught:
        reorder(meeting, bad)
    db.session.rollback()
    assert caught.value.status == 422
    expected = "invalid_id" if order in ("words", "too large") else "invalid_order"
    assert caught.value.code == expected
    assert agenda(meeting) == [("A", 1), ("B", 2), ("C", 3)]


def test_agenda_item_rules(demo):
    meeting = make_meeting()
    # a blank title is an invalid one, as for the meeting itself
    raises("invalid_title", 422, add_item, meeting, " ")
    raises("unknown_user", 422, add_item, meeting, "A", presenter="khong.co")
    raises("invalid_duration", 422, add_item, meeting, "A", planned_minutes="0")
    raises("invalid_duration", 422, add_item, meeting, "A", planned_minutes="-5")
    raises("not_meeting_organiser", 403, add_item, meeting, "A", by="daibieu")
    raises("agenda_item_not_found", 404, delete, meeting, 12345)
    raises("agenda_item_not_found", 404, edit, meeting, 12345, title="B")
    assert agenda(meeting) == []
