"""Presenting (trình chiếu): the page everyone follows, who presents, the agenda item."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from core.access import owned_row
from core.errors import NotFound
from core.extensions import db
from core.live_document import turn_page
from meetings.access import MeetingStanding
from meetings.models import Document
from meetings.presence import participant_named
from meetings.services import get_agenda_item


def meeting_document(meeting_id: int, document_id: int) -> Document:
    missing = NotFound("document_not_found", _l("Không tìm thấy tài liệu."))
    return owned_row(Document, document_id, missing, meeting_id=meeting_id)


def change_page(attendee: MeetingStanding, document_id: int, page: int) -> dict[str, Any]:
    """The presenter turns to a page; the ``page_changed`` payload."""
    document = meeting_document(attendee.meeting.id, document_id)
    return turn_page(attendee.meeting, attendee.user, document.id, document.pages, page)


def hand_presenting(chair: MeetingStanding, username: str) -> dict[str, Any]:
    """The chair hands presenting to a participant (or takes it back)."""
    target = participant_named(chair.meeting, username)
    chair.meeting.presenter_id = target.user_id
    db.session.flush()
    return {"presenter": target.user.username, "name": target.user.display_name}


def set_agenda_item(lead: MeetingStanding, item_id: int) -> dict[str, Any]:
    """The chair or the secretary moves the room to an agenda item."""
    item = get_agenda_item(lead.meeting, item_id)
    lead.meeting.current_agenda_item_id = item.id
    db.session.flush()
    return {"agenda_item_id": item.id, "title": item.title}
